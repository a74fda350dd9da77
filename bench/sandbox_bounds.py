"""Time and peak memory of the sandboxes' bounds: SQL predictions that defeat SQLite's own limits, prompt
templates that would run for minutes or build gigabytes, and what the template bounds cost per row.

    .venv/bin/python bench/sandbox_bounds.py [--out bench/results/sandbox_bounds_cpu.txt]

SQL: each probe is one example scored by execution_accuracy (the eval's path) with the default 2 s budget,
on a worker already started (an eval pays its start once). Memory is the largest sum of the RSS of this
process and its children (the worker), sampled every 5 ms by psutil.
Templates: each probe renders one row through PromptTemplates; rows/s compares the demo's 600 generated
training rows rendered by the old path (plain ImmutableSandboxedEnvironment.render, rebuilt here) and by the
bounded one, interleaved, best of several rounds.
"""

import argparse
import os
import threading
import time
from pathlib import Path

import psutil

BUDGET_S = 2.0
CONTEXT = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t VALUES (1, 'ann'), (2, 'bob');"
PRINTF = "printf('%.*c', 2e9, 'x')"
ROWS_300 = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 300)"
SQL_PROBES = {
    "printf 2e9 (one C call)": f"SELECT {PRINTF}",
    "printf 2e9 x3 in one query": f"SELECT {PRINTF}, {PRINTF}, {PRINTF}",
    "300 x 9 MB zeroblob rows": f"{ROWS_300} SELECT zeroblob(9000000) FROM c",
    "300 x 9 MB randomblob rows": f"{ROWS_300} SELECT randomblob(9000000) FROM c",
    "50 nested parentheses": "SELECT " + "(" * 50 + "name" + ")" * 50 + " FROM t",
    "a plain query (reference)": "SELECT name FROM t",
}
TEMPLATE_PROBES = {
    "nested range loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "9**(9**9)": "{{ 9**(9**9) }}",
    "'a'*10**9": "{{ 'a'*10**9 }}",
    "'x'|center(10**9)": "{{ 'x'|center(10**9) }}",
    "~ doubling in a loop": "{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
                            "{% endfor %}{{ ns.s|length }}",
    "output loop (10**10 chars)": "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    "{% include %}": "{% include 'other.jinja' %}",
}


class PeakMemory:
    """The largest RSS of this process plus its children, sampled every 5 ms while the block runs."""

    def __enter__(self):
        self.before = self.peak = self._sample()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._sample())

    @staticmethod
    def _sample() -> int:
        me, total = psutil.Process(), 0
        for process in [me, *me.children(recursive=True)]:
            try:
                total += process.memory_info().rss
            except psutil.Error:
                pass  # the worker was just killed
        return total

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def mib(n: int) -> str:
    return f"{n / 2**20:6.0f} MiB"


def sql_probes(lines: list[str]) -> None:
    from sftflow.metrics.sql import execution_accuracy
    from sftflow.sql_sandbox import WORKER_MEMORY_BYTES

    row = {"sql_context": CONTEXT, "sql": "SELECT name FROM t"}
    start = time.perf_counter()
    execution_accuracy([row], ["SELECT 1"], timeout_s=BUDGET_S)
    lines.append(f"worker start + first example: {time.perf_counter() - start:.2f} s; worker memory limit: "
                 f"booted size + {WORKER_MEMORY_BYTES >> 20} MiB (RLIMIT_AS)")
    lines.append(f"this process before the probes: {mib(psutil.Process().memory_info().rss)}")
    lines.append(f"{'probe':30} {'seconds':>8} {'x budget':>9} {'peak RSS (parent+worker)':>25}  recorded error")
    for name, prediction in SQL_PROBES.items():
        with PeakMemory() as memory:
            start = time.perf_counter()
            score = execution_accuracy([row], [prediction], timeout_s=BUDGET_S)["scores"][0]
            seconds = time.perf_counter() - start
        outcome = score.error or ("correct" if score.correct else "wrong result")
        lines.append(f"{name:30} {seconds:8.2f} {seconds / BUDGET_S:9.2f} {mib(memory.peak):>25}  {outcome}")
    rows = [row] * (len(SQL_PROBES) + 1)
    report = execution_accuracy(rows, [*SQL_PROBES.values(), "SELECT name FROM t"], timeout_s=BUDGET_S)
    lines.append(f"all probes and one more plain query in one eval: {[s.correct for s in report['scores']]}")
    start = time.perf_counter()
    execution_accuracy([row] * 200, ["SELECT name FROM t ORDER BY id DESC"] * 200, timeout_s=BUDGET_S)
    lines.append(f"200 plain examples on the warm worker: {200 / (time.perf_counter() - start):.0f} examples/s")


def old_render(templates: dict, row: dict, roles) -> list[dict]:
    """What PromptTemplates.render did before the bounds: a plain sandboxed render per role."""
    messages = []
    for role in roles:
        content = templates[role].render(**row, row=row).strip()
        if role == "system" and not content:
            continue
        messages.append({"role": role, "content": content})
    return messages


def template_speed(lines: list[str], rounds: int = 7) -> None:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from sftflow.data.templates import FILTERS, PromptTemplates
    from sftflow.demo.sql_data import generate_rows
    from sftflow.paths import examples_dir

    rows = generate_rows(600, seed=0)
    folder = examples_dir() / "text_to_sql" / "prompts"
    sources = {r: (folder / f"{r}.jinja").read_text() for r in ("system", "user", "assistant")}
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters.update(FILTERS)
    old = {role: env.from_string(text) for role, text in sources.items()}
    new = PromptTemplates(sources, str(folder))
    for roles in (("system", "user", "assistant"), ("system", "user")):
        best = {"before": 0.0, "after": 0.0}
        for _ in range(rounds):
            start = time.perf_counter()
            for row in rows:
                old_render(old, row, roles)
            best["before"] = max(best["before"], len(rows) / (time.perf_counter() - start))
            start = time.perf_counter()
            for index, row in enumerate(rows):
                new.render(row, index, roles)
            best["after"] = max(best["after"], len(rows) / (time.perf_counter() - start))
        per_row_us = (1 / best["after"] - 1 / best["before"]) * 1e6
        lines.append(f"roles {'+'.join(roles):24} before {best['before']:8.0f} rows/s   after {best['after']:8.0f} "
                     f"rows/s   ({best['after'] / best['before'] - 1:+.1%}, {per_row_us:+.1f} us per row)")


def template_probes(lines: list[str]) -> None:
    from sftflow.data.template_bounds import MAX_MESSAGE_CHARS, RENDER_MEMORY_BYTES, RENDER_TIMEOUT_S
    from sftflow.data.templates import PromptTemplates
    from sftflow.errors import UserError

    lines.append(f"limits per row: {RENDER_TIMEOUT_S:g} s, {RENDER_MEMORY_BYTES >> 20} MiB of growth; "
                 f"{MAX_MESSAGE_CHARS:,} characters per message")
    for name, text in TEMPLATE_PROBES.items():
        with PeakMemory() as memory:
            start = time.perf_counter()
            try:
                PromptTemplates({"user": text}, "bench").render({}, 0, roles=("user",))
                outcome = "rendered"
            except UserError as error:
                outcome = str(error).split(": ", 1)[1]
            seconds = time.perf_counter() - start
        lines.append(f"{name:28} {seconds:6.2f} s  RSS before {mib(memory.before)}, peak {mib(memory.peak)}  "
                     f"{outcome[:100]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args()
    lines = [f"machine: {os.cpu_count()} CPU cores; load average before: "
             f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", "", "SQL predictions, budget 2 s each:"]
    sql_probes(lines)
    lines += ["", "prompt templates, one row each:"]
    template_probes(lines)
    lines += ["", "template render speed on the demo's 600 training rows:"]
    template_speed(lines)
    lines += ["", f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"]
    print("\n".join(lines))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a") as handle:
            handle.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
