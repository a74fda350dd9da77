"""Rows: a domain and a shape drawn per row, the gold query checked in the sandbox, the splits written."""

from __future__ import annotations

import json
import random
from pathlib import Path

from sftflow.run_dir import write_atomic
from sftflow.sql_sandbox import Rejected, run_query

from .shapes import BUILDERS, SHAPES
from .tables import DOMAINS, context, sample_data


def _is_good(sql_context: str, sql: str) -> bool:
    try:
        rows = run_query(sql_context, sql, timeout_s=5.0)
    except (ValueError, Rejected):
        return False
    # Aggregates over empty sets give NULL; the data itself never holds NULLs.
    return bool(rows) and all(v is not None for r in rows for v in r)


def _make_row(rng: random.Random, domain: str, shape: str, tries: int = 30) -> dict:
    """Sample data and a query of the given shape until the gold query returns real rows."""
    for _ in range(tries):
        d = sample_data(rng, domain)
        built = BUILDERS[shape](rng, d)
        if built is None:
            continue
        prompt, sql, tables = built
        sql_context = context(d, tables)
        if _is_good(sql_context, sql):
            return {"domain": domain, "shape": shape, "sql_prompt": prompt, "sql_context": sql_context, "sql": sql}
    raise RuntimeError(f"could not build a {shape!r} query for domain {domain!r}")


def generate_rows(n: int, seed: int = 0) -> list[dict]:
    """Return ``n`` distinct rows, deterministic for a given ``(n, seed)``."""
    rng = random.Random(seed)
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()  # membership only; never iterated, so hash order is irrelevant
    while len(rows) < n:
        row = _make_row(rng, rng.choice(DOMAINS), rng.choice(SHAPES))
        key = (row["sql_context"], row["sql_prompt"])
        if key not in seen:
            seen.add(key)
            rows.append({"id": len(rows), **row})
    return rows


def write_splits(out_dir, n_train: int, n_test: int, seed: int = 0) -> dict[str, Path]:
    """Write disjoint ``train.jsonl`` and ``test.jsonl`` into ``out_dir``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = generate_rows(n_train + n_test, seed)  # rows are unique, so the two slices are disjoint
    paths = {}
    for name, split in {"train": rows[:n_train], "test": rows[n_train:]}.items():
        paths[name] = out / f"{name}.jsonl"
        # written whole and renamed into place (write_atomic), so readers never see half a file
        write_atomic(paths[name], "".join(json.dumps({**r, "id": i}, ensure_ascii=False) + "\n"
                                          for i, r in enumerate(split)))
    return paths
