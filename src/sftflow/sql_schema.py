"""A database's schema as the text a text-to-SQL prompt shows: one CREATE TABLE statement per table, optionally
a few sample rows per table, within a budget for wide schemas.

The statements are rebuilt from SQLite's own catalogue (column names and types, primary keys, foreign keys),
one line per table, whatever the formatting of the SQL that created the database: the same function renders
the schema of the generated training data and of a user's database, so the model sees one format in training
and in use, in few tokens. The database is opened read-only and immutable: never changed.
"""

import re
import sqlite3
from pathlib import Path

from sftflow.paths import sqlite_read_only_uri

_WORD = re.compile(r"[a-z0-9]+")


def connect_read_only(path: str | Path) -> sqlite3.Connection:
    """A connection that cannot change the file: read-only, immutable (no locks, no journal), no extensions."""
    connection = sqlite3.connect(sqlite_read_only_uri(path), uri=True, isolation_level=None)
    if hasattr(connection, "enable_load_extension"):
        connection.enable_load_extension(False)
    return connection


def tables(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, canonical CREATE statement) of every user table, in creation order."""
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
    return [(name, create_statement(connection, name)) for name in names]


def create_statement(connection: sqlite3.Connection, table: str) -> str:
    """CREATE TABLE t (col TYPE [PRIMARY KEY] [REFERENCES other(col)], ...); on one line."""
    references = {row[3]: f"{row[2]}({row[4]})" for row in connection.execute(
        f'PRAGMA foreign_key_list("{table}")')}
    primary = [row for row in connection.execute(f'PRAGMA table_info("{table}")') if row[5]]
    columns = []
    for _, name, kind, _, _, pk in connection.execute(f'PRAGMA table_info("{table}")'):
        parts = [name, kind] if kind else [name]
        if pk and len(primary) == 1:
            parts.append("PRIMARY KEY")
        if name in references:
            parts.append(f"REFERENCES {references[name]}")
        columns.append(" ".join(parts))
    if len(primary) > 1:
        columns.append(f"PRIMARY KEY ({', '.join(row[1] for row in sorted(primary, key=lambda r: r[5]))})")
    return f"CREATE TABLE {table} ({', '.join(columns)});"


def schema_text(connection: sqlite3.Connection, sample_rows: int = 0, max_chars: int | None = None,
                question: str | None = None) -> str:
    """CREATE TABLE statements, one per line, each followed by up to `sample_rows` rows as comments.

    Within `max_chars`: sample rows go first, then whole tables, least related to `question` first (shared
    words between the question and a table's name and columns), keeping their order in the database."""
    found = tables(connection)
    parts = {name: _table_text(connection, name, sql, sample_rows) for name, sql in found}
    text = "\n".join(parts.values())
    if max_chars is None or len(text) <= max_chars:
        return text
    parts = dict(found)
    keep = list(parts)
    for name in sorted(parts, key=lambda n: _relevance(n, parts[n], question)):
        if len("\n".join(parts[n] for n in keep)) <= max_chars or len(keep) == 1:
            break
        keep.remove(name)
    return "\n".join(parts[n] for n in keep)


def _table_text(connection: sqlite3.Connection, name: str, sql: str, sample_rows: int) -> str:
    text = sql.strip()
    if sample_rows <= 0:
        return text
    rows = connection.execute(f'SELECT * FROM "{name}" LIMIT ?', (sample_rows,)).fetchall()
    return text + "".join(f"\n-- {', '.join(_literal(v) for v in row)}" for row in rows)


def _literal(value) -> str:
    if value is None:
        return "NULL"
    return repr(value) if isinstance(value, str) else str(value)


def _relevance(name: str, sql: str, question: str | None) -> int:
    if not question:
        return 0
    words = set(_WORD.findall(question.lower()))
    named = set(_WORD.findall(f"{name} {sql}".lower().replace("_", " ")))
    return len(words & named)
