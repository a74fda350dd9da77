"""Throughput and latency of `sftflow serve` on CPU (transformers' engine) under concurrent chat requests.

    .venv/bin/python bench/serve_load.py [--model PATH] [--concurrency 1 4 16] [--rounds 2] [--max-tokens 64]
                                         [--out bench/results/serve_load_cpu.txt]

Starts the server on a free loopback port (default model: the demo's SmolLM2-135M-Instruct). For each
concurrency N, `--rounds` times: N threads send one chat request each at the same moment and all answers are
awaited. Prompts are generated text-to-SQL rows rendered as the demo's conversation (system + user), answers
greedy. Every request is accounted for: ok or error, none dropped.
"""

import argparse
import datetime
import json
import os
import statistics
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="model folder, run directory or Hub id (default: the demo model)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--out", default="bench/results/serve_load_cpu.txt")
    args = parser.parse_args()
    model = args.model or str(demo_model(download=False))
    conversations = demo_conversations(max(args.concurrency) * args.rounds)
    setup = (f"backend: transformers on CPU ({os.cpu_count()} cores), max_tokens {args.max_tokens}, greedy, "
             f"{args.rounds} rounds per concurrency, {datetime.date.today().isoformat()}")
    header = (f"{'N':>3} {'requests':>8} {'ok':>4} {'errors':>6} {'req/s':>7} {'median s':>9} {'p95 s':>7} "
              f"{'tokens/s':>9}")
    lines = [f"model: {model}", setup, header]
    print("\n".join(lines), flush=True)
    with start_server(model, port=free_port(), backend="transformers", where="bench") as server:
        for n in args.concurrency:
            row = load_level(server, conversations, n, args.rounds, args.max_tokens)
            lines.append(f"{n:>3} {row['requests']:>8} {row['ok']:>4} {row['errors']:>6} {row['rps']:>7.3f} "
                         f"{row['median']:>9.2f} {row['p95']:>7.2f} {row['tokens_s']:>9.1f}")
            if row["first_error"]:
                lines.append(f"    first error: {row['first_error']}")
            print("\n".join(lines[-1 - bool(row["first_error"]):]), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
