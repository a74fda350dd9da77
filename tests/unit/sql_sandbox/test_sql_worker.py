"""The sandbox's worker process: its memory limit, its deadline kill, its restart, and one caller at a time."""

import threading

import psutil
import pytest

from sftflow.sql_sandbox import WORKER_MEMORY_BYTES, Rejected, bounded_database

CONTEXT = "CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2), (3);"
PRINTF = "SELECT printf('%.*c', 2e9, 'x')"  # one C call, seconds long, that never reaches the progress handler


def worker_processes() -> list[psutil.Process]:
    return [child for child in psutil.Process().children()
            if "sftflow.sql_sandbox.worker" in " ".join(child.cmdline())]


def test_the_worker_runs_under_an_address_space_limit():
    with bounded_database(CONTEXT) as database:
        assert database.keep("SELECT a FROM t", 1.0) == 3
        [worker] = worker_processes()
        soft, hard = worker.rlimit(psutil.RLIMIT_AS)
    assert soft == hard and WORKER_MEMORY_BYTES < soft < WORKER_MEMORY_BYTES + 2**30  # booted size + the budget


def test_a_late_worker_is_killed_and_the_next_session_gets_a_fresh_one():
    with bounded_database(CONTEXT) as database:
        database.keep("SELECT a FROM t", 1.0)
        [before] = worker_processes()
        with pytest.raises(Rejected, match="^timeout$"):
            database.summary(PRINTF, 0.2)
        # the database died with its process: the session says so instead of answering from a new, empty one
        with pytest.raises(Rejected, match="database lost"):
            database.compare("SELECT a FROM t", 1.0, ordered=False)
    assert not before.is_running()
    with bounded_database(CONTEXT) as database:
        database.keep("SELECT a FROM t", 1.0)
        assert database.compare("SELECT 3 UNION ALL SELECT 2 UNION ALL SELECT 1", 1.0, ordered=False)
        assert not database.compare("SELECT 3 UNION ALL SELECT 2 UNION ALL SELECT 1", 1.0, ordered=True)


def test_a_worker_killed_while_idle_is_replaced_without_blaming_the_next_query():
    with bounded_database(CONTEXT) as database:
        database.keep("SELECT a FROM t", 1.0)
    [worker] = worker_processes()
    worker.kill()
    worker.wait(5)
    with bounded_database(CONTEXT) as database:
        assert database.summary("SELECT a FROM t WHERE a > 1", 1.0) == (2, True)


def test_a_context_script_that_fails_is_a_value_error():
    with pytest.raises(ValueError, match="context script failed"), bounded_database("CREATE TABL t (a);"):
        pass


def test_threads_take_turns_and_each_sees_only_its_own_database():
    answers, failures = {}, []

    def check(n: int) -> None:
        try:
            for _ in range(5):
                with bounded_database(f"CREATE TABLE t (a); INSERT INTO t VALUES ({n});") as database:
                    database.keep(f"SELECT {n}", 1.0)
                    answers[n] = database.compare("SELECT a FROM t", 1.0, ordered=False)
        except Exception as exc:  # noqa: BLE001 - reported below, from the main thread
            failures.append(exc)

    threads = [threading.Thread(target=check, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and answers == {n: True for n in range(4)}
