"""Execution accuracy for text-to-SQL: run gold and predicted SQL in the SQL sandbox (sftflow.sql_sandbox).

Each call builds a fresh in-memory database from the row's schema/data script, runs the gold
query and the prediction read-only under an authorizer and a wall-clock budget, and compares
the result sets.  Result rows are compared as tuples, so column ORDER matters
(``SELECT a, b`` != ``SELECT b, a``); row order matters only if the gold query has a
top-level ORDER BY.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import sqlglot

from sftflow.sql_sandbox import Rejected, Sandbox, split_statements, strip_sql

_FLOAT_DECIMALS = 6
_SQL_FENCE = re.compile(r"```[ \t]*sql[^\n]*\n(.*?)(```|$)", re.DOTALL | re.IGNORECASE)
_ANY_FENCE = re.compile(r"```[^\n]*\n(.*?)(```|$)", re.DOTALL)


@dataclass
class SqlScore:
    """One prediction's outcome; `error` is None when the prediction ran."""

    correct: bool
    error: str | None
    exact_match: bool


# ---------------------------------------------------------------- extracting the SQL


def extract_sql(text: str) -> str:
    """The SQL in a model answer: first fenced block (```sql preferred), else first statement."""
    match = _SQL_FENCE.search(text) or _ANY_FENCE.search(text)
    if match:
        return strip_sql(match.group(1))
    statements = split_statements(text)
    return strip_sql(statements[0]) if statements else ""


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
    sql = strip_sql(sql)
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
    gold, prediction = strip_sql(gold), strip_sql(prediction)
    exact = normalize_sql(gold) == normalize_sql(prediction)
    sandbox = Sandbox()
    try:
        sandbox.setup(context)
        gold_rows = _run_gold(sandbox, gold, timeout_s)
        pred_rows = _run_prediction(sandbox, prediction, timeout_s)
    except Rejected as rejected:
        return SqlScore(correct=False, error=str(rejected), exact_match=exact)
    finally:
        sandbox.close()
    correct = _same_results(gold_rows, pred_rows, ordered=_has_top_level_order_by(gold))
    return SqlScore(correct=correct, error=None, exact_match=exact)


def _run_gold(sandbox: Sandbox, gold: str, timeout_s: float) -> list[tuple]:
    """The gold result; any failure here is the dataset's fault, not the model's."""
    try:
        return sandbox.query(gold, timeout_s)
    except Rejected as rejected:
        raise ValueError(f"gold query failed ({rejected}): {gold}") from None


def _run_prediction(sandbox: Sandbox, prediction: str, timeout_s: float) -> list[tuple]:
    """The predicted result, refusing multi-statement text before anything runs."""
    if len(split_statements(prediction)) > 1:
        raise Rejected("forbidden: multiple statements")
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
