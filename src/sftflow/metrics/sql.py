"""Execution accuracy for text-to-SQL: run gold and predicted SQL in the SQL sandbox (sftflow.sql_sandbox).

Each call builds a fresh in-memory database from the row's schema/data script in the sandbox's worker
process, runs the gold query and the prediction read-only under an authorizer, a wall-clock deadline and a
memory limit, and compares the result sets there.  Result rows are compared as tuples, so column ORDER
matters (``SELECT a, b`` != ``SELECT b, a``); row order matters only if the gold query has a top-level
ORDER BY.  A prediction that fails in any way (timeout, memory, crash) is that example's error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot

from sftflow.sql_sandbox import Rejected, bounded_database, split_statements, strip_sql

DATABASE = "database"  # a row's SQLite file (sftflow.data.databases fills it), run read-only instead of a script

# sqlglot's cost grows with the text it parses, and a model's SQL answer is a few hundred characters: longer
# text is compared by its case and whitespace only.
SQLGLOT_MAX_CHARS = 10_000
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


# ---------------------------------------------------------------- reading the SQL


def _has_top_level_order_by(sql: str) -> bool:
    """Whether the outermost query sorts (ORDER BY in subqueries or OVER() does not count)."""
    if len(sql) <= SQLGLOT_MAX_CHARS:
        try:
            return bool(sqlglot.parse_one(sql, read="sqlite").args.get("order"))
        except Exception:  # noqa: BLE001 - its own errors, or RecursionError at about 50 nested parentheses
            pass
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
    if len(sql) <= SQLGLOT_MAX_CHARS:
        try:
            sql = "; ".join(sqlglot.transpile(sql, read="sqlite", write="sqlite", pretty=False))
        except Exception:  # noqa: BLE001 - unparseable SQL (or a RecursionError) still gets the rules below
            pass
    return " ".join(sql.lower().split())


# ---------------------------------------------------------------- scoring


def score_sql(context: str | None, gold: str, prediction: str, timeout_s: float = 2.0,
              database: str | None = None) -> SqlScore:
    """Execute gold and prediction on a fresh copy of `context` (or on the SQLite file `database`, read-only and
    immutable) and compare their results.

    Raises ValueError when the context, the file or the gold query fails: that is a data bug.
    """
    gold, prediction = strip_sql(gold), strip_sql(prediction)
    exact = normalize_sql(gold) == normalize_sql(prediction)
    ordered = _has_top_level_order_by(gold)
    with bounded_database(context, database) as database:
        try:
            database.keep(gold, timeout_s)
        except Rejected as rejected:
            raise ValueError(f"gold query failed ({rejected}): {gold}") from None
        try:
            correct = database.compare(prediction, timeout_s, ordered)
        except Rejected as rejected:
            return SqlScore(correct=False, error=str(rejected), exact_match=exact)
    return SqlScore(correct=correct, error=None, exact_match=exact)


def _score_example(row: dict, context_key: str, gold: str, answer: str, timeout_s: float) -> SqlScore:
    """score_sql for one example of an eval (on the row's database file when it has one, else its context
    script): a broken context or gold query is that example's error too, so one bad row cannot throw away the
    predictions of all the others."""
    try:
        if row.get(DATABASE):
            return score_sql(None, gold, extract_sql(answer), timeout_s, database=row[DATABASE])
        return score_sql(row[context_key], gold, extract_sql(answer), timeout_s)
    except ValueError as data_bug:
        return SqlScore(correct=False, error=str(data_bug), exact_match=False)


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
        _score_example(row, context_key, row[gold_key], answer, timeout_s) for row, answer in zip(rows, predictions)
    ]
    n = len(scores)
    return {
        "n": n,
        "execution_accuracy": _share(scores, lambda s: s.correct),
        "error_rate": _share(scores, lambda s: s.error is not None),
        "exact_match": _share(scores, lambda s: s.exact_match),
        "scores": scores,
    }


# ---------------------------------------------------------------- constraining answers to the schema


def row_grammars(rows: list[dict], context_key: str = "sql_context", timeout_s: float = 2.0) -> tuple[list, dict]:
    """A grammar (sftflow.sql_grammar) per row, from the tables and columns of its database (file or context
    script), read once per database; None for a row whose schema cannot be read or expressed. Returns the
    grammars and {reason: [row indices]} of those left unconstrained."""
    grammars, skipped, built = [], {}, {}
    for index, row in enumerate(rows):
        database = row.get(DATABASE) or None
        context = None if database else row.get(context_key)
        key = ("file", database) if database else ("context", context)
        if key not in built:
            built[key] = _grammar(context, database, timeout_s)
        grammar, reason = built[key]
        grammars.append(grammar)
        if reason:
            skipped.setdefault(reason, []).append(index)
    return grammars, skipped


def _grammar(context: str | None, database: str | None, timeout_s: float) -> tuple[str | None, str | None]:
    from sftflow.sql_grammar import schema_grammar

    if not context and not database:
        return None, "the row names no database and has no schema script"
    try:
        with bounded_database(context, database) as opened:
            return schema_grammar(opened.schema(timeout_s)), None
    except (ValueError, Rejected) as e:
        return None, (str(e).splitlines() or [type(e).__name__])[0]


# ---------------------------------------------------------------- choosing among candidates


def select_candidates(rows: list[dict], candidates: list[list[str]], options) -> tuple[list[str], list[int]]:
    """One answer per row from its candidates (greedy first), by running each on the row's database, never the
    gold query: `executes` keeps the first whose SQL runs and returns a row with a value; `majority` the first
    of the largest group of candidates returning the same rows. A row where no candidate runs keeps the greedy
    answer. Returns the chosen answers and their indices."""
    from tqdm.auto import tqdm

    chosen, picked = [], []
    for row, answers in tqdm(list(zip(rows, candidates)), desc="Choosing", unit="ex"):
        outcomes = _outcomes(row, [extract_sql(a) for a in answers], options.sql_timeout_s)
        index = _pick(outcomes, options.select)
        chosen.append(answers[index])
        picked.append(index)
    return chosen, picked


def choose_candidate(database: str, answers: list[str], rule: str, timeout_s: float) -> int:
    """The index of the answer `rule` (executes | majority) keeps among `answers` (greedy first), each run on the
    SQLite file `database` (read-only, bounded); 0 when none runs."""
    return _pick(_outcomes({DATABASE: database}, [extract_sql(a) for a in answers], timeout_s), rule)


def _outcomes(row: dict, queries: list[str], timeout_s: float) -> list[tuple[int, bool, str] | None]:
    """Each query's fingerprint on the row's database (read-only), None where it does not run."""
    results = []
    try:
        context = None if row.get(DATABASE) else row.get("sql_context")
        with bounded_database(context, row.get(DATABASE) or None) as database:
            for query in queries:
                try:
                    results.append(database.fingerprint(strip_sql(query), timeout_s) if query.strip() else None)
                except Rejected:
                    results.append(None)
    except ValueError:  # the row's database cannot be opened: scoring reports it; keep the greedy answer
        return [None] * len(queries)
    return results


def _pick(outcomes: list[tuple[int, bool, str] | None], rule: str) -> int:
    runs = [i for i, o in enumerate(outcomes) if o is not None and o[0] > 0 and o[1]]
    if not runs:
        return 0
    if rule == "executes":
        return runs[0]
    groups: dict[str, list[int]] = {}
    for i in runs:
        groups.setdefault(outcomes[i][2], []).append(i)
    return max(groups.values(), key=lambda members: (len(members), -members[0]))[0]


def _share(scores: list[SqlScore], test) -> float:
    """Fraction of scores passing `test`; 0.0 for an empty run rather than a ZeroDivisionError."""
    return sum(1 for s in scores if test(s)) / len(scores) if scores else 0.0
