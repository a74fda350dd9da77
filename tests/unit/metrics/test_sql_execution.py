"""Execution-accuracy scorer: equivalence, ordering, timeouts and the read-only sandbox."""

import pytest

from sftflow.metrics.sql import SqlScore, execution_accuracy, extract_sql, score_sql

CONTEXT = """
CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, x INTEGER, price REAL);
INSERT INTO t VALUES
    (1, 'ann', 1, 1.5), (2, 'bob', 4, 2.25), (3, 'cy', 7, NULL), (4, 'dee', 4, 0.1);
"""


def score(gold: str, prediction: str, **kwargs) -> SqlScore:
    return score_sql(CONTEXT, gold, prediction, **kwargs)


# ---------------------------------------------------------------- equivalence


@pytest.mark.parametrize(
    "gold, prediction",
    [
        ("SELECT name FROM t WHERE x > 3", "select t.name from t where not x <= 3"),
        ("SELECT COUNT(*) FROM t", "SELECT COUNT(id) FROM t"),
        ("SELECT name FROM t WHERE x > 3;", "SELECT name FROM t WHERE x IN (4, 7)"),
        ("SELECT x FROM t WHERE id = 2", "SELECT 4.0"),  # int 4 == float 4.0
        ("SELECT SUM(price) FROM t", "SELECT 1.5 + 2.25 + 0.1"),  # float noise below 1e-6
        ("SELECT name FROM t WHERE x > 100", "SELECT name FROM t WHERE 0"),  # both empty
    ],
)
def test_equivalent_queries_score_correct(gold, prediction):
    result = score(gold, prediction)
    assert result == SqlScore(correct=True, error=None, exact_match=False)


def test_column_order_matters_because_rows_are_compared_as_tuples():
    result = score("SELECT id, name FROM t", "SELECT name, id FROM t")
    assert result.error is None
    assert not result.correct


def test_exact_match_ignores_case_whitespace_and_semicolon():
    result = score("SELECT name FROM t WHERE x > 3;", "select   name\nfrom t where x>3")
    assert result.correct and result.exact_match


def test_exact_match_falls_back_when_sqlglot_cannot_parse():
    # sqlglot can't parse the prediction: exact match falls back to case/whitespace rules.
    result = score("SELECT name FROM t", "SELEC name FROM t")
    assert not result.exact_match
    assert not result.correct


# ---------------------------------------------------------------- wrong results and ordering


def test_wrong_result_scores_zero():
    result = score("SELECT name FROM t WHERE x > 3", "SELECT name FROM t WHERE x >= 3 AND x < 5")
    assert result == SqlScore(correct=False, error=None, exact_match=False)


def test_duplicate_rows_count():
    # A set comparison would call these equal; a multiset comparison must not.
    result = score("SELECT x FROM t", "SELECT DISTINCT x FROM t")
    assert not result.correct


def test_row_order_ignored_without_gold_order_by():
    assert score("SELECT name FROM t", "SELECT name FROM t ORDER BY name DESC").correct


def test_row_order_matters_with_gold_order_by():
    gold = "SELECT name FROM t ORDER BY x DESC, name"
    assert score(gold, "SELECT name FROM t ORDER BY x DESC, name").correct
    assert not score(gold, "SELECT name FROM t ORDER BY x ASC, name").correct


def test_order_by_inside_subquery_or_window_does_not_make_order_matter():
    gold = "SELECT name FROM (SELECT name FROM t ORDER BY name) WHERE name <> 'zz'"
    assert score(gold, "SELECT name FROM t ORDER BY name DESC").correct
    gold = "SELECT name, row_number() OVER (ORDER BY id) FROM t"
    assert score(gold, "SELECT name, id FROM t ORDER BY id DESC").correct


def test_mixed_types_and_nulls_compare_without_sorting_errors():
    gold = "SELECT price FROM t"
    assert score(gold, "SELECT price FROM t ORDER BY price IS NULL, price DESC").correct


# ---------------------------------------------------------------- timeouts


def test_infinite_recursive_cte_times_out():
    runaway = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c"
    result = score("SELECT COUNT(*) FROM t", runaway, timeout_s=0.5)
    assert result.error == "timeout"
    assert not result.correct


def test_infinite_stream_of_rows_times_out():
    runaway = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT x FROM c"
    result = score("SELECT COUNT(*) FROM t", runaway, timeout_s=0.3)
    assert result.error == "timeout" and not result.correct


# ---------------------------------------------------------------- bounds the progress handler cannot give
# (bench/sandbox_bounds.py measures the time and memory each of these takes)

# One C call that never reaches SQLite's progress handler: it ran 12 s against a 2 s budget in this process.
PRINTF = "printf('%.*c', 2e9, 'x')"
# Values under the 10 MB value cap, but 300 of them: 2.7 GB of result rows in Python's memory.
BIG_ROWS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 300) SELECT {}(9000000) FROM c"


@pytest.mark.parametrize("prediction", [f"SELECT {PRINTF}", f"SELECT {PRINTF}, {PRINTF}, {PRINTF}"])
def test_a_c_call_that_ignores_the_progress_handler_is_killed_as_a_timeout(prediction):
    assert score("SELECT 1", prediction, timeout_s=0.3) == SqlScore(correct=False, error="timeout", exact_match=False)


@pytest.mark.parametrize("blob", ["zeroblob", "randomblob"])
def test_a_result_past_the_memory_limit_is_an_error(blob):
    result = score("SELECT 1", BIG_ROWS.format(blob))
    assert not result.correct and result.error.startswith("memory limit")


def test_deeply_nested_sql_is_scored_without_a_recursion_error():
    # sqlglot raises RecursionError at about 50 nested parentheses; SQLite runs them.
    nested = "SELECT " + "(" * 60 + "x" + ")" * 60 + " FROM t ORDER BY x"
    assert score(nested, "SELECT x FROM t ORDER BY x") == SqlScore(correct=True, error=None, exact_match=False)
    assert score("SELECT x FROM t ORDER BY x", nested) == SqlScore(correct=True, error=None, exact_match=False)


def test_a_gold_query_is_bounded_too():
    with pytest.raises(ValueError, match=r"gold query failed \(timeout\)"):
        score(f"SELECT {PRINTF}", "SELECT 1", timeout_s=0.3)


def test_one_failing_example_leaves_the_others_of_the_eval_intact():
    row = {"sql_context": CONTEXT, "sql": "SELECT name FROM t WHERE x = 4"}
    predictions = [f"SELECT {PRINTF}", "SELECT name FROM t WHERE x > 3 AND x < 5", BIG_ROWS.format("zeroblob"),
                   "SELECT " + "(" * 60 + "name" + ")" * 60 + " FROM t WHERE x = 4", "SELECT 'dee'"]
    rows = [row] * 4 + [{"sql_context": CONTEXT, "sql": "SELECT nope FROM t"}]
    report = execution_accuracy(rows, predictions, timeout_s=0.3)
    errors = [s.error for s in report["scores"]]
    assert errors[0] == "timeout" and errors[2].startswith("memory limit")
    assert [s.correct for s in report["scores"]] == [False, True, False, True, False]
    assert errors[4].startswith("gold query failed")  # a data bug, recorded on its example, not raised
    assert report["execution_accuracy"] == 0.4 and report["error_rate"] == 0.6


# ---------------------------------------------------------------- sandbox


def test_attach_is_forbidden_and_creates_no_file(tmp_path):
    evil = tmp_path / "evil.db"
    result = score("SELECT 1", f"ATTACH DATABASE '{evil}' AS evil")
    assert not result.correct
    assert result.error == "forbidden: ATTACH"
    assert not evil.exists()


def test_select_then_attach_is_rejected_as_multiple_statements(tmp_path):
    evil = tmp_path / "evil.db"
    result = score("SELECT 1", f"SELECT 1; ATTACH DATABASE '{evil}' AS evil")
    assert not result.correct
    assert result.error == "forbidden: multiple statements"
    assert not evil.exists()


def test_vacuum_into_creates_no_file(tmp_path):
    evil = tmp_path / "copy.db"
    result = score("SELECT 1", f"VACUUM INTO '{evil}'")
    assert not result.correct and result.error.startswith("forbidden")
    assert not evil.exists()


def test_attach_in_context_script_is_refused(tmp_path):
    evil = tmp_path / "ctx.db"
    with pytest.raises(ValueError, match="forbidden: ATTACH"):
        score_sql(f"ATTACH DATABASE '{evil}' AS e;", "SELECT 1", "SELECT 1")
    assert not evil.exists()


@pytest.mark.parametrize(
    "prediction, forbidden",
    [
        ("DROP TABLE t", "forbidden: schema change"),
        ("INSERT INTO t VALUES (9, 'eve', 9, 9.0)", "forbidden: INSERT"),
        ("UPDATE t SET x = 0", "forbidden: UPDATE"),
        ("DELETE FROM t", "forbidden: DELETE"),
        ("CREATE TABLE u (a)", "forbidden: schema change"),
        ("ALTER TABLE t ADD COLUMN y", "forbidden: ALTER_TABLE"),
        ("BEGIN", "forbidden: TRANSACTION"),
        ("PRAGMA table_info(t)", "forbidden: PRAGMA"),
        ("SELECT load_extension('/tmp/evil')", "forbidden: load_extension"),
    ],
)
def test_writes_pragmas_and_extensions_are_forbidden(prediction, forbidden):
    result = score("SELECT COUNT(*) FROM t", prediction)
    assert result == SqlScore(correct=False, error=forbidden, exact_match=False)


def test_forbidden_write_leaves_no_trace_for_the_next_call():
    assert score("SELECT COUNT(*) FROM t", "DELETE FROM t").error == "forbidden: DELETE"
    assert score("SELECT COUNT(*) FROM t", "SELECT 4").correct


def test_each_call_gets_a_fresh_database():
    # A context that creates a table would fail ("already exists") if the database were reused.
    for _ in range(2):
        context = "CREATE TABLE once (a); INSERT INTO once VALUES (1);"
        assert score_sql(context, "SELECT a FROM once", "SELECT 1").correct


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "prediction", ["SELEC name FROM t", "SELECT name FROM", "SELECT nope FROM t", "SELECT * FROM missing"]
)
def test_broken_sql_is_an_error_not_a_crash(prediction):
    result = score("SELECT name FROM t", prediction)
    assert not result.correct
    assert result.error.startswith(("parse error", "runtime error"))


def test_syntax_error_is_called_a_parse_error():
    assert score("SELECT name FROM t", "SELEC name FROM t").error.startswith("parse error")


@pytest.mark.parametrize("prediction", ["", "   ;", "-- just a comment"])
def test_empty_prediction_does_not_match_an_empty_gold_result(prediction):
    result = score("SELECT name FROM t WHERE 0", prediction)
    assert not result.correct and result.error is not None


def test_gold_that_fails_raises_value_error():
    with pytest.raises(ValueError, match="gold query failed"):
        score("SELECT nope FROM t", "SELECT 1")


def test_gold_that_writes_raises_value_error():
    with pytest.raises(ValueError, match="forbidden: DELETE"):
        score("DELETE FROM t", "SELECT 1")


# ---------------------------------------------------------------- extract_sql


@pytest.mark.parametrize(
    "text, expected",
    [
        ("SELECT a FROM t;", "SELECT a FROM t"),
        ("  SELECT a FROM t  \n", "SELECT a FROM t"),
        ("Sure!\n```sql\nSELECT a\nFROM t;\n```\nThis selects a.", "SELECT a\nFROM t"),
        ("```\nSELECT a FROM t\n```", "SELECT a FROM t"),
        ("```SQL\nSELECT 1;\n```", "SELECT 1"),
        ("```python\nx = 1\n```\n```sql\nSELECT 2\n```", "SELECT 2"),  # the sql block wins
        ("```sql\nSELECT a FROM t", "SELECT a FROM t"),  # unterminated fence (truncated generation)
        ("SELECT a FROM t; This query returns a; really.", "SELECT a FROM t"),
        ("SELECT ';' AS s FROM t; -- done", "SELECT ';' AS s FROM t"),  # ';' in a string literal
        ("", ""),
    ],
)
def test_extract_sql(text, expected):
    assert extract_sql(text) == expected


def test_extract_sql_keeps_every_statement_inside_a_fence():
    # Inside a fence nothing is chatter: a second statement is kept, and score_sql rejects it.
    assert extract_sql("```sql\nSELECT 1; DROP TABLE t;\n```") == "SELECT 1; DROP TABLE t"


# ---------------------------------------------------------------- aggregate


def test_execution_accuracy_aggregates():
    rows = [
        {"sql_context": CONTEXT, "sql": "SELECT name FROM t WHERE x > 3"},
        {"sql_context": CONTEXT, "sql": "SELECT COUNT(*) FROM t"},
        {"sql_context": CONTEXT, "sql": "SELECT MAX(x) FROM t"},
        {"sql_context": CONTEXT, "sql": "SELECT id FROM t"},
    ]
    predictions = [
        "```sql\nSELECT name FROM t WHERE x > 3;\n```",  # correct and exact
        "SELECT COUNT(id) FROM t; -- counts rows",  # correct, not exact
        "SELECT MIN(x) FROM t",  # wrong
        "DROP TABLE t",  # forbidden
    ]
    report = execution_accuracy(rows, predictions, timeout_s=1.0)
    assert report["n"] == 4
    assert report["execution_accuracy"] == 0.5
    assert report["error_rate"] == 0.25
    assert report["exact_match"] == 0.25
    assert [s.correct for s in report["scores"]] == [True, True, False, False]


def test_execution_accuracy_custom_keys_and_empty_input():
    rows = [{"ctx": "CREATE TABLE a (v); INSERT INTO a VALUES (2);", "q": "SELECT v FROM a"}]
    report = execution_accuracy(rows, ["SELECT 2"], context_key="ctx", gold_key="q")
    assert report["execution_accuracy"] == 1.0
    assert execution_accuracy([], [])["n"] == 0


def test_execution_accuracy_rejects_length_mismatch():
    with pytest.raises(ValueError):
        execution_accuracy([{"sql_context": CONTEXT, "sql": "SELECT 1"}], [])


def test_predictions_run_on_a_database_file_that_stays_byte_for_byte_the_same(tmp_path):
    import hashlib
    import sqlite3

    path = tmp_path / "shop.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript("CREATE TABLE items (id INTEGER PRIMARY KEY, price REAL);"
                         "INSERT INTO items VALUES (1, 2.5), (2, 9.0);")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    rows = [{"sql": "SELECT MAX(price) FROM items", "database": str(path)}] * 4
    answers = ["SELECT price FROM items ORDER BY price DESC LIMIT 1", "SELECT 2.5",
               "DELETE FROM items", "ATTACH DATABASE 'x.db' AS x"]
    result = execution_accuracy(rows, answers)
    assert [s.correct for s in result["scores"]] == [True, False, False, False]
    assert "forbidden" in result["scores"][2].error and "forbidden" in result["scores"][3].error
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.sqlite"]  # no journal, no lock file, no x.db
    missing = execution_accuracy([{"sql": "SELECT 1", "database": str(tmp_path / "nope.sqlite")}], ["SELECT 1"])
    assert missing["scores"][0].error and "nope.sqlite" in missing["scores"][0].error


def test_candidates_are_chosen_by_running_them_never_by_the_gold_query_and_the_file_is_unchanged(tmp_path):
    import hashlib
    import sqlite3
    from types import SimpleNamespace

    from sftflow.metrics.sql import select_candidates

    path = tmp_path / "shop.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript("CREATE TABLE items (id INTEGER PRIMARY KEY, price REAL);"
                         "INSERT INTO items VALUES (1, 2.5), (2, 9.0), (3, 9.0);")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    rows = [{"sql": "SELECT 'the gold query is never run' FROM nowhere", "database": str(path)},
            {"sql": "SELECT 1", "sql_context": CONTEXT}]
    candidates = [["```sql\nSELECT cost FROM items\n```", "DELETE FROM items", "SELECT price FROM items WHERE 0",
                   "SELECT MAX(price) FROM items", "SELECT price FROM items WHERE id > 1",
                   "SELECT price FROM items WHERE price > 3"],
                  ["SELECT nothing FROM t", "SELECT missing FROM nowhere"]]
    executes = select_candidates(rows, candidates, SimpleNamespace(select="executes", sql_timeout_s=2.0))
    assert executes[1] == [3, 0]  # the first that runs with a value; no candidate runs: the greedy one
    majority = select_candidates(rows, candidates, SimpleNamespace(select="majority", sql_timeout_s=2.0))
    assert majority[1] == [4, 0]  # two candidates return (9.0, 9.0): the first of them
    assert majority[0][0] == candidates[0][4]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # the DELETE did not write
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.sqlite"]
