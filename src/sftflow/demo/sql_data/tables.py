"""The two-table domains (domains.yaml) and one sampled database of a domain: its rows and its SQL context."""

from __future__ import annotations

import random
from dataclasses import dataclass
from importlib import resources

import yaml

# Column kinds: L unique label text, C categorical text, I integer, R real, D date text, F foreign key.
SQL_TYPES = {"L": "TEXT", "C": "TEXT", "D": "TEXT", "I": "INTEGER", "F": "INTEGER", "R": "REAL"}
# Kind groups used when a query shape needs "some numeric column" etc.
KIND_GROUPS = {"N": "IR", "B": "IRD"}
# domains.yaml's kinds -> (letter, the key holding the pool)
_KINDS = {"label": ("L", "values"), "category": ("C", "values"), "integer": ("I", "range"), "real": ("R", "range"),
          "date": ("D", "years"), "parent": ("F", None)}


@dataclass(frozen=True)
class Table:
    name: str
    singular: str
    cols: tuple  # ((column, kind, pool), ...) excluding the leading "id INTEGER" column


def _column(name: str, spec: str | dict) -> tuple:
    kind, key = _KINDS[spec if isinstance(spec, str) else spec["kind"]]
    return name, kind, tuple(spec[key]) if key else None


def _load() -> dict[str, tuple[Table, Table]]:
    """domain -> (parent table, child table); the child's F column references parent.id."""
    text = resources.files(__package__).joinpath("domains.yaml").read_text(encoding="utf-8")
    return {domain: tuple(Table(name, spec["singular"], tuple(_column(c, s) for c, s in spec["columns"].items()))
                          for name, spec in tables.items())
            for domain, tables in yaml.safe_load(text).items()}


SCHEMAS = _load()
DOMAINS = tuple(SCHEMAS)


@dataclass(frozen=True)
class Data:
    parent: Table
    child: Table
    rows: dict  # table name -> list of row tuples (id first)

    def values(self, t: Table, col: str) -> list:
        idx = 1 + [c for c, _, _ in t.cols].index(col)
        return [r[idx] for r in self.rows[t.name]]


def cols(t: Table, kind: str) -> list[str]:
    kinds = KIND_GROUPS.get(kind, kind)
    return [c for c, k, _ in t.cols if k in kinds]


def label(t: Table) -> str:
    return (cols(t, "L") or ["id"])[0]


def lit(v) -> str:
    return "'" + v.replace("'", "''") + "'" if isinstance(v, str) else repr(v)


def _value(rng: random.Random, kind: str, pool, n_parent: int):
    if kind == "C":
        return rng.choice(pool)
    if kind == "F":
        return rng.randint(1, n_parent)
    if kind == "R":
        return round(rng.uniform(*pool), 2)
    if kind == "D":
        return f"{rng.randint(*pool)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    lo, hi = pool  # kind "I": round big amounts so they look like real prices and salaries
    step = 1000 if hi >= 100000 else 100 if hi >= 10000 else 1
    return rng.randint(lo // step, hi // step) * step


def _sample_rows(rng: random.Random, t: Table, n_parent: int) -> list[tuple]:
    n = rng.randint(3, 6)
    labels = {c: rng.sample(pool, n) for c, k, pool in t.cols if k == "L"}
    return [(i + 1,) + tuple(labels[c][i] if k == "L" else _value(rng, k, pool, n_parent)
                             for c, k, pool in t.cols) for i in range(n)]


def sample_data(rng: random.Random, domain: str) -> Data:
    parent, child = SCHEMAS[domain]
    prows = _sample_rows(rng, parent, 0)
    return Data(parent, child, {parent.name: prows, child.name: _sample_rows(rng, child, len(prows))})


def context(d: Data, tables: tuple) -> str:
    """CREATE TABLE and INSERT statements, one per line, for the tables a query uses."""
    lines = []
    for t in tables:
        columns = ", ".join(["id INTEGER"] + [f"{c} {SQL_TYPES[k]}" for c, k, _ in t.cols])
        lines.append(f"CREATE TABLE {t.name} ({columns});")
    for t in tables:
        vals = ", ".join("(" + ", ".join(lit(v) for v in r) + ")" for r in d.rows[t.name])
        lines.append(f"INSERT INTO {t.name} VALUES {vals};")
    return "\n".join(lines)
