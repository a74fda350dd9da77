"""Synthesis and judging against a real OpenAI-format stub server on 127.0.0.1 (no network)."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from types import SimpleNamespace

import pytest

from sftflow.data.openai_client import EndpointError, chat, with_retries
from sftflow.data.synth import (
    judge,
    parse_json_object,
    rejected_path,
    sql_validator,
    synthesize,
)
from sftflow.errors import UserError

PROMPT = "Write a new example like seed={{ n }}."
BAD_SEED = 7  # the stub answers this one with SQL that fails, to exercise validation


class Stub:
    """What the server does: fail the first request of every third seed, sleep, or answer a fixed status."""

    def __init__(self):
        self.lock = threading.Lock()
        self.per_seed = Counter()
        self.total = 0
        self.sleep = 0.0
        self.force_status = None

    def answer(self, user: str) -> tuple[int, str]:
        with self.lock:
            self.total += 1
            if self.force_status:
                return self.force_status, '{"error": {"message": "forced"}}'
            if "score=" in user:
                return 200, _judge_answer(user)
            seed = int(re.search(r"seed=(\d+)", user).group(1))
            self.per_seed[seed] += 1
            first = self.per_seed[seed] == 1
        if seed % 3 == 0 and first:
            return 500, "overloaded"
        time.sleep(self.sleep)
        return 200, _synth_answer(seed)


def _synth_answer(seed: int) -> str:
    sql = "SELECT b FROM missing_table" if seed == BAD_SEED else "SELECT a FROM t"
    row = {"sql_prompt": f"What is a? ({seed})",
           "sql_context": f"CREATE TABLE t (a INT); INSERT INTO t VALUES ({seed});", "sql": sql}
    return f"Here is the example:\n```json\n{json.dumps(row)}\n```\nHope it helps {{not json}}."


def _judge_answer(user: str) -> str:
    score = re.search(r"score=(\S+)", user).group(1)
    return "I cannot tell." if score == "none" else f"Score: {score} out of 10"


@pytest.fixture
def server(openai_stub):
    stub = Stub()
    return SimpleNamespace(stub=stub, base_url=openai_stub(lambda body: stub.answer(body["messages"][-1]["content"])))


def _records(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _pairs(records) -> list[tuple[int, int]]:
    return [(r["_seed"], r["_k"]) for r in records]


def _run(seeds, out, server, **kwargs):
    return synthesize(seeds, PROMPT, out, base_url=server.base_url, model="stub", validate=sql_validator,
                      retry_delay=0.01, **kwargs)


def test_all_seeds_processed_with_retries_and_validation(tmp_path, server):
    seeds = [{"n": i} for i in range(10)]
    out = tmp_path / "synth.jsonl"
    report = _run(seeds, out, server, n_per_seed=2, concurrency=4)

    kept, rejected = _records(out), _records(rejected_path(out))
    assert report["requested"] == 20 and report["errors"] == 0 and report["skipped_existing"] == 0
    assert report["kept"] + report["rejected"] == report["requested"]
    assert len(kept) == report["kept"] == 18 and len(rejected) == report["rejected"] == 2
    pairs = _pairs(kept) + _pairs(rejected)
    assert sorted(pairs) == sorted(set(pairs)) == [(s, k) for s in range(10) for k in range(2)]
    assert {r["_seed"] for r in rejected} == {BAD_SEED}
    assert all("query failed" in r["reason"] for r in rejected)
    for seed in (0, 3, 6, 9):  # their first request got a 500, the retry succeeded
        assert server.stub.per_seed[seed] >= 2 and (seed, 0) in _pairs(kept)
    assert kept[0]["sql"] == "SELECT a FROM t" and set(kept[0]) == {"sql_prompt", "sql_context", "sql", "_seed", "_k"}

    again = _run(seeds, out, server, n_per_seed=2)  # a finished run resumes to a no-op
    assert again["skipped_existing"] == 20 and again["kept"] == again["rejected"] == 0
    assert len(_records(out)) == 18


_CHILD = """
import sys
from sftflow.data.synth import synthesize, sql_validator
seeds = [{"n": i} for i in range(30)]
synthesize(seeds, sys.argv[1], sys.argv[2], base_url=sys.argv[3], model="stub", concurrency=2,
           validate=sql_validator, retry_delay=0.01)
"""


def test_kill_and_resume_loses_and_duplicates_nothing(tmp_path, server):
    server.stub.sleep = 0.2
    out = tmp_path / "synth.jsonl"
    child = subprocess.Popen([sys.executable, "-c", _CHILD, PROMPT, str(out), server.base_url])
    try:
        _wait_for_lines(out, 8, child)
        assert child.poll() is None, "the child finished before it could be killed; the test proves nothing"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()

    before = _complete_prefix(out.read_bytes())
    before_rejected = _complete_prefix(rejected_path(out).read_bytes()) if rejected_path(out).exists() else b""
    done_before = _pairs(json.loads(line) for line in (before + before_rejected).splitlines())
    requests_before = Counter(server.stub.per_seed)
    with open(out, "ab") as handle:  # a torn write: half a line, no newline
        handle.write(b'{"sql_prompt": "half a ro')

    report = _run([{"n": i} for i in range(30)], out, server, concurrency=4)

    data = out.read_bytes()
    assert data.startswith(before) and data.endswith(b"\n")
    assert rejected_path(out).read_bytes().startswith(before_rejected)
    pairs = _pairs(_records(out)) + _pairs(_records(rejected_path(out)))
    assert sorted(pairs) == sorted(set(pairs)) == [(s, 0) for s in range(30)]
    assert {r["_seed"] for r in _records(rejected_path(out))} == {BAD_SEED}
    assert report["skipped_existing"] == len(done_before) >= 8 and report["errors"] == 0
    assert report["kept"] + report["rejected"] + report["skipped_existing"] == 30
    for seed, _ in done_before:  # finished before the kill: never asked again
        assert server.stub.per_seed[seed] == requests_before[seed]


def _wait_for_lines(path, count, child, deadline_s=60):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        assert child.poll() is None, f"the child exited early with status {child.returncode}"
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} lines in {path} after {deadline_s} s")


def _complete_prefix(data: bytes) -> bytes:
    return data[:data.rfind(b"\n") + 1]


def test_client_error_is_not_retried_and_is_reported(tmp_path, server):
    server.stub.force_status = 400
    seeds = [{"n": i} for i in range(5)]
    out = tmp_path / "synth.jsonl"
    report = _run(seeds, out, server, attempts=4)

    assert server.stub.total == 5  # one request per pair: 4xx is never retried
    assert report["errors"] == 5 and report["kept"] == report["rejected"] == 0
    detail = report["error_details"][0]
    assert detail["status"] == 400 and detail["retryable"] is False and "HTTP 400" in detail["error"]
    assert _records(out) == []  # failed pairs are not recorded, so the next run does them

    server.stub.force_status = None
    report = _run(seeds, out, server)
    assert report["kept"] == 5 and report["skipped_existing"] == 0 and len(_records(out)) == 5


def test_server_errors_are_retried_then_reported(tmp_path, server):
    server.stub.force_status = 503
    with pytest.raises(EndpointError) as caught:
        with_retries(lambda: chat(server.base_url, [{"role": "user", "content": "seed=1"}], "stub"),
                     attempts=3, base_delay=0.001)
    assert caught.value.retryable and caught.value.status == 503 and server.stub.total == 3
    assert isinstance(caught.value, UserError)


def test_unreachable_endpoint_is_retryable():
    with pytest.raises(EndpointError) as caught:
        chat("http://127.0.0.1:9", [{"role": "user", "content": "hi"}], "stub", timeout=2)
    assert caught.value.retryable


def test_with_retries_backs_off_only_on_retryable_errors():
    delays, calls = [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise EndpointError("busy", retryable=True)
        return "ok"

    assert with_retries(flaky, attempts=4, base_delay=1.0, sleep=delays.append) == "ok"
    assert len(delays) == 2 and 0.5 <= delays[0] <= 1.5 and 1.0 <= delays[1] <= 3.0

    def fatal():
        calls.append(1)
        raise EndpointError("bad key", retryable=False)

    calls.clear()
    with pytest.raises(EndpointError):
        with_retries(fatal, attempts=4, sleep=delays.append)
    assert len(calls) == 1


def test_judge_keeps_rows_at_or_above_threshold(server):
    rows = [{"score": "9"}, {"score": "3"}, {"score": "none"}, {"score": "7"}, {"score": "6.5"}]
    kept, report = judge(rows, "Rate this. score={{ score }}", server.base_url, "stub", threshold=7,
                         concurrency=3, retry_delay=0.01)
    assert kept == [{"score": "9"}, {"score": "7"}]
    assert report["kept"] == 2 and report["errors"] == 0 and report["scores"] == [9.0, 3.0, None, 7.0, 6.5]
    reasons = {r["index"]: r["reason"] for r in report["rejected"]}
    assert reasons == {1: "score 3 < threshold 7", 2: "no score", 4: "score 6.5 < threshold 7"}


def test_parse_json_object_finds_first_object_in_prose():
    assert parse_json_object('Sure! {not json} then ```json\n{"a": {"b": 1}}\n``` and {"c": 2}') == {"a": {"b": 1}}
    assert parse_json_object("no object here [1, 2]") is None


def test_foreign_output_file_is_refused(tmp_path, server):
    out = tmp_path / "synth.jsonl"
    out.write_text('{"something": "else"}\n')
    with pytest.raises(UserError, match="not a synthesis record"):
        _run([{"n": 1}], out, server)
    assert out.read_text() == '{"something": "else"}\n'
