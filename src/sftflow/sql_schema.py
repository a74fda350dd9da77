"""A database's schema as the text a text-to-SQL prompt shows: its CREATE TABLE statements as SQLite stores
them, optionally a few sample rows per table, within a budget for wide schemas.

The same function renders the schema of the generated training data and of a user's database, so the model
sees one format in training and in use. The database is opened read-only and immutable: never changed.
"""

import re
import sqlite3
from pathlib import Path

_WORD = re.compile(r"[a-z0-9]+")


def connect_read_only(path: str | Path) -> sqlite3.Connection:
    """A connection that cannot change the file: read-only, immutable (no locks, no journal), no extensions."""
    uri = f"file:{Path(path).resolve().as_posix()}?mode=ro&immutable=1"
    connection = sqlite3.connect(uri, uri=True, isolation_level=None)
    if hasattr(connection, "enable_load_extension"):
        connection.enable_load_extension(False)
    return connection


def tables(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, CREATE statement) of every user table, in creation order."""
    return connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                              "'sqlite_%' AND sql IS NOT NULL ORDER BY rowid").fetchall()


def schema_text(connection: sqlite3.Connection, sample_rows: int = 0, max_chars: int | None = None,
                question: str | None = None) -> str:
    """CREATE TABLE statements (one blank line apart), each followed by up to `sample_rows` rows as comments.

    Within `max_chars`: sample rows go first, then whole tables, least related to `question` first (shared
    words between the question and a table's name and columns), keeping their order in the database."""
    found = tables(connection)
    parts = {name: _table_text(connection, name, sql, sample_rows) for name, sql in found}
    text = "\n\n".join(parts.values())
    if max_chars is None or len(text) <= max_chars:
        return text
    parts = {name: sql.strip() for name, sql in found}
    keep = list(parts)
    for name in sorted(parts, key=lambda n: _relevance(n, parts[n], question)):
        if len("\n\n".join(parts[n] for n in keep)) <= max_chars or len(keep) == 1:
            break
        keep.remove(name)
    return "\n\n".join(parts[n] for n in keep)


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
