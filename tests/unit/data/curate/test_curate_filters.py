import json
import re

import pytest

from sftflow.data.curate.filters import filter_file, sql_problem
from sftflow.data.templates import PromptTemplates
from sftflow.demo.sql_data import generate_rows
from sftflow.errors import UserError

FIELDS = ["sql_prompt", "sql_context", "sql"]
REQUIRED = ["sql_prompt", "sql_context", "sql"]


def table_of(row):
    return re.search(r"CREATE TABLE (\w+)", row["sql_context"]).group(1)


@pytest.fixture(scope="module")
def planted():
    """30 generated rows with bad ones planted; returns (rows, rule -> indices it must remove)."""
    rows = generate_rows(30, seed=2)
    rows[3]["sql"] = "SELECT name FROM products WHERE"
    rows[5]["sql"] = "SELECT * FROM no_such_table"
    rows[8]["sql"] = f"SELECT id FROM {table_of(rows[8])} WHERE id < 0"
    rows[9]["sql"] = f"SELECT MAX(id) FROM {table_of(rows[9])} WHERE id < 0"
    rows[10]["sql_prompt"], rows[10]["sql"] = "   ", "SELEC"  # empty and bad SQL: the first rule gets it
    del rows[12]["sql_context"]
    rows[15]["sql_prompt"] = "word " * 800
    rows[18]["sql_prompt"] = "TODO: write the question"
    rows[20]["sql"] = "with t as (select 1 as x) select x from t"
    rows[25] = {"sql_prompt": "Hi", "sql_context": "CREATE TABLE t (a INT);", "sql": "SELECT 1"}
    expected = {"required_fields": [10, 12], "min_chars": [25], "max_chars": [15], "include:sql": [20],
                "exclude:sql_prompt": [18], "sql_valid": [3, 5, 8, 9]}
    return rows, expected


def run_all_rules(jsonl, tmp_path, rows, output="out.jsonl"):
    return filter_file(jsonl(tmp_path / "in.jsonl", rows), tmp_path / output, fields=FIELDS,
                       required_fields=REQUIRED, min_chars=50, max_chars=2000, include={"sql": r"^SELECT\b"},
                       exclude={"sql_prompt": r"(?i)\btodo\b"}, sql_check=True)


def test_each_rule_removes_exactly_its_planted_rows(jsonl, tmp_path, planted):
    rows, expected = planted
    report = run_all_rules(jsonl, tmp_path, rows)
    removed = {r["rule"]: [e["index"] for e in r["examples"]] for r in report["rules"]}
    assert {r["rule"]: r["removed"] for r in report["rules"]} == {k: len(v) for k, v in expected.items()}
    assert removed == {k: v[:3] for k, v in expected.items()}  # examples: the first 3 of each
    gone = {i for v in expected.values() for i in v}
    kept = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert kept == [row for i, row in enumerate(rows) if i not in gone]  # every good generated row passes
    assert report["rows_out"] == 30 - len(gone)


def test_reasons_say_what_is_wrong(jsonl, tmp_path, planted):
    report = run_all_rules(jsonl, tmp_path, planted[0])
    reasons = {e["index"]: e["reason"] for r in report["rules"] for e in r["examples"]}
    assert reasons[10] == "empty or missing: sql_prompt"
    assert reasons[12] == "empty or missing: sql_context"
    assert reasons[15].endswith("characters (> 2000)")
    assert "parse error" in reasons[3] and "no such table" in reasons[5]
    assert reasons[8] == "query returns no rows"


def test_sql_problem_directly():
    context = "CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2);"
    assert sql_problem(context, "SELECT a FROM t;") is None
    assert sql_problem(context, "SELECT MAX(a) FROM t WHERE a > 5") == "query returns only NULL"
    assert "context script failed" in sql_problem("CREATE TABL t (a INT);", "SELECT 1")
    assert "forbidden" in sql_problem(context, "DELETE FROM t")
    assert sql_problem(context, "") == "empty or missing SQL context or query"


def test_sql_problem_bounds_generated_queries_in_time_and_memory():
    # A synthesized row's SQL is model output: it runs in the sandbox's worker, killed at its deadline.
    context = "CREATE TABLE t (a INT); INSERT INTO t VALUES (1);"
    assert sql_problem(context, "SELECT printf('%.*c', 2e9, 'x')", timeout_s=0.3) == "query failed: timeout"
    many_big_values = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 300) "
                       "SELECT zeroblob(9e6) FROM c")
    assert sql_problem(context, many_big_values).startswith("query failed: memory limit")
    assert sql_problem(context, "SELECT a FROM t") is None  # and the next row is checked as usual


def test_token_limits_use_the_chat_template(jsonl, tmp_path, tiny_model_dir):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    templates = PromptTemplates({"user": "{{ sql_context }}\n\n{{ sql_prompt }}", "assistant": "{{ sql }}"}, "inline")
    rows = generate_rows(12, seed=4)
    messages = [templates.render(row, i) for i, row in enumerate(rows)]
    lengths = [len(tokenizer.apply_chat_template(m, tokenize=True, return_dict=True)["input_ids"]) for m in messages]
    rows.append({**rows[0], "sql_prompt": rows[0]["sql_prompt"] + " and then more" * 40})
    data = jsonl(tmp_path / "in.jsonl", rows)
    report = filter_file(data, tmp_path / "out.jsonl", templates=templates, tokenizer=tokenizer,
                         min_tokens=min(lengths), max_tokens=max(lengths))
    assert [(r["rule"], r["removed"]) for r in report["rules"]] == [("min_tokens", 0), ("max_tokens", 1)]
    assert report["rules"][1]["examples"][0]["index"] == 12
    tighter = filter_file(data, tmp_path / "out2.jsonl", templates=templates, tokenizer=tokenizer,
                          max_tokens=max(lengths) - 1)
    assert tighter["rules"][0]["removed"] == 1 + sum(n == max(lengths) for n in lengths)


def test_same_input_gives_identical_bytes(jsonl, tmp_path, planted):
    run_all_rules(jsonl, tmp_path, planted[0])
    first = (tmp_path / "out.jsonl").read_bytes(), (tmp_path / "out.report.json").read_bytes()
    run_all_rules(jsonl, tmp_path, planted[0])
    assert ((tmp_path / "out.jsonl").read_bytes(), (tmp_path / "out.report.json").read_bytes()) == first


def test_refusals_are_user_errors(jsonl, tmp_path, planted):
    data = jsonl(tmp_path / "in.jsonl", planted[0])
    with pytest.raises(UserError, match="same file as the input"):
        filter_file(data, data, sql_check=True)
    with pytest.raises(UserError, match="no filter rule"):
        filter_file(data, tmp_path / "out.jsonl")
    with pytest.raises(UserError, match="need a tokenizer"):
        filter_file(data, tmp_path / "out.jsonl", max_tokens=10)
    with pytest.raises(UserError, match="bad regex for field 'sql'"):
        filter_file(data, tmp_path / "out.jsonl", include={"sql": "("})


def test_script_filter_keeps_rows_mostly_in_one_script(jsonl, tmp_path):
    rows = [{"q": "How many rows are there?"}, {"q": "Сколько строк в таблице?"},
            {"q": "How many строк?"}, {"q": "12345 !!"}]
    report = filter_file(jsonl(tmp_path / "in.jsonl", rows), tmp_path / "out.jsonl", fields=["q"],
                         script="latin", min_script_share=0.8)
    kept = [json.loads(line)["q"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert kept == ["How many rows are there?"]
    (rule,) = [r for r in report["rules"] if r["rule"] == "script:latin"]
    assert rule["removed"] == 3
