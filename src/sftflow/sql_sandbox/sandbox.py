"""The in-process SQLite sandbox: a fresh in-memory database, an authorizer and a progress-handler deadline.

A fresh in-memory SQLite database per use, built from a trusted schema/data script; queries run read-only
under an authorizer (no ATTACH, no file functions, no writes), with a wall-clock budget enforced by the
progress handler and a cap on the size of one value. The progress handler only runs between VM steps, and
result rows live in Python's memory, so untrusted SQL runs in the worker process (worker.py), which adds the
hard bounds; `run_query` runs here, in this process, for trusted SQL (the demo's generator).
"""

from __future__ import annotations

import re
import sqlite3
import time

from sftflow.paths import sqlite_read_only_uri

# The context script is trusted data, but a runaway trigger must still not hang an eval run.
SETUP_TIMEOUT_S = 30.0
# Progress-handler granularity in VM instructions: small enough to react within milliseconds.
_PROGRESS_STEPS = 1000
# Caps one value's size so `zeroblob(1e9)`-style predictions cannot eat the machine's memory.
MAX_VALUE_BYTES = 10_000_000

# Functions that can reach the file system or loadable code.
_FORBIDDEN_FUNCTIONS = {"load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"}
# Everything a plain SELECT (with CTEs, views, subqueries, functions) needs, and nothing else.
_READ_ACTIONS = {
    sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE
}
# Action codes share numbers with result codes, so the name table is built from action names only.
_ACTION_NAMES = {
    getattr(sqlite3, "SQLITE_" + name): name
    for name in (
        "ALTER_TABLE", "ANALYZE", "ATTACH", "CREATE_INDEX", "CREATE_TABLE", "CREATE_TEMP_INDEX", "CREATE_TEMP_TABLE",
        "CREATE_TEMP_TRIGGER", "CREATE_TEMP_VIEW", "CREATE_TRIGGER", "CREATE_VIEW", "CREATE_VTABLE", "DELETE",
        "DETACH", "DROP_INDEX", "DROP_TABLE", "DROP_TEMP_INDEX", "DROP_TEMP_TABLE", "DROP_TEMP_TRIGGER",
        "DROP_TEMP_VIEW", "DROP_TRIGGER", "DROP_VIEW", "DROP_VTABLE", "FUNCTION", "INSERT", "PRAGMA", "READ",
        "RECURSIVE", "REINDEX", "SAVEPOINT", "SELECT", "TRANSACTION", "UPDATE"
    )
    if hasattr(sqlite3, "SQLITE_" + name)
}
# DDL is authorized as a write to the schema table first, and that denial ends the check.
_SCHEMA_TABLES = {"sqlite_master", "sqlite_temp_master", "sqlite_schema", "sqlite_temp_schema"}
SYNTAX_MARKERS = ("syntax error", "incomplete input", "unrecognized token")
_LEADING_COMMENT = re.compile(r"^\s*(--[^\n]*(\n|$)|/\*.*?\*/)", re.DOTALL)


class Rejected(Exception):
    """A query the sandbox did not run to the end; the message says why (timeout, forbidden, parse or runtime error)."""


def strip_sql(sql: str) -> str:
    """Drop surrounding whitespace and trailing semicolons."""
    return sql.strip().rstrip(";").strip()


def split_statements(sql: str) -> list[str]:
    """Split on top-level ';' (quotes and comments respected); comment-only pieces are dropped."""
    pieces, start = [], 0
    for i, char in enumerate(sql):
        # complete_statement understands quoting, so a ';' inside a string literal never splits.
        if char == ";" and sqlite3.complete_statement(sql[start : i + 1]):
            pieces.append(sql[start : i + 1])
            start = i + 1
    pieces.append(sql[start:])
    return [p for p in pieces if _has_code(p)]


def _has_code(piece: str) -> bool:
    """True when the piece holds something besides whitespace, comments and semicolons."""
    rest = piece
    while (match := _LEADING_COMMENT.match(rest)) is not None:
        rest = rest[match.end() :]
    return bool(rest.strip().strip(";").strip())


class Sandbox:
    """A fresh in-memory database whose authorizer and deadline change per phase; or a user's SQLite file, opened
    read-only and immutable (SQLite neither writes nor locks it) and read-only from the start."""

    def __init__(self, database: str | None = None) -> None:
        if database is None:
            self.conn = sqlite3.connect(":memory:", isolation_level=None)
        else:
            self.conn = sqlite3.connect(sqlite_read_only_uri(database), uri=True, isolation_level=None)
        self.read_only = database is not None
        self.deadline = float("inf")
        self.timed_out = False
        self.denied: str | None = None
        self._harden()

    def _harden(self) -> None:
        """Install the authorizer, the progress handler and the limits."""
        if hasattr(self.conn, "enable_load_extension"):
            self.conn.enable_load_extension(False)
        if hasattr(self.conn, "setlimit"):  # Python >= 3.11
            self.conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
            self.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        # Sorts and temporary tables stay in memory, under the worker's memory limit, instead of spilling to disk.
        self.conn.execute("PRAGMA temp_store = MEMORY")
        self.conn.set_authorizer(self._authorize)
        self.conn.set_progress_handler(self._on_progress, _PROGRESS_STEPS)

    def _authorize(self, action: int, arg1, arg2, db_name, trigger) -> int:
        """Deny file access always, and anything but reading in the read-only phase."""
        reason = self._denial(action, arg1, arg2)
        if reason is None:
            return sqlite3.SQLITE_OK
        self.denied = self.denied or reason
        return sqlite3.SQLITE_DENY

    def _denial(self, action: int, arg1, arg2) -> str | None:
        """The forbidden thing this action would do, or None when it is allowed."""
        # VACUUM INTO also arrives here as ATTACH, so this one rule closes both file writers.
        if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
            return _ACTION_NAMES[action]
        if action == sqlite3.SQLITE_FUNCTION and str(arg2).lower() in _FORBIDDEN_FUNCTIONS:
            return str(arg2).lower()
        if self.read_only and action not in _READ_ACTIONS:
            if str(arg1).lower() in _SCHEMA_TABLES:
                return "schema change"
            return _ACTION_NAMES.get(action, f"action {action}")
        return None

    def _on_progress(self) -> int:
        """Non-zero aborts the running statement: that is how runaway queries end."""
        if time.monotonic() > self.deadline:
            self.timed_out = True
            return 1
        return 0

    def setup(self, context: str) -> None:
        """Run the schema/data script with writes allowed."""
        self.read_only, self.deadline = False, time.monotonic() + SETUP_TIMEOUT_S
        try:
            self.conn.executescript(context)
        except sqlite3.Error as exc:
            raise ValueError(f"context script failed: {self._reason(exc)}") from exc

    def query(self, sql: str, timeout_s: float) -> list[tuple]:
        """Run one read-only query within timeout_s; raises Rejected with the reason."""
        if len(split_statements(sql)) > 1:
            raise Rejected("forbidden: multiple statements")
        self.read_only, self.denied, self.timed_out = True, None, False
        self.deadline = time.monotonic() + timeout_s
        try:
            cursor = self.conn.execute(sql)
            rows = cursor.fetchall()
        except (sqlite3.Error, OverflowError) as exc:
            raise Rejected(self._reason(exc)) from exc
        # Empty text, comments or REINDEX run fine but yield no table to compare.
        if cursor.description is None:
            raise Rejected("parse error: not a query")
        return rows

    def columns(self, table: str, timeout_s: float) -> list[str]:
        """The column names of a table or view (read-only, as a query)."""
        self.read_only, self.denied, self.timed_out = True, None, False
        self.deadline = time.monotonic() + timeout_s
        quoted = '"' + table.replace('"', '""') + '"'
        try:
            return [column[0] for column in self.conn.execute(f"SELECT * FROM {quoted} LIMIT 0").description or ()]
        except (sqlite3.Error, OverflowError) as exc:
            raise Rejected(self._reason(exc)) from exc

    def _reason(self, exc: Exception) -> str:
        """A short reason for a failed statement: timeout, forbidden, parse or runtime error."""
        if self.timed_out:
            return "timeout"
        if self.denied is not None:
            return f"forbidden: {self.denied}"
        message = str(exc)
        if "out of memory" in message:
            return "memory limit"
        kind = "parse error" if any(m in message for m in SYNTAX_MARKERS) else "runtime error"
        return f"{kind}: {message}"

    def close(self) -> None:
        self.conn.close()


def run_query(context: str, sql: str, timeout_s: float = 2.0) -> list[tuple]:
    """The rows of one read-only query on a fresh database built from `context`, run in this process.

    For trusted SQL only (the demo's generator runs thousands of its own queries): a C function that ignores the
    progress handler, or a huge result, is bounded here only by the machine. Untrusted SQL goes through
    `bounded_database`. Raises ValueError when the context script fails, Rejected when the query does."""
    sandbox = Sandbox()
    try:
        sandbox.setup(context)
        return sandbox.query(strip_sql(sql), timeout_s)
    finally:
        sandbox.close()
