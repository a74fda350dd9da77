"""Rows: shapes drawn by tier, each gold query checked, the shown schema rendered, the splits written."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

from sftflow.run_dir import write_atomic
from sftflow.sql_sandbox import Rejected, run_query

from .catalog import DOMAINS, TOPICS
from .phrasing import Naming, framed
from .query_parts import Query, query_values
from .render import STYLES, context_script, schema_of, shown_tables
from .sampling import Db, sample_db
from .shapes import BUILDERS, TIERS

_TIER_WEIGHTS = {"single_table": 30, "join_or_group": 35, "multi_step": 35}
_MAX_RESULT_ROWS = 40
_STYLE_WEIGHTS = (4, 3, 3)


def _order_is_stable(db: Db, sql: str, width: int) -> bool:
    """The result is the same whichever way ties in the ORDER BY are broken, and a LIMIT really cuts."""
    head, found, tail = sql.rpartition(" ORDER BY ")
    if not found:
        return True
    order, _, limit = tail.partition(" LIMIT ")
    cut = f" LIMIT {limit}" if limit else ""
    # Breaking ties by every output column, ascending and then descending, gives the two extreme orders.
    results = [query_values(db, f"{head} ORDER BY {order}, " + ", ".join(f"{i} {d}" for i in range(1, width + 1)) + cut)
               for d in ("ASC", "DESC")]
    if results[0] != results[1]:
        return False
    return not limit or len(query_values(db, head)) > int(limit)


def _acceptable(db: Db, sql: str) -> bool:
    """Rows come back, no column is all NULL, not everything is zero, and the order is deterministic."""
    try:
        rows = query_values(db, sql)
        if not rows or len(rows) > _MAX_RESULT_ROWS:
            return False
        columns = list(zip(*rows))
        if any(all(v is None for v in column) for column in columns):
            return False
        if all(v is None or v == 0 for row in rows for v in row):
            return False
        return _order_is_stable(db, sql, len(columns))
    except sqlite3.Error:
        return False


def _render(rng: random.Random, db: Db, shape: str, query: Query) -> dict | None:
    """Show a sampled subset of the tables (always those the query uses), and run the gold query in the sandbox."""
    style = rng.choices(STYLES, weights=_STYLE_WEIGHTS)[0]
    names = shown_tables(rng, db.tables, set(query.tables), style)
    if names is None:
        style, names = "compact", shown_tables(rng, db.tables, set(query.tables), "compact")
    if names is None:
        return None
    context = context_script(db, names, style)
    try:
        if run_query(context, query.sql, timeout_s=5.0) != query_values(db, query.sql):
            return None
    except (ValueError, Rejected):
        return None
    question = framed(db.names.rng, query.question, TOPICS[db.domain], query.tables)
    return {"domain": db.domain, "shape": shape, "sql_prompt": question, "schema": schema_of(context),
            "sql_context": context, "sql": query.sql}


def _make_row(rng: random.Random, wording: random.Random, shape: str, domain: str, tries: int = 60) -> dict:
    """Sample databases and queries of the given shape until one passes every check."""
    for attempt in range(tries):
        if attempt and attempt % 6 == 0:  # the shape does not fit this domain well: try another
            domain = rng.choice(DOMAINS)
        db = sample_db(rng, domain)
        try:
            for _ in range(4):
                db.names = Naming(wording, db.tables)
                query = BUILDERS[shape](rng, db)
                if query is not None and _acceptable(db, query.sql):
                    row = _render(rng, db, shape, query)
                    if row is not None:
                        return row
        finally:
            db.close()
    raise RuntimeError(f"could not build a {shape!r} query in {tries} tries")


def _draw_shape(rng: random.Random) -> str:
    tier = rng.choices(tuple(TIERS), weights=tuple(_TIER_WEIGHTS.values()))[0]
    return rng.choice(TIERS[tier])


def generate_rows(n: int, seed: int = 0) -> list[dict]:
    """``n`` rows with distinct questions, the same for a given ``(n, seed)`` on every machine."""
    rng = random.Random(seed)
    wording = random.Random(f"wording {seed}")  # the names questions use come from a stream of their own
    rows: list[dict] = []
    seen: set[str] = set()  # membership only, never iterated: hash order cannot leak into the output
    deck: list[str] = []  # domains dealt from shuffled decks, so every domain gets its share of rows
    while len(rows) < n:
        if not deck:
            deck = rng.sample(DOMAINS, len(DOMAINS))
        row = _make_row(rng, wording, _draw_shape(rng), deck.pop())
        key = " ".join(row["sql_prompt"].lower().split())
        if key not in seen:
            seen.add(key)
            rows.append({"id": len(rows), **row})
    return rows


def write_splits(out_dir, n_train: int, n_test: int, seed: int = 0, n_validation: int = 0) -> dict[str, Path]:
    """Write train.jsonl, test.jsonl (and validation.jsonl when asked) into ``out_dir``; return their paths.

    Questions are unique across all rows, so the splits never share one."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = generate_rows(n_train + n_validation + n_test, seed)
    splits = {"train": rows[:n_train], "validation": rows[n_train:n_train + n_validation],
              "test": rows[n_train + n_validation:]}
    paths = {}
    for name, split in splits.items():
        if name == "validation" and not n_validation:
            continue
        paths[name] = out / f"{name}.jsonl"
        lines = "".join(json.dumps({**r, "id": i}, ensure_ascii=False) + "\n" for i, r in enumerate(split))
        write_atomic(paths[name], lines)
    return paths
