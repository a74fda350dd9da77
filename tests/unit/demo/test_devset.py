"""Tests for the hand-written text-to-SQL development set (sftflow.demo.devset)."""

import os
import re
import sqlite3
from collections import Counter

import pytest

from sftflow.demo.devset import DATABASES, build_all, build_database, load_questions

KEYS = {"id", "db_id", "question", "sql", "difficulty", "tags"}
REQUIRED_TAGS = ("join3", "group_order", "ratio", "date", "nested", "topk")


@pytest.fixture(scope="module")
def built(devset_paths):
    return devset_paths


@pytest.fixture(scope="module")
def questions():
    return load_questions()


def _connect(path):
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _tables(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


def _longest_fk_chain(con) -> int:
    """Edges on the longest path child -> parent -> grandparent ..., self-references left out."""
    parents = {}
    for table in _tables(con):
        parents[table] = {fk[2] for fk in con.execute(f"PRAGMA foreign_key_list({table})") if fk[2] != table}

    def depth(table, seen=()):
        return max((1 + depth(p, seen + (table,)) for p in parents[table] if p not in seen), default=0)

    return max(depth(t) for t in parents)


def _split_top_level(sql: str):
    """(head, order terms, limit clause) of the outermost ORDER BY, or None when the query has none."""
    depth, quote, order_at, limit_at = 0, None, None, None
    upper = sql.upper()
    for i, ch in enumerate(sql):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif depth == 0 and upper.startswith(" ORDER BY ", i):
            order_at = i
        elif depth == 0 and upper.startswith(" LIMIT ", i):
            limit_at = i
    if order_at is None:
        return None
    end = limit_at if limit_at is not None and limit_at > order_at else len(sql)
    return sql[:order_at], sql[order_at + len(" ORDER BY "):end], sql[end:]


def _derived_tags(sql: str) -> set[str]:
    """The tags a question's SQL earns on its face; "ratio" is judged by hand and checked apart."""
    upper = sql.upper()
    order = _split_top_level(sql)
    tags = set()
    if upper.count(" JOIN ") >= 2:
        tags.add("join3")
    if "GROUP BY" in upper and order:
        tags.add("group_order")
    if re.search(r"\b(julianday|strftime|date|datetime)\(", sql, re.IGNORECASE):
        tags.add("date")
    if upper.count("SELECT") >= 2:
        tags.add("nested")
    if order and order[2].strip():
        tags.add("topk")
    if "LEFT JOIN" in upper:
        tags.add("left_join")
    if "CASE WHEN" in upper:
        tags.add("case")
    if "HAVING" in upper:
        tags.add("having")
    return tags


def test_databases_have_realistic_shape(built):
    assert len(DATABASES) >= 5 and set(built) == set(DATABASES)
    for db_id, path in built.items():
        con = _connect(path)
        tables = _tables(con)
        assert 5 <= len(tables) <= 15, db_id
        assert sum(1 for t in tables if con.execute(f"PRAGMA foreign_key_list({t})").fetchall()) >= 3, db_id
        assert _longest_fk_chain(con) >= 3, db_id
        assert con.execute("PRAGMA foreign_key_check").fetchall() == [], db_id
        counts = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
        assert all(counts.values()), (db_id, counts)
        assert 300 <= sum(counts.values()) <= 8000, (db_id, counts)
        columns = [(t, c) for t in tables for c in con.execute(f"PRAGMA table_info({t})")]
        nullable = [(t, c[1]) for t, c in columns if not c[3] and not c[5]]  # neither NOT NULL nor a key
        assert any(con.execute(f"SELECT 1 FROM {t} WHERE {c} IS NULL").fetchone() for t, c in nullable), db_id
        assert {"TEXT", "INTEGER", "REAL"} <= {c[2] for _, c in columns}, db_id
        con.close()


def test_dates_are_iso(built):
    con = _connect(built["hotel_bookings"])
    days = [r[0] for r in con.execute("SELECT check_in_date FROM reservations")]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in days)
    stamps = [r[0] for r in con.execute("SELECT booked_at FROM reservations")]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", s) for s in stamps)
    con.close()


def test_build_is_deterministic(built, tmp_path):
    for db_id in DATABASES:
        again = build_database(db_id, tmp_path / f"{db_id}.sqlite")
        assert again.read_bytes() == built[db_id].read_bytes(), db_id
    assert not list(tmp_path.glob(".*.tmp")), "a temporary file was left behind"


def test_build_all_keeps_current_files_and_rebuilds_stale_ones(tmp_path):
    first = build_all(tmp_path)
    stamps = {db: os.stat(p).st_mtime_ns for db, p in first.items()}
    con = sqlite3.connect(first["bike_share"])
    con.execute("PRAGMA user_version = 1")  # what a file from another builder version looks like
    con.commit()
    con.close()
    again = build_all(tmp_path)
    assert again == first
    for db_id, path in again.items():
        if db_id != "bike_share":
            assert os.stat(path).st_mtime_ns == stamps[db_id], db_id
    assert _connect(again["bike_share"]).execute("PRAGMA user_version").fetchone()[0] != 1


def test_unknown_database_is_refused(tmp_path):
    with pytest.raises(KeyError, match="unknown devset database"):
        build_database("retail", tmp_path / "x.sqlite")


def test_question_rows_are_well_formed(questions):
    assert len(questions) >= 150
    ids = [q["id"] for q in questions]
    assert len(set(ids)) == len(ids)
    assert len({q["question"] for q in questions}) == len(questions)
    for q in questions:
        assert set(q) == KEYS, q["id"]
        assert q["db_id"] in DATABASES and re.fullmatch(rf"{q['db_id']}_\d{{3}}", q["id"]), q["id"]
        assert q["difficulty"] in ("easy", "medium", "hard"), q["id"]
        assert "\n" not in q["sql"] and not q["sql"].rstrip().endswith(";"), q["id"]
        assert q["question"].strip() and q["question"][-1] in "?.", q["id"]
    per_db = Counter(q["db_id"] for q in questions)
    assert all(per_db[db] >= 25 for db in DATABASES), per_db


def test_difficulty_mix_and_easy_means_one_table(questions):
    share = {level: n / len(questions) for level, n in Counter(q["difficulty"] for q in questions).items()}
    assert all(0.2 <= share[level] <= 0.45 for level in ("easy", "medium", "hard")), share
    for q in questions:
        if q["difficulty"] == "easy":
            assert " JOIN " not in q["sql"].upper() and q["sql"].upper().count("SELECT") == 1, q["id"]


def test_tags_match_the_sql_and_cover_each_category(questions):
    for q in questions:
        assert set(q["tags"]) - {"ratio"} == _derived_tags(q["sql"]), q["id"]
        if "ratio" in q["tags"]:
            assert "/" in q["sql"], q["id"]
    counts = Counter(t for q in questions for t in q["tags"])
    assert all(counts[t] >= 10 for t in REQUIRED_TAGS), counts


def test_every_gold_query_returns_rows(built, questions):
    cons = {db: _connect(path) for db, path in built.items()}
    for q in questions:
        rows = cons[q["db_id"]].execute(q["sql"]).fetchall()
        assert rows, q["id"]
        assert any(v is not None for row in rows for v in row), q["id"]
    for con in cons.values():
        con.close()


def test_ordered_results_have_no_ties(built, questions):
    """Breaking ORDER BY ties by every output column ascending, then descending, must not change the
    answer: otherwise a LIMIT cuts through a tie, or the order of the listed rows is not determined."""
    cons = {db: _connect(path) for db, path in built.items()}
    for q in questions:
        sql = q["sql"]
        parts = _split_top_level(sql)
        if parts is None:
            assert " LIMIT " not in sql.upper(), f"{q['id']}: LIMIT without ORDER BY"
            continue
        head, terms, limit = parts
        assert " LIMIT " not in head.upper(), f"{q['id']}: LIMIT inside a subquery"
        con = cons[q["db_id"]]
        width = len(con.execute(sql).description)
        answers = []
        for direction in ("ASC", "DESC"):
            tie_break = ", ".join(f"{i} {direction}" for i in range(1, width + 1))
            answers.append(con.execute(f"{head} ORDER BY {terms}, {tie_break}{limit}").fetchall())
        assert answers[0] == answers[1], q["id"]
    for con in cons.values():
        con.close()
