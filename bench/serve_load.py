"""Throughput and latency of `sftflow serve` on CPU under concurrent chat requests: vLLM's CPU build against the
transformers fallback, in one run, on the same machine and prompts.

    .venv/bin/python bench/serve_load.py [--model PATH] [--concurrency 1 4 16 64] [--rounds 1] [--max-tokens 64]
                                         [--engines transformers vllm] [--out bench/results/serve_load_cpu.txt]

For each engine, starts the server on a free loopback port (default model: the demo's SmolLM2-135M-Instruct);
then for each concurrency N, `--rounds` times: N threads send one chat request each at the same moment and all
answers are awaited. Prompts are generated text-to-SQL rows rendered as the demo's conversation (system + user),
answers greedy. Every request is accounted for: ok or error, none dropped. Peak RSS is the server's whole
process tree (vLLM's engine processes included), sampled every 0.2 s.
"""

import argparse
import datetime
import json
import os
import statistics
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from sftflow.demo.run import demo_model, prompt_templates
from sftflow.demo.sql_data import generate_rows
from sftflow.serve.launch import free_port, start_server


def demo_conversations(n: int) -> list[list[dict]]:
    templates = prompt_templates()
    return [templates.render(row, i, ("system", "user")) for i, row in enumerate(generate_rows(n, seed=321))]


def send(server, messages: list[dict], max_tokens: int) -> dict:
    """One chat request: ok, latency (s), completion tokens, error text."""
    body = {"model": server.name, "messages": messages, "max_tokens": max_tokens, "temperature": 0}
    request = urllib.request.Request(server.base_url + "/chat/completions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=900) as response:
            tokens = json.loads(response.read())["usage"]["completion_tokens"]
        return {"ok": True, "latency": time.perf_counter() - start, "tokens": tokens, "error": ""}
    except (OSError, ValueError, KeyError) as e:  # HTTP errors, refused/reset connections, timeouts, bad JSON
        return {"ok": False, "latency": time.perf_counter() - start, "tokens": 0, "error": str(e)[:200]}


def load_level(server, conversations: list, n: int, rounds: int, max_tokens: int) -> dict:
    results = []
    start = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        for r in range(rounds):
            batch = [conversations[(r * n + i) % len(conversations)] for i in range(n)]
            results += list(pool.map(lambda messages: send(server, messages, max_tokens), batch))
    wall = time.perf_counter() - start
    latencies = sorted(r["latency"] for r in results if r["ok"])
    ok = len(latencies)
    assert len(results) == n * rounds  # every request sent came back as ok or error
    return {"n": n, "requests": len(results), "ok": ok, "errors": len(results) - ok, "rps": ok / wall,
            "median": statistics.median(latencies) if latencies else float("nan"),
            "p95": latencies[min(ok - 1, int(0.95 * ok))] if latencies else float("nan"),
            "tokens_s": sum(r["tokens"] for r in results) / wall,
            "first_error": next((r["error"] for r in results if not r["ok"]), "")}


class PeakRss:
    """The largest RSS of a process and its children, sampled in a thread while the block runs."""

    def __init__(self, pid: int):
        self.process, self.peak, self.done = psutil.Process(pid), 0, threading.Event()

    def __enter__(self):
        threading.Thread(target=self.sample, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.done.set()

    def sample(self):
        while not self.done.wait(0.2):
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass


def run_engine(engine: str, model: str, conversations, args) -> list[dict]:
    rows = []
    started = time.perf_counter()
    with start_server(model, port=free_port(), backend=engine, where="bench", ready_timeout=900) as server:
        startup = time.perf_counter() - started
        print(f"{engine}: ready after {startup:.0f} s", flush=True)
        for n in args.concurrency:
            with PeakRss(server.process.pid) as rss:
                row = load_level(server, conversations, n, args.rounds, args.max_tokens)
            rows.append({**row, "engine": engine, "peak_rss_gib": rss.peak / 2 ** 30, "startup_s": startup})
            print(format_row(rows[-1]), flush=True)
    return rows


def format_row(row: dict) -> str:
    line = (f"{row['engine']:<13}{row['n']:>3} {row['requests']:>8} {row['ok']:>4} {row['errors']:>6} "
            f"{row['rps']:>7.3f} {row['median']:>9.2f} {row['p95']:>7.2f} {row['tokens_s']:>9.1f} "
            f"{row['peak_rss_gib']:>9.2f}")
    return line + (f"\n    first error: {row['first_error']}" if row["first_error"] else "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="model folder, run directory or Hub id (default: the demo model)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--engines", nargs="+", default=["transformers", "vllm"], choices=["transformers", "vllm"])
    parser.add_argument("--out", default="bench/results/serve_load_cpu.txt")
    args = parser.parse_args()
    model = args.model or str(demo_model(download=False))
    conversations = demo_conversations(max(args.concurrency) * args.rounds)
    header = (f"{'engine':<13}{'N':>3} {'requests':>8} {'ok':>4} {'errors':>6} {'req/s':>7} {'median s':>9} "
              f"{'p95 s':>7} {'tokens/s':>9} {'peak GiB':>9}")
    lines = [f"model: {Path(model).name if args.model else 'SmolLM2-135M-Instruct (the demo model)'}",
             f"CPU, {os.cpu_count()} cores, max_tokens {args.max_tokens}, greedy, {args.rounds} round(s) per "
             f"concurrency, {datetime.date.today().isoformat()}", header]
    print("\n".join(lines), flush=True)
    rows = {engine: run_engine(engine, model, conversations, args) for engine in args.engines}
    lines += [format_row(row) for engine in args.engines for row in rows[engine]]
    lines += [f"{engine}: ready after {rows[engine][0]['startup_s']:.0f} s" for engine in args.engines]
    if len(rows) == 2:
        lines.append("vLLM / transformers at each N: tokens/s ratio, p95 ratio")
        for hf, vl in zip(rows["transformers"], rows["vllm"]):
            speed, p95 = vl["tokens_s"] / hf["tokens_s"], vl["p95"] / hf["p95"]
            lines.append(f"  N={hf['n']:<3} {speed:.2f}x tokens/s, p95 {p95:.2f} of the fallback's")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines[3:]) + f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
