"""Sampling one database of a domain: skewed categories, NULLs, dates that follow other dates, unique labels."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import sqlite3
from dataclasses import dataclass

from .catalog import CITIES, COUNTRIES, FIRST_NAMES, LAST_NAMES, MAIL_HOSTS, SCHEMAS, Column, Table
from .phrasing import Naming
from .render import context_script

TODAY = dt.date(2025, 6, 30)  # the data's "now": later end dates are plans, later events have not happened

def _word_lists(column: Column) -> list[list[str]]:
    return [[a.strip() for a in group.split("|") if a.strip()] for group in column.args]


def name_pool(column: Column) -> list[str] | None:
    """Every value a literal name column can take, or None when it has placeholders (effectively unbounded)."""
    names = [" ".join(parts) for parts in itertools.product(*_word_lists(column))]
    return None if any("{" in n for n in names) else names


_PLACEHOLDERS = {"first": FIRST_NAMES, "last": LAST_NAMES, "city": CITIES, "L": "ABCDEFGHJKLMNPRSTUVWXYZ",
                 "D": "123456789"}


def _made_up_name(rng: random.Random, column: Column) -> str:
    """One word from each list, placeholders filled: 'Chateau Lambert', 'MV Okonkwo', 'Reserve No. 4'."""
    pattern = " ".join(rng.choice(words) for words in _word_lists(column))
    return re.sub(r"\{(\w+)\}", lambda m: rng.choice(_PLACEHOLDERS[m.group(1)]), pattern)


def _day(rng: random.Random, first_year: int, last_year: int) -> str:
    start = dt.date(first_year, 1, 1)
    span = (dt.date(last_year, 12, 31) - start).days
    return (start + dt.timedelta(days=rng.randint(0, span))).isoformat()


def _skewed(rng: random.Random, n: int, zeros: float = 0.0) -> list[float]:
    """Uneven weights, so counts and totals per group differ (fewer ties) and some parents get no children."""
    weights = [0.0 if rng.random() < zeros else rng.random() ** 2 + 0.03 for _ in range(n)]
    if not any(weights):
        weights[rng.randrange(n)] = 1.0
    return weights


@dataclass
class Db:
    """One sampled database of a domain: every table's rows, and a connection for trying queries on them."""

    domain: str
    tables: dict[str, Table]
    rows: dict[str, list[tuple]]
    conn: sqlite3.Connection | None = None
    names: Naming | None = None  # how the question being built calls tables and columns: new for each question

    def values(self, table: Table, column: Column) -> list:
        i = table.columns.index(column)
        return [r[i] for r in self.rows[table.name] if r[i] is not None]

    def open(self) -> sqlite3.Connection:
        if self.conn is None:
            self.conn = sqlite3.connect(":memory:")
            self.conn.executescript(context_script(self, list(self.tables), "compact"))
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class _Sampler:
    """Draws one column's values for one database: the skew, NULL rate and pool are fixed per database."""

    def __init__(self, rng: random.Random, db: Db, table: Table, column: Column):
        self.rng, self.db, self.table, self.column = rng, db, table, column
        self.null_rate = rng.uniform(0.12, 0.4) if column.nullable else 0.0
        self.pool, self.weights = self._pool()

    def _pool(self) -> tuple[list | None, list[float] | None]:
        rng, column, kind = self.rng, self.column, self.column.kind
        if kind == "cat":
            return list(column.args), _skewed(rng, len(column.args))
        if kind in ("city", "country"):
            pool = rng.sample(CITIES if kind == "city" else COUNTRIES, rng.randint(3, 6))
            return pool, _skewed(rng, len(pool))
        if kind == "ref":
            parent = self.db.tables[column.parent]
            keys = [r[0] for r in self.db.rows[parent.name]]
            return keys, _skewed(rng, len(keys), zeros=0.15)
        if kind == "name":
            pool = name_pool(column)
            if pool is not None:
                rng.shuffle(pool)
            return pool, None
        if kind == "flag":
            return [1, 0], [rng.uniform(0.2, 0.8), 0.5]
        return None, None

    def draw(self, row: dict, index: int):
        if self.null_rate and self.rng.random() < self.null_rate:
            return None
        rng, kind, args = self.rng, self.column.kind, self.column.args
        if kind == "id":
            return index
        if self.weights is not None:
            return rng.choices(self.pool, weights=self.weights)[0]
        if kind == "name":
            return self.pool[index - 1] if self.pool is not None else _made_up_name(rng, self.column)
        if kind in ("int", "year"):
            return rng.randint(int(args[0]), int(args[1]))
        if kind == "real":
            return round(rng.uniform(float(args[0]), float(args[1])), 2)
        if kind == "date":
            return _day(rng, int(args[0]), int(args[1]))
        if kind == "after":
            return self._after(row)
        return self._personal(row)

    def _base_date(self, row: dict) -> str | None:
        base = self.column.args[0]
        if "." not in base:
            return row[base]
        ref_name, parent_column = base.split(".")  # a date of the referenced row: a claim follows its policy's start
        parent = self.db.tables[self.table.column(ref_name).parent]
        i = parent.columns.index(parent.column(parent_column))
        return next((r[i] for r in self.db.rows[parent.name] if r[0] == row[ref_name]), None)

    def _after(self, row: dict) -> str | None:
        base, low, high = self._base_date(row), int(self.column.args[1]), int(self.column.args[2])
        if base is None:
            return None
        day = dt.date.fromisoformat(base) + dt.timedelta(days=self.rng.randint(low, high))
        if self.column.nullable and day > TODAY:  # a settlement or a return after today has not happened yet
            return None
        return day.isoformat()

    def _personal(self, row: dict) -> str:
        kind, rng = self.column.kind, self.rng
        if kind == "first":
            return rng.choice(FIRST_NAMES)
        if kind == "last":
            return rng.choice(LAST_NAMES)
        if kind == "person":
            return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if kind == "email":
            names = [v for k, v in row.items() if isinstance(v, str) and self.table.column(k).kind in (
                "person", "first", "last")] or [rng.choice(LAST_NAMES)]
            handle = ".".join(" ".join(names).lower().replace("'", "").split())
            return f"{handle}@{rng.choice(MAIL_HOSTS)}"
        raise ValueError(f"unknown column kind {kind!r} in {self.table.name}.{self.column.name}")


def _depth(tables: dict[str, Table], table: Table) -> int:
    return max((1 + _depth(tables, tables[r.parent]) for r in table.refs if r.parent != table.name), default=0)


def _row_count(rng: random.Random, tables: dict[str, Table], table: Table) -> int:
    depth = _depth(tables, table)
    low, high = ((4, 7), (6, 13), (9, 20))[min(depth, 2)]
    n = rng.randint(low, high)
    pools = [name_pool(c) for c in table.label if c.kind == "name"]
    return min([n] + [len(p) for p in pools if p is not None])


def _unique_key(table: Table, row: dict) -> tuple:
    """Label values are unique (so a question can name a row), and a link table holds each pair once."""
    key_columns = table.label if table.pk else table.refs
    return tuple(row[c.name] for c in key_columns if c.kind != "id")


def _sample_table(rng: random.Random, db: Db, table: Table) -> list[tuple]:
    samplers = [_Sampler(rng, db, table, c) for c in table.columns]
    n = _row_count(rng, db.tables, table)
    rows, seen = [], set()
    for _ in range(3 * n):
        if len(rows) == n:
            break
        row: dict = {}
        for sampler in samplers:
            row[sampler.column.name] = sampler.draw(row, len(rows) + 1)
        key = _unique_key(table, row)
        if key and (key in seen or None in key):
            continue
        seen.add(key)
        rows.append(tuple(row.values()))
    return rows


def sample_db(rng: random.Random, domain: str) -> Db:
    db = Db(domain, SCHEMAS[domain], {})
    for table in db.tables.values():  # parents come first, so references always find their keys
        db.rows[table.name] = _sample_table(rng, db, table)
    return db
