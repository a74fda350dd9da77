"""Building a development database: rows from its builder, written to SQLite under a fingerprint.

Each database has its own module (rows from one seeded ``random.Random``) and schema file (``<db_id>.sql``).
The fingerprint, a CRC of schema and rows kept in ``PRAGMA user_version``, lets ``build_all`` keep a file that
is current and rebuild one left by an older builder.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import zlib
from pathlib import Path

from sftflow.paths import sqlite_read_only_uri

from . import bike_share, hotel_bookings, music_streaming, plant_maintenance, public_grants, veterinary_clinic
from .common import Rows, schema

# db id -> builder module (its SEED and rows(rng)). Each database has its own seed so that changing one
# builder leaves the others' bytes alone.
BUILDERS = {
    "bike_share": bike_share,
    "veterinary_clinic": veterinary_clinic,
    "music_streaming": music_streaming,
    "hotel_bookings": hotel_bookings,
    "public_grants": public_grants,
    "plant_maintenance": plant_maintenance,
}
DATABASES: tuple[str, ...] = tuple(BUILDERS)


def _contents(db_id: str) -> tuple[str, Rows, int]:
    """(schema, rows per table, fingerprint). The fingerprint is a CRC of both, small enough for
    PRAGMA user_version, so a stale file left by an older builder is noticed and rebuilt."""
    if db_id not in BUILDERS:
        raise KeyError(f"unknown devset database {db_id!r}; expected one of {', '.join(DATABASES)}")
    builder = BUILDERS[db_id]
    text, rows = schema(db_id), builder.rows(random.Random(builder.SEED))
    blob = json.dumps([text, sorted(rows.items())], separators=(",", ":")).encode()
    return text, rows, zlib.crc32(blob) & 0x7FFFFFFF or 1  # 0 is SQLite's "never set"


def _write(path: Path, text: str, rows: Rows, fingerprint: int) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA foreign_keys = ON")  # a row that breaks a declared key fails the build
        # No journal and no fsync while writing the temporary file: os.replace below is what makes
        # the result appear whole, and a file broken by a crash fails the fingerprint and is rebuilt.
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.executescript(text)
        for table, table_rows in rows.items():  # parents come first in every builder's dict
            if table_rows:
                marks = ", ".join("?" * len(table_rows[0]))
                con.executemany(f"INSERT INTO {table} VALUES ({marks})", table_rows)
        con.execute(f"PRAGMA user_version = {fingerprint}")
        con.commit()
    finally:
        con.close()
    os.replace(tmp, path)  # readers see the old file or the whole new one, never half of one
    return path


def _stored_fingerprint(path: Path) -> int | None:
    try:
        con = sqlite3.connect(sqlite_read_only_uri(path, immutable=False), uri=True)
        try:
            return con.execute("PRAGMA user_version").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return None


def build_database(db_id: str, path: Path) -> Path:
    """Write database ``db_id`` to ``path`` (replacing any file there) and return the path."""
    return _write(path, *_contents(db_id))


def build_all(folder: Path) -> dict[str, Path]:
    """Build every database as ``folder/<db_id>.sqlite``; a file whose fingerprint matches is kept."""
    out = {}
    for db_id in DATABASES:
        path = Path(folder) / f"{db_id}.sqlite"
        text, rows, fingerprint = _contents(db_id)
        if not (path.is_file() and _stored_fingerprint(path) == fingerprint):
            _write(path, text, rows, fingerprint)
        out[db_id] = path
    return out
