"""Tests for the wide-schema text-to-SQL generator (sftflow.demo.sql_wide)."""

import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
from collections import Counter

import pytest

from sftflow.demo import sql_data
from sftflow.demo.devset import load_questions
from sftflow.demo.sql_wide import (
    DOMAINS,
    MAX_SCHEMA_CHARS,
    MIN_SHOWN_TABLES,
    SCHEMAS,
    SHAPES,
    TIERS,
    generate_rows,
    write_splits,
)
from sftflow.demo.sql_wide.catalog import CITIES, COUNTRIES, FIRST_NAMES, LAST_NAMES
from sftflow.demo.sql_wide.sampling import name_pool
from sftflow.sql_sandbox import run_query
from sftflow.sql_schema import schema_text

KEYS = ["id", "domain", "shape", "sql_prompt", "schema", "sql_context", "sql"]
N_ROWS = 400  # conftest's wide_rows: generate_rows(400, seed=0)
# Topics the development set and the first generator already cover: the wide generator must stay off them.
TAKEN_TOPICS = ("bike", "cycl", "vet", "pet", "music", "stream", "hotel", "booking", "grant", "fund", "plant",
                "machine", "work_order", "retail", "hospital", "school", "library", "airline", "hr", "movie",
                "sport", "bank", "real_estate", "restaurant", "logistic")


@pytest.fixture(scope="module")
def rows(wide_rows):
    return wide_rows


def _connect(context: str) -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.executescript(context)
    return con


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _five_grams(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i:i + 5]) for i in range(len(words) - 4)}


# ---------------------------------------------------------------- determinism and format

def test_same_seed_same_rows_other_seed_other_rows(rows):
    assert generate_rows(N_ROWS, seed=0) == rows
    assert generate_rows(60, seed=0) == rows[:60]  # a smaller run is a prefix: sizes can change safely
    assert [r["sql_prompt"] for r in generate_rows(60, seed=1)] != [r["sql_prompt"] for r in rows[:60]]


def test_rows_do_not_depend_on_hash_randomization(rows):
    code = "import json; from sftflow.demo.sql_wide import generate_rows; print(json.dumps(generate_rows(40, 0)))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == rows[:40]


def test_rows_have_the_keys_and_a_one_line_gold_query(rows):
    assert [r["id"] for r in rows] == list(range(N_ROWS))
    for r in rows:
        assert list(r) == KEYS
        assert "\n" not in r["sql"] and not r["sql"].rstrip().endswith(";")
        assert r["sql_prompt"][-1] in ".?" and "{" not in r["sql_prompt"] and "  " not in r["sql_prompt"]
    assert len({r["sql_prompt"].lower() for r in rows}) == N_ROWS


# ---------------------------------------------------------------- gold queries

def test_every_gold_query_returns_a_real_answer(rows):
    for r in rows:
        result = run_query(r["sql_context"], r["sql"], timeout_s=5.0)
        assert result, r["sql"]
        assert not any(all(v is None for v in column) for column in zip(*result)), r["sql"]
        assert any(v is not None and v != 0 for row in result for v in row), r["sql"]


def _tie_broken(sql: str, width: int, direction: str) -> str:
    """The query with its outermost ORDER BY extended by every output column, in one direction."""
    head, _, tail = sql.rpartition(" ORDER BY ")
    order, _, limit = tail.partition(" LIMIT ")
    extra = ", ".join(f"{i} {direction}" for i in range(1, width + 1))
    return f"{head} ORDER BY {order}, {extra}" + (f" LIMIT {limit}" if limit else "")


def test_ordered_answers_do_not_depend_on_how_ties_break(rows):
    ordered = [r for r in rows if " ORDER BY " in r["sql"]]
    assert len(ordered) > N_ROWS // 10
    for r in ordered:
        con = _connect(r["sql_context"])
        gold = con.execute(r["sql"]).fetchall()
        assert con.execute(_tie_broken(r["sql"], len(gold[0]), "ASC")).fetchall() == gold, r["sql"]
        assert con.execute(_tie_broken(r["sql"], len(gold[0]), "DESC")).fetchall() == gold, r["sql"]
        con.execute("PRAGMA reverse_unordered_selects = ON")  # scan order must not matter either
        assert con.execute(r["sql"]).fetchall() == gold, r["sql"]
        con.close()


def test_a_limit_always_cuts_something_off(rows):
    for r in rows:
        head, found, limit = r["sql"].rpartition(" LIMIT ")
        if found:
            con = _connect(r["sql_context"])
            assert len(con.execute(head).fetchall()) > int(limit), r["sql"]
            con.close()


# ---------------------------------------------------------------- schemas

def test_schema_is_what_schema_text_renders_for_the_context(rows):
    for r in rows:
        con = _connect(r["sql_context"])
        assert r["schema"] == schema_text(con)
        assert "INSERT" not in r["schema"] and "CREATE TABLE" in r["schema"]
        con.close()


def test_shown_tables_include_the_query_and_every_referenced_parent(rows):
    for r in rows:
        con = _connect(r["sql_context"])
        shown = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert MIN_SHOWN_TABLES <= len(shown) <= 12, r["schema"]
        used = set(re.findall(r"\b(?:FROM|JOIN) (\w+)", r["sql"]))
        assert used <= shown, r["sql"]
        for table in shown:
            parents = {fk[2] for fk in con.execute(f"PRAGMA foreign_key_list({table})")}
            assert parents <= shown, (table, parents)
        con.close()


def test_schema_text_stays_within_the_prompt_budget(rows):
    sizes = sorted(len(r["schema"]) for r in rows)
    assert sizes[-1] <= MAX_SCHEMA_CHARS
    assert statistics.median(sizes) > 600  # wide: most prompts show several real tables


def test_domains_look_like_real_databases():
    assert len(DOMAINS) >= 30
    for domain, tables in SCHEMAS.items():
        assert 4 <= len(tables) <= 12, domain
        columns = [c for t in tables.values() for c in t.columns]
        assert any(c.nullable for c in columns), domain
        assert any(c.kind in ("date", "after") for c in columns), domain
        depth = {}
        for table in tables.values():  # parents come first, so their depth is known
            depth[table.name] = max((depth[r.parent] + 1 for r in table.refs), default=0)
        assert max(depth.values()) >= 2, f"{domain} has no chain of three tables"
        for table in tables.values():
            assert table.pk is not None or len(table.refs) >= 2, table.name
            assert re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", table.name)


def test_contexts_hold_nulls_and_iso_dates(rows):
    with_nulls = sum("NULL" in r["sql_context"].split("INSERT", 1)[-1] for r in rows)
    assert with_nulls > 0.8 * N_ROWS
    with_dates = sum(bool(re.search(r"'\d{4}-\d{2}-\d{2}'", r["sql_context"])) for r in rows)
    assert with_dates > 0.9 * N_ROWS


# ---------------------------------------------------------------- what the questions cover

def test_every_shape_and_domain_appears_and_the_tiers_keep_their_mix(rows):
    shapes = Counter(r["shape"] for r in rows)
    assert set(shapes) == set(SHAPES)
    domains = Counter(r["domain"] for r in rows)
    assert set(domains) == set(DOMAINS) and min(domains.values()) >= N_ROWS // len(DOMAINS) // 2
    tier_of = {shape: tier for tier, members in TIERS.items() for shape in members}
    tiers = Counter(tier_of[r["shape"]] for r in rows)
    share = {tier: n / N_ROWS for tier, n in tiers.items()}
    assert 0.22 < share["single_table"] < 0.38
    assert 0.27 < share["join_or_group"] < 0.43
    assert 0.27 < share["multi_step"] < 0.43


def test_gold_queries_use_what_real_questions_need(rows):
    sql = [r["sql"] for r in rows]

    def count(pattern):
        return sum(bool(re.search(pattern, s)) for s in sql)

    assert count(r" JOIN .* JOIN ") > 20  # three or more tables
    assert count(r"LEFT JOIN .* IS NULL") > 5
    assert count(r"\b(NOT IN|IN) \(SELECT") > 5
    assert count(r"> \(SELECT AVG") > 3
    assert count(r"HAVING") > 5
    assert count(r"ROUND\(100\.0 \* SUM\(CASE WHEN") > 5
    assert count(r"CASE WHEN .* END AS") > 5
    assert count(r"julianday\(") > 5 and count(r"strftime\('%Y'") > 10
    assert count(r"IS NULL") > 10 and count(r"IS NOT NULL") > 5
    assert count(r" LIKE '") > 5 and count(r" BETWEEN ") > 10
    assert count(r"COUNT\(DISTINCT") > 5 and count(r"ORDER BY .* LIMIT \d+$") > 20
    assert count(r"ROUND\(AVG\(") > 20


def test_phrasing_is_varied(rows):
    starts = Counter(r["sql_prompt"].split()[0] for r in rows)
    for word in ("What", "List", "Show", "How", "Which", "For", "Give", "Find", "Count"):
        assert starts[word] > 0, word
    assert len(starts) >= 10


def test_averages_and_percentages_say_how_to_round(rows):
    for r in rows:
        if "ROUND(AVG(" in r["sql"] or "ROUND(100.0" in r["sql"]:
            assert re.search(r"[Rr]ound", r["sql_prompt"]), r["sql_prompt"]


# ---------------------------------------------------------------- the development set stays unseen

def test_no_domain_is_one_the_dev_set_or_the_first_generator_uses():
    dev = {q["db_id"] for q in load_questions()}
    assert not set(DOMAINS) & (dev | set(sql_data.DOMAINS))
    for domain in DOMAINS:
        parts = domain.split("_")
        assert not [t for t in TAKEN_TOPICS if t in parts or (len(t) > 3 and t in domain)], domain


def test_no_table_name_is_shared_with_the_dev_set(dev_tables):
    ours = {name for tables in SCHEMAS.values() for name in tables}
    assert len(dev_tables) > 40
    assert not ours & dev_tables


def test_no_name_the_dev_questions_mention_is_reused():
    dev = " ".join(q["question"] for q in load_questions())
    names = set()
    for tables in SCHEMAS.values():
        for column in (c for t in tables.values() for c in t.columns if c.kind == "name"):
            names |= set(name_pool(column) or [])
    names |= set(FIRST_NAMES) | set(LAST_NAMES) | set(CITIES) | set(COUNTRIES)
    proper = {n for n in names if n[:1].isupper() and len(n) > 3}
    assert not [n for n in sorted(proper) if re.search(rf"\b{re.escape(n)}\b", dev)]


def test_no_question_is_shared_with_the_dev_set_and_five_gram_overlap_is_low(rows):
    dev = load_questions()
    dev_texts = {" ".join(_words(q["question"])) for q in dev}
    assert not {" ".join(_words(r["sql_prompt"])) for r in rows} & dev_texts
    dev_grams = set().union(*(_five_grams(q["question"]) for q in dev))
    overlaps = []
    for r in rows:
        grams = _five_grams(r["sql_prompt"])
        overlaps.append(len(grams & dev_grams) / len(grams) if grams else 0.0)
    worst = max(overlaps)
    print(f"\nword 5-gram overlap with dev questions: max {worst:.3f}, "
          f"rows with any {sum(o > 0 for o in overlaps)}/{len(rows)}")
    assert worst < 0.5


# ---------------------------------------------------------------- files

def test_write_splits_writes_disjoint_files(tmp_path):
    out = tmp_path / "data"
    paths = write_splits(out, n_train=40, n_test=10, seed=3, n_validation=5)
    assert set(paths) == {"train", "validation", "test"}
    splits = {name: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
              for name, path in paths.items()}
    assert [len(splits[n]) for n in ("train", "validation", "test")] == [40, 5, 10]
    assert all([r["id"] for r in split] == list(range(len(split))) for split in splits.values())
    questions = [{r["sql_prompt"] for r in split} for split in splits.values()]
    assert sum(len(q) for q in questions) == len(set().union(*questions))
    assert set(write_splits(tmp_path / "two", n_train=5, n_test=2, seed=3)) == {"train", "test"}
    assert not list(out.glob("*tmp*"))
