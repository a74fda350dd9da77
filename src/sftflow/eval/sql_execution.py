"""Execution accuracy for text-to-SQL: run gold and predicted SQL in a throwaway sqlite sandbox.

Each call builds a fresh in-memory database from the row's schema/data script, runs the gold
query and the prediction read-only under an authorizer and a wall-clock budget, and compares
the result sets.  Result rows are compared as tuples, so column ORDER matters
(``SELECT a, b`` != ``SELECT b, a``); row order matters only if the gold query has a
top-level ORDER BY.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass

import sqlglot

# The context script is trusted data, but a runaway trigger must still not hang an eval run.
SETUP_TIMEOUT_S = 30.0
# Progress-handler granularity in VM instructions: small enough to react within milliseconds.
_PROGRESS_STEPS = 1000
# Caps one value's size so `zeroblob(1e9)`-style predictions cannot eat the machine's memory.
_MAX_VALUE_BYTES = 10_000_000
_FLOAT_DECIMALS = 6

# Functions that can reach the file system or loadable code.
_FORBIDDEN_FUNCTIONS = {"load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"}
# Everything a plain SELECT (with CTEs, views, subqueries, functions) needs, and nothing else.
_READ_ACTIONS = {
    sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE
}
# Action codes share numbers with result codes, so the name table is built from action names only.
_ACTION_NAMES = {
    getattr(sqlite3, "SQLITE_" + name): name
    for name in (
        "ALTER_TABLE ANALYZE ATTACH CREATE_INDEX CREATE_TABLE CREATE_TEMP_INDEX "
        "CREATE_TEMP_TABLE CREATE_TEMP_TRIGGER CREATE_TEMP_VIEW CREATE_TRIGGER CREATE_VIEW "
        "CREATE_VTABLE DELETE DETACH DROP_INDEX DROP_TABLE DROP_TEMP_INDEX DROP_TEMP_TABLE "
        "DROP_TEMP_TRIGGER DROP_TEMP_VIEW DROP_TRIGGER DROP_VIEW DROP_VTABLE FUNCTION INSERT "
        "PRAGMA READ RECURSIVE REINDEX SAVEPOINT SELECT TRANSACTION UPDATE"
    ).split()
    if hasattr(sqlite3, "SQLITE_" + name)
}
# DDL is authorized as a write to the schema table first, and that denial ends the check.
_SCHEMA_TABLES = {"sqlite_master", "sqlite_temp_master", "sqlite_schema", "sqlite_temp_schema"}
_SYNTAX_MARKERS = ("syntax error", "incomplete input", "unrecognized token")
_LEADING_COMMENT = re.compile(r"^\s*(--[^\n]*(\n|$)|/\*.*?\*/)", re.DOTALL)
_SQL_FENCE = re.compile(r"```[ \t]*sql[^\n]*\n(.*?)(```|$)", re.DOTALL | re.IGNORECASE)
_ANY_FENCE = re.compile(r"```[^\n]*\n(.*?)(```|$)", re.DOTALL)


@dataclass
class SqlScore:
    """One prediction's outcome; `error` is None when the prediction ran."""

    correct: bool
    error: str | None
    exact_match: bool


class _Rejected(Exception):
    """The prediction could not be scored; the message is the SqlScore error."""


# ---------------------------------------------------------------- extracting the SQL


def extract_sql(text: str) -> str:
    """The SQL in a model answer: first fenced block (```sql preferred), else first statement."""
    match = _SQL_FENCE.search(text) or _ANY_FENCE.search(text)
    if match:
        return _strip_sql(match.group(1))
    statements = _split_statements(text)
    return _strip_sql(statements[0]) if statements else ""


def _strip_sql(sql: str) -> str:
    """Drop surrounding whitespace and trailing semicolons."""
    return sql.strip().rstrip(";").strip()


def _split_statements(sql: str) -> list[str]:
    """Split on top-level ';' (quotes and comments respected); comment-only pieces are dropped."""
    pieces, start = [], 0
    for i, char in enumerate(sql):
        # complete_statement understands quoting, so a ';' inside a string literal never splits.
        if char == ";" and sqlite3.complete_statement(sql[start : i + 1]):
            pieces.append(sql[start : i + 1])
            start = i + 1
    pieces.append(sql[start:])
    return [p for p in pieces if _has_code(p)]


def _has_code(piece: str) -> bool:
    """True when the piece holds something besides whitespace, comments and semicolons."""
    rest = piece
    while (match := _LEADING_COMMENT.match(rest)) is not None:
        rest = rest[match.end() :]
    return bool(rest.strip().strip(";").strip())


# ---------------------------------------------------------------- the sandbox


class _Sandbox:
    """A fresh in-memory database whose authorizer and deadline change per phase."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        self.read_only = False
        self.deadline = float("inf")
        self.timed_out = False
        self.denied: str | None = None
        self._harden()

    def _harden(self) -> None:
        """Install the authorizer, the progress handler and the limits."""
        if hasattr(self.conn, "enable_load_extension"):
            self.conn.enable_load_extension(False)
        if hasattr(self.conn, "setlimit"):  # Python >= 3.11
            self.conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
            self.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, _MAX_VALUE_BYTES)
        self.conn.set_authorizer(self._authorize)
        self.conn.set_progress_handler(self._on_progress, _PROGRESS_STEPS)

    def _authorize(self, action: int, arg1, arg2, db_name, trigger) -> int:
        """Deny file access always, and anything but reading in the read-only phase."""
        reason = self._denial(action, arg1, arg2)
        if reason is None:
            return sqlite3.SQLITE_OK
        self.denied = self.denied or reason
        return sqlite3.SQLITE_DENY

    def _denial(self, action: int, arg1, arg2) -> str | None:
        """The forbidden thing this action would do, or None when it is allowed."""
        # VACUUM INTO also arrives here as ATTACH, so this one rule closes both file writers.
        if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
            return _ACTION_NAMES[action]
        if action == sqlite3.SQLITE_FUNCTION and str(arg2).lower() in _FORBIDDEN_FUNCTIONS:
            return str(arg2).lower()
        if self.read_only and action not in _READ_ACTIONS:
            if str(arg1).lower() in _SCHEMA_TABLES:
                return "schema change"
            return _ACTION_NAMES.get(action, f"action {action}")
        return None

    def _on_progress(self) -> int:
        """Non-zero aborts the running statement: that is how runaway queries end."""
        if time.monotonic() > self.deadline:
            self.timed_out = True
            return 1
        return 0

    def setup(self, context: str) -> None:
        """Run the schema/data script with writes allowed."""
        self.read_only, self.deadline = False, time.monotonic() + SETUP_TIMEOUT_S
        try:
            self.conn.executescript(context)
        except sqlite3.Error as exc:
            raise ValueError(f"context script failed: {self._reason(exc)}") from exc

    def query(self, sql: str, timeout_s: float) -> list[tuple]:
        """Run one read-only query within timeout_s; raises _Rejected with the reason."""
        self.read_only, self.denied, self.timed_out = True, None, False
        self.deadline = time.monotonic() + timeout_s
        try:
            cursor = self.conn.execute(sql)
            rows = cursor.fetchall()
        except (sqlite3.Error, OverflowError) as exc:
            raise _Rejected(self._reason(exc)) from exc
        # Empty text, comments or REINDEX run fine but yield no table to compare.
        if cursor.description is None:
            raise _Rejected("parse error: not a query")
        return rows

    def _reason(self, exc: Exception) -> str:
        """A short reason for a failed statement: timeout, forbidden, parse or runtime error."""
        if self.timed_out:
            return "timeout"
        if self.denied is not None:
            return f"forbidden: {self.denied}"
        message = str(exc)
        kind = "parse error" if any(m in message for m in _SYNTAX_MARKERS) else "runtime error"
        return f"{kind}: {message}"

    def close(self) -> None:
        self.conn.close()


# ---------------------------------------------------------------- comparing results


def _normalize_value(value):
    """Floats within 1e-6 compare equal, and 3 == 3.0 already holds for ints vs floats."""
    return round(value, _FLOAT_DECIMALS) if isinstance(value, float) else value


def _same_results(gold: list[tuple], pred: list[tuple], ordered: bool) -> bool:
    """Row-tuple comparison: a list when order matters, else a multiset (mixed types can't sort)."""
    gold_rows = [tuple(_normalize_value(v) for v in row) for row in gold]
    pred_rows = [tuple(_normalize_value(v) for v in row) for row in pred]
    if ordered:
        return gold_rows == pred_rows
    return Counter(gold_rows) == Counter(pred_rows)


def _has_top_level_order_by(sql: str) -> bool:
    """Whether the outermost query sorts (ORDER BY in subqueries or OVER() does not count)."""
    try:
        return bool(sqlglot.parse_one(sql, read="sqlite").args.get("order"))
    except sqlglot.errors.SqlglotError:
        return _order_by_outside_parens(sql)


def _order_by_outside_parens(sql: str) -> bool:
    """Fallback for SQL sqlglot can't parse: look for ORDER BY at parenthesis depth 0."""
    # Blank out quoted text so a ')' or 'order by' inside a literal can't confuse the scan.
    text = re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "''", sql)
    depth, flat = 0, []
    for char in text:
        depth += (char == "(") - (char == ")")
        flat.append(char if depth == 0 else " ")
    return re.search(r"\border\s+by\b", "".join(flat), re.IGNORECASE) is not None


def normalize_sql(sql: str) -> str:
    """Canonical text for exact match: sqlglot round trip, lowercased, whitespace collapsed."""
    sql = _strip_sql(sql)
    try:
        sql = "; ".join(sqlglot.transpile(sql, read="sqlite", write="sqlite", pretty=False))
    except sqlglot.errors.SqlglotError:
        pass  # unparseable SQL still gets the case/whitespace normalization below
    return " ".join(sql.lower().split())


# ---------------------------------------------------------------- scoring


def score_sql(context: str, gold: str, prediction: str, timeout_s: float = 2.0) -> SqlScore:
    """Execute gold and prediction on a fresh copy of `context` and compare their results.

    Raises ValueError when the context or the gold query fails: that is a data bug.
    """
    gold, prediction = _strip_sql(gold), _strip_sql(prediction)
    exact = normalize_sql(gold) == normalize_sql(prediction)
    sandbox = _Sandbox()
    try:
        sandbox.setup(context)
        gold_rows = _run_gold(sandbox, gold, timeout_s)
        pred_rows = _run_prediction(sandbox, prediction, timeout_s)
    except _Rejected as rejected:
        return SqlScore(correct=False, error=str(rejected), exact_match=exact)
    finally:
        sandbox.close()
    correct = _same_results(gold_rows, pred_rows, ordered=_has_top_level_order_by(gold))
    return SqlScore(correct=correct, error=None, exact_match=exact)


def _run_gold(sandbox: _Sandbox, gold: str, timeout_s: float) -> list[tuple]:
    """The gold result; any failure here is the dataset's fault, not the model's."""
    try:
        return sandbox.query(gold, timeout_s)
    except _Rejected as rejected:
        raise ValueError(f"gold query failed ({rejected}): {gold}") from None


def _run_prediction(sandbox: _Sandbox, prediction: str, timeout_s: float) -> list[tuple]:
    """The predicted result, refusing multi-statement text before anything runs."""
    if len(_split_statements(prediction)) > 1:
        raise _Rejected("forbidden: multiple statements")
    return sandbox.query(prediction, timeout_s)


def execution_accuracy(
    rows: list[dict],
    predictions: list[str],
    context_key: str = "sql_context",
    gold_key: str = "sql",
    timeout_s: float = 2.0,
) -> dict:
    """Score raw model answers (SQL is pulled out with extract_sql) against the rows' gold SQL."""
    if len(rows) != len(predictions):
        raise ValueError(f"{len(rows)} rows but {len(predictions)} predictions")
    scores = [
        score_sql(row[context_key], row[gold_key], extract_sql(answer), timeout_s)
        for row, answer in zip(rows, predictions)
    ]
    n = len(scores)
    return {
        "n": n,
        "execution_accuracy": _share(scores, lambda s: s.correct),
        "error_rate": _share(scores, lambda s: s.error is not None),
        "exact_match": _share(scores, lambda s: s.exact_match),
        "scores": scores,
    }


def _share(scores: list[SqlScore], test) -> float:
    """Fraction of scores passing `test`; 0.0 for an empty run rather than a ZeroDivisionError."""
    return sum(1 for s in scores if test(s)) / len(scores) if scores else 0.0
