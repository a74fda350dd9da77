"""Synthetic data from an OpenAI-compatible endpoint, and an LLM-as-judge filter.

`synthesize` renders each seed row with a prompt template, asks the model for a new row, parses
and validates it, and appends it to a jsonl file the moment it is finished. Runs are long and
endpoints flaky, so the output doubles as a journal: every finished attempt (kept, or rejected
into the `.rejected.jsonl` sidecar) carries `_seed` and `_k`, and a restart skips the pairs
already there. A crash or Ctrl-C therefore loses only requests still in flight, and a restart
neither loses nor duplicates rows. One process per output file: two writers would both redo
the same pending pairs.
"""

import json
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from sftflow.data.openai_client import EndpointError, chat, with_retries
from sftflow.data.templates import PromptTemplates
from sftflow.errors import UserError

MAX_ERROR_DETAILS = 20


def parse_json_object(text: str) -> dict | None:
    """The first JSON object in the text: models wrap it in prose or ``` fences more often than not."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def sql_validator(row: dict) -> str | None:
    """Reject rows whose query fails on their own context or returns nothing (see curate.filters.sql_problem)."""
    # imported here: the SQL sandbox is not needed merely to import this module
    from sftflow.data.curate.filters import sql_problem

    return sql_problem(row.get("sql_context"), row.get("sql"))


class _Journal:
    """Append-only jsonl file of finished records; each append is one line, flushed and fsynced."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.lock = threading.Lock()

    def recover(self) -> set[tuple[int, int]]:
        """Cut a torn last line (a write killed midway), then the (seed, k) pairs already recorded."""
        if not self.path.exists():
            return set()
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            with open(self.path, "r+b") as handle:
                handle.truncate(end)
                handle.flush()
                os.fsync(handle.fileno())
        return {self._key(line, number) for number, line in enumerate(data[:end].splitlines(), 1) if line.strip()}

    def _key(self, line: bytes, number: int) -> tuple[int, int]:
        try:
            record = json.loads(line)
            return int(record["_seed"]), int(record["_k"])
        except (ValueError, KeyError, TypeError) as e:
            # a complete line is always one we wrote whole; anything else is a foreign file we must not append to
            raise UserError(f"line {number} is not a synthesis record with _seed and _k", str(self.path)) from e

    def append(self, record: dict) -> None:
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        # opened per record: nothing is left buffered or open if the process dies between records
        with self.lock, open(self.path, "ab") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


def rejected_path(out_path: Path) -> Path:
    return Path(out_path).with_suffix(".rejected.jsonl")


def synthesize(seed_rows: list[dict], prompt_template: str, out_path: Path, *, base_url: str, model: str,
               api_key: str | None = None, n_per_seed: int = 1, concurrency: int = 4, attempts: int = 4,
               validate: Callable[[dict], str | None] | None = None,
               parse: Callable[[str], dict | None] = parse_json_object, max_tokens: int = 512,
               temperature: float = 0.7, timeout: float = 60, retry_delay: float = 0.5) -> dict:
    """Generate n_per_seed rows per seed row into out_path (jsonl), resuming what an earlier run finished.

    Returns {requested, kept, rejected, skipped_existing, errors, error_details}; kept and rejected
    count this run only, and pairs that failed at the endpoint (errors) are left for the next run.
    """
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    kept_log, rejected_log = _Journal(out_path), _Journal(rejected_path(out_path))
    done = kept_log.recover() | rejected_log.recover()
    prompts = _render_prompts(seed_rows, prompt_template)  # template errors surface before any request
    pairs = [(seed, k) for seed in range(len(seed_rows)) for k in range(n_per_seed)]
    pending = [pair for pair in pairs if pair not in done]
    report = {"requested": len(pairs), "kept": 0, "rejected": 0, "skipped_existing": len(pairs) - len(pending),
              "errors": 0, "error_details": []}

    def ask(seed: int, k: int) -> str:
        def call():
            return chat(base_url, prompts[seed], model, api_key, max_tokens, temperature, timeout)

        return with_retries(call, attempts, retry_delay, seed=seed * max(n_per_seed, 1) + k)

    def work(seed: int, k: int) -> str:
        answer = ask(seed, k)
        row, reason = _row_from_answer(answer, parse, validate)
        if reason is None:
            kept_log.append({**row, "_seed": seed, "_k": k})
            return "kept"
        rejected_log.append({"_seed": seed, "_k": k, "reason": reason, "answer": answer})
        return "rejected"

    _run_pool(pending, work, concurrency, report)
    return report


def _render_prompts(seed_rows: list[dict], prompt_template: str) -> list[list[dict]]:
    templates = PromptTemplates({"user": prompt_template}, "synthesis prompt template")
    return [templates.render(row, index, roles=("user",)) for index, row in enumerate(seed_rows)]


def _row_from_answer(answer: str, parse, validate) -> tuple[dict | None, str | None]:
    """(row, None) to keep, or (None, reason); the model's output is untrusted, so validators may fail on it."""
    row = parse(answer)
    if not isinstance(row, dict):
        return None, "answer has no parsable row"
    if validate is None:
        return row, None
    try:
        reason = validate(row)
    except Exception as e:  # noqa: BLE001 - e.g. a KeyError when the model left a field out
        reason = f"validator failed: {type(e).__name__}: {e}"
    return (row, None) if reason is None else (None, reason)


def _run_pool(pairs: list[tuple[int, int]], work, concurrency: int, report: dict) -> None:
    """Run work(seed, k) with bounded concurrency, tallying outcomes; endpoint failures are counted, not raised."""
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency))
    try:
        futures = {pool.submit(work, seed, k): (seed, k) for seed, k in pairs}
        for future in as_completed(futures):
            try:
                report[future.result()] += 1
            except EndpointError as e:
                _record_error(report, futures[future], e)
    finally:
        # on Ctrl-C, drop queued requests at once; requests in flight still write their rows when they finish
        pool.shutdown(wait=False, cancel_futures=True)


def _record_error(report: dict, pair: tuple[int, int], error: EndpointError) -> None:
    report["errors"] += 1
    if len(report["error_details"]) < MAX_ERROR_DETAILS:
        report["error_details"].append({"seed": pair[0], "k": pair[1], "error": str(error),
                                        "retryable": error.retryable, "status": error.status})


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def extract_score(answer: str) -> float | None:
    match = _NUMBER.search(answer)
    return float(match.group()) if match else None


def judge(rows: list[dict], template: str, base_url: str, model: str, threshold: float, *,
          api_key: str | None = None, concurrency: int = 4, attempts: int = 4, max_tokens: int = 16,
          temperature: float = 0.0, timeout: float = 60, retry_delay: float = 0.5) -> tuple[list[dict], dict]:
    """LLM-as-judge: keep rows whose score (the first number in the model's answer) is >= threshold.

    Kept rows come back in input order. Rows the endpoint could not score are not kept and are
    counted in `errors`, apart from `rejected`, since they say nothing about the row's quality.
    """
    templates = PromptTemplates({"user": template}, "judge prompt template")
    prompts = [templates.render(row, index, roles=("user",)) for index, row in enumerate(rows)]
    answered = [False] * len(rows)
    scores: list[float | None] = [None] * len(rows)

    def work(index: int, _k: int) -> str:
        def call():
            return chat(base_url, prompts[index], model, api_key, max_tokens, temperature, timeout)

        scores[index] = extract_score(with_retries(call, attempts, retry_delay, seed=index))
        answered[index] = True  # each worker writes only its own slots: no lock needed
        return "kept" if scores[index] is not None and scores[index] >= threshold else "rejected"

    tally = {"kept": 0, "rejected": 0, "errors": 0, "error_details": []}
    _run_pool([(index, 0) for index in range(len(rows))], work, concurrency, tally)
    return _judge_result(rows, scores, answered, threshold, tally)


def _judge_result(rows, scores, answered, threshold, tally) -> tuple[list[dict], dict]:
    kept_rows, rejected = [], []
    for index, (row, score) in enumerate(zip(rows, scores)):
        if not answered[index]:
            continue  # an endpoint error, already in tally["error_details"]
        if score is not None and score >= threshold:
            kept_rows.append(row)
        else:
            reason = "no score" if score is None else f"score {score:g} < threshold {threshold:g}"
            rejected.append({"index": index, "score": score, "reason": reason})
    report = {"judged": len(rows), "kept": len(kept_rows), "rejected": rejected, "scores": scores,
              "errors": tally["errors"],
              "error_details": [{"index": d["seed"], **{k: v for k, v in d.items() if k not in ("seed", "k")}}
                                for d in tally["error_details"]]}
    return kept_rows, report
