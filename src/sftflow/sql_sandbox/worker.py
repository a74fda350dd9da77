"""Untrusted SQL runs in a worker process with a hard memory limit, and is killed at its deadline.

The progress handler ends most runaway queries, but some SQL functions do all their work in one C call that
never reaches it (`printf('%.*c', 2e9, 'x')` runs for seconds), and a result set of many large values lives in
Python's memory, where no SQLite limit applies. So untrusted queries run in a separate, freshly started
interpreter whose address space is capped, and the parent kills it when a reply is late; the next request
starts a new one. The worker keeps the gold result and compares it with the prediction's there, so only a
verdict crosses back. One worker per process serves every caller in turn (start-up is paid once, not per row).
"""

from __future__ import annotations

import atexit
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from pathlib import Path

from sftflow.sql_sandbox.sandbox import SETUP_TIMEOUT_S, Rejected, Sandbox

# The worker's memory beyond its booted interpreter: a query or result set needing more is that query's error.
WORKER_MEMORY_BYTES = 256 * 2**20
# SQLite's own share of it, so a greedy query fails inside SQLite while Python can still send the reply.
_SQLITE_HEAP_BYTES = WORKER_MEMORY_BYTES // 2
# How long past a request's own budget the parent waits before killing the worker: the progress handler
# normally answers first, so this only catches C calls that never return to it.
KILL_GRACE_S = 0.5
# A fresh interpreter starts in well under a second; a loaded machine gets this long.
START_TIMEOUT_S = 30.0
_FLOAT_DECIMALS = 6
# -I: no user site, no PYTHON* variables, no current directory on the path (a stray sqlite3.py cannot shadow
# the real one); the folder holding this package goes last on the path, for source checkouts.
_BOOT = ("import sys; sys.path.append(sys.argv[2]); "
         "from sftflow.sql_sandbox.worker import serve; serve(int(sys.argv[1]))")


class Worker:
    """The parent's handle on one worker process, started on first use and again after each kill."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # one caller at a time: a database belongs to one session
        self._process: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self.starts = 0  # a database lives as long as the process that holds it

    def holds(self, start: int) -> bool:
        """Whether the process of that start is still the one running (its database still exists)."""
        return self._process is not None and self.starts == start

    def ask(self, request: tuple, budget_s: float):
        """Send one request and return its answer; a late, dead or out-of-memory worker is stopped -> Rejected."""
        try:
            self._send(request)
            kind, value = self._receive(budget_s + KILL_GRACE_S)
        except BaseException:
            self.stop()  # interrupted mid-request (Ctrl-C): the worker's state is unknown
            raise
        if kind == "memory":
            self.stop()  # a MemoryError may have left the interpreter short: start afresh
            raise Rejected(f"memory limit ({WORKER_MEMORY_BYTES >> 20} MiB)")
        if kind == "invalid":
            raise ValueError(value)
        if kind == "rejected":
            raise Rejected(value)
        return value

    def _send(self, request: tuple) -> None:
        """Send to a live worker: one that died while idle (killed from outside) is replaced, not blamed."""
        if self._process is None or self._process.poll() is not None:
            self.stop()
            self._start()
        try:
            self._conn.send(request)
        except OSError:  # it died between the check and the send
            self.stop()
            self._start()
            self._conn.send(request)

    def _receive(self, wait_s: float) -> tuple[str, object]:
        """The worker's reply, or (rejected, why) once it is killed for lateness or found dead."""
        try:
            if self._conn.poll(wait_s):
                return self._conn.recv()
        except (EOFError, OSError):
            code = self.stop()
            return "rejected", f"sandbox worker died (exit status {code}): memory limit or crash"
        self.stop()
        return "rejected", "timeout"

    def _start(self) -> None:
        """Start a fresh interpreter (never a fork: a parent that loaded torch has a huge address space)."""
        ours, theirs = Pipe()
        root = str(Path(__file__).resolve().parents[2])
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOT, str(theirs.fileno()), root],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self._conn = ours
        self.starts += 1
        try:
            if not ours.poll(START_TIMEOUT_S):
                raise Rejected(f"sandbox worker did not start within {START_TIMEOUT_S:.0f} s")
            ours.recv()  # "ready": its limits are in place
        except (EOFError, OSError) as exc:
            self.stop()
            raise Rejected("sandbox worker failed to start") from exc
        except Rejected:
            self.stop()
            raise

    def stop(self) -> int | None:
        """Kill the worker (if any) and return its exit status; the next request starts a new one."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is None:
            return None
        process.kill()
        conn.close()
        return process.wait()


class BoundedDatabase:
    """One fresh database in the worker: its queries run there, and only small answers come back."""

    def __init__(self, worker: Worker) -> None:
        self._worker, self._start = worker, worker.starts

    def keep(self, sql: str, timeout_s: float) -> int:
        """Run the reference (gold) query and keep its rows in the worker; returns how many there are."""
        return self._ask(("keep", sql, timeout_s), timeout_s)

    def compare(self, sql: str, timeout_s: float, ordered: bool) -> bool:
        """Whether the query returns the kept rows (as a list when `ordered`, else as a multiset)."""
        return self._ask(("compare", sql, timeout_s, ordered), timeout_s)

    def summary(self, sql: str, timeout_s: float) -> tuple[int, bool]:
        """(number of rows, whether any value is not NULL) of the query."""
        return self._ask(("summary", sql, timeout_s), timeout_s)

    def fingerprint(self, sql: str, timeout_s: float) -> tuple[int, bool, str]:
        """summary(), and a digest of the rows as a multiset (equal digests: the same rows, in any order)."""
        return self._ask(("fingerprint", sql, timeout_s), timeout_s)

    def schema(self, timeout_s: float) -> list[tuple[str, list[str]]]:
        """The database's tables and views with their columns, in name order."""
        return self._ask(("schema", timeout_s), timeout_s)

    def _ask(self, request: tuple, budget_s: float):
        if not self._worker.holds(self._start):
            raise Rejected("database lost: an earlier query of this session stopped the sandbox worker")
        return self._worker.ask(request, budget_s)


_WORKER = Worker()


@atexit.register
def _stop_worker() -> None:
    """It would end on its own once the pipe closes; stopping it here leaves no process behind at all."""
    _WORKER.stop()


@contextmanager
def bounded_database(context: str | None = None, database: str | None = None) -> Iterator[BoundedDatabase]:
    """A fresh database built from `context` in the worker, or the SQLite file `database` opened read-only and
    immutable there; this caller's alone until the block ends.

    Raises ValueError when the context script fails (or outlives SETUP_TIMEOUT_S) or the file cannot be opened;
    the queries raise Rejected.
    """
    worker = _WORKER
    with worker.lock:
        request = ("open", context) if database is None else ("open_file", str(database))
        try:
            worker.ask(request, SETUP_TIMEOUT_S)
        except Rejected as rejected:
            what = "context script" if database is None else f"database {database}"
            raise ValueError(f"{what} failed: {rejected}") from None
        yield BoundedDatabase(worker)


def _forget_worker_after_fork() -> None:
    """A forked child must not share the parent's pipe (nor a lock held by another thread): it starts its own."""
    global _WORKER
    _WORKER = Worker()


os.register_at_fork(after_in_child=_forget_worker_after_fork)


# ---------------------------------------------------------------- inside the worker process


def serve(fd: int) -> None:
    """The worker's loop: one request in, one small reply out, until the parent closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it then kills this process
    conn = Connection(fd)
    _limit_memory()
    conn.send(("ready", None))
    session = _Session()
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        conn.send(session.handle(request))


def _limit_memory() -> None:
    """Cap the address space at what the booted interpreter holds plus WORKER_MEMORY_BYTES, and SQLite's heap."""
    sqlite3.connect(":memory:").execute(f"PRAGMA hard_heap_limit = {_SQLITE_HEAP_BYTES}")
    try:
        import resource

        pages = int(Path("/proc/self/statm").read_text().split()[0])
        limit = pages * os.sysconf("SC_PAGE_SIZE") + WORKER_MEMORY_BYTES
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass  # no /proc or RLIMIT_AS (not Linux): SQLite's heap limit and the parent's deadline still hold


class _Session:
    """The worker's state: the current database and the rows of its reference query."""

    def __init__(self) -> None:
        self.sandbox: Sandbox | None = None
        self.kept: list[tuple] = []

    def handle(self, request: tuple) -> tuple[str, object]:
        operation, *args = request
        run = {"open": self.open, "open_file": self.open_file, "keep": self.keep, "compare": self.compare,
               "summary": self.summary, "fingerprint": self.fingerprint, "schema": self.schema}[operation]
        try:
            return "ok", run(*args)
        except Rejected as rejected:
            return "rejected", str(rejected)
        except ValueError as invalid:  # the context script failed
            return "invalid", str(invalid)
        except MemoryError:
            self.sandbox, self.kept = None, []
            return "memory", None
        except Exception as exc:  # noqa: BLE001 - whatever a query does, the worker answers and lives on
            return "rejected", f"runtime error: {type(exc).__name__}: {exc}"

    def open(self, context: str) -> None:
        if self.sandbox is not None:
            self.sandbox.close()
        self.sandbox, self.kept = Sandbox(), []
        self.sandbox.setup(context)

    def open_file(self, database: str) -> None:
        if self.sandbox is not None:
            self.sandbox.close()
        self.kept = []
        try:
            self.sandbox = Sandbox(database)
            self.sandbox.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a SQLite file at all?
        except sqlite3.Error as e:
            raise ValueError(f"cannot open the database {database} read-only: {e}") from None

    def keep(self, sql: str, timeout_s: float) -> int:
        self.kept = self.sandbox.query(sql, timeout_s)
        return len(self.kept)

    def compare(self, sql: str, timeout_s: float, ordered: bool) -> bool:
        return same_results(self.kept, self.sandbox.query(sql, timeout_s), ordered)

    def summary(self, sql: str, timeout_s: float) -> tuple[int, bool]:
        rows = self.sandbox.query(sql, timeout_s)
        return len(rows), any(value is not None for row in rows for value in row)

    def fingerprint(self, sql: str, timeout_s: float) -> tuple[int, bool, str]:
        rows = self.sandbox.query(sql, timeout_s)
        normalized = sorted(repr(tuple(_normalize_value(v) for v in row)) for row in rows)
        digest = hashlib.sha256("\n".join(normalized).encode()).hexdigest()[:16]
        return len(rows), any(value is not None for row in rows for value in row), digest


    def schema(self, timeout_s: float) -> list[tuple[str, list[str]]]:
        names = self.sandbox.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT "
                                   "LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", timeout_s)
        return [(name, self.sandbox.columns(name, timeout_s)) for (name,) in names]


def _normalize_value(value):
    """Floats within 1e-6 compare equal, and 3 == 3.0 already holds for ints vs floats."""
    return round(value, _FLOAT_DECIMALS) if isinstance(value, float) else value


def same_results(gold: list[tuple], pred: list[tuple], ordered: bool) -> bool:
    """Row-tuple comparison: a list when order matters, else a multiset (mixed types can't sort)."""
    gold_rows = [tuple(_normalize_value(v) for v in row) for row in gold]
    pred_rows = [tuple(_normalize_value(v) for v in row) for row in pred]
    if ordered:
        return gold_rows == pred_rows
    return Counter(gold_rows) == Counter(pred_rows)
