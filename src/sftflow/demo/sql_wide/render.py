"""SQL text: the CREATE statements a prompt shows, the INSERTs the metric runs, and which tables to show."""

from __future__ import annotations

import random
import sqlite3
from typing import Protocol

from sftflow.sql_schema import schema_text

from .catalog import SQL_TYPES, Column, Table, singular_of


class Db(Protocol):
    """What rendering needs of a sampled database (sampling.Db): its tables and their rows."""

    tables: dict[str, Table]
    rows: dict[str, list[tuple]]


MAX_SCHEMA_CHARS = 2400  # the model trains at 1024 tokens: the schema must leave room for question and answer
MIN_SHOWN_TABLES = 4

STYLES = ("block", "inline", "compact")  # real databases are written in all of these ways


def _column_sql(tables: dict[str, Table], table: Table, column: Column, style: str) -> str:
    text = f"{column.name} {SQL_TYPES.get(column.kind, 'TEXT')}"
    if column.kind == "id":
        return text + " PRIMARY KEY"
    if not column.nullable and style != "compact":
        text += " NOT NULL"
    if column.kind == "ref" and style == "inline":
        text += f" REFERENCES {column.parent}({tables[column.parent].pk.name})"
    return text


def create_statement(tables: dict[str, Table], table: Table, style: str) -> str:
    parts = [_column_sql(tables, table, c, style) for c in table.columns]
    if table.pk is None:
        parts.append(f"PRIMARY KEY ({', '.join(r.name for r in table.refs)})")
    if style != "inline":
        parts += [f"FOREIGN KEY ({r.name}) REFERENCES {r.parent} ({tables[r.parent].pk.name})" for r in table.refs]
    if style == "compact":
        return f"CREATE TABLE {table.name} ({', '.join(parts)})"
    indent = "    " if style == "block" else "  "
    return f"CREATE TABLE {table.name} (\n" + ",\n".join(indent + p for p in parts) + "\n)"


def sql_literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _insert_statement(db: Db, name: str) -> str:
    rows = ", ".join("(" + ", ".join(sql_literal(v) for v in row) + ")" for row in db.rows[name])
    return f"INSERT INTO {name} VALUES {rows};"


def context_script(db: Db, names: list[str], style: str) -> str:
    """The execution script: CREATE statements, then one INSERT per table that has rows."""
    creates = [create_statement(db.tables, db.tables[n], style) + ";" for n in names]
    return "\n".join(creates + [_insert_statement(db, n) for n in names if db.rows[n]])


def schema_of(context: str) -> str:
    """The schema text a prompt shows, rendered by the function that renders users' databases."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(context)
        return schema_text(conn)
    finally:
        conn.close()


def _with_parents(tables: dict[str, Table], names: set[str]) -> set[str]:
    """names plus every table they reference, directly or not: a shown schema never points outside itself."""
    out, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo += [r.parent for r in tables[name].refs]
    return out


def _schema_chars(tables: dict[str, Table], names: set[str], style: str) -> int:
    return sum(len(create_statement(tables, tables[n], style)) + 2 for n in names) - 2


def _stems(name: str) -> set[str]:
    return {singular_of(word) for word in name.split("_")}


def shown_tables(rng: random.Random, tables: dict[str, Table], needed: set[str], style: str) -> list[str] | None:
    """The query's tables and their parents, plus others drawn at random, within MAX_SCHEMA_CHARS."""
    shown = _with_parents(tables, needed)
    if _schema_chars(tables, shown, style) > MAX_SCHEMA_CHARS:
        return None
    target = rng.randint(MIN_SHOWN_TABLES, 12)
    others = sorted(set(tables) - shown, key=list(tables).index)
    rng.shuffle(others)
    if rng.random() < 0.6:  # mostly show look-alikes (claim_notes beside claims): the model must read which is which
        others.sort(key=lambda name: not _stems(name) & {s for n in needed for s in _stems(n)})
    for name in others:
        if len(shown) >= target:
            break
        grown = _with_parents(tables, shown | {name})
        if _schema_chars(tables, grown, style) <= MAX_SCHEMA_CHARS:
            shown = grown
    return [n for n in tables if n in shown]  # creation order: parents first, as in a real database
