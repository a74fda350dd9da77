"""Throughput and latency of `sftflow serve` on CPU under concurrent chat requests, every engine in one run on the
same machine, model and prompts:

  transformers-serial  the transformers engine answering one request at a time (--max-batch-requests 1): what
                       the default install served before continuous batching, the baseline of the ratios
  transformers         the default install's engine: transformers' continuous batching
  llamacpp             llama-cpp-python's server on the model converted to GGUF q8_0 (./setup.sh --llamacpp)
  llamacpp-f32         the same on an f32 GGUF (for the greedy agreement)
  vllm                 vLLM's CPU build (./setup.sh --vllm)

    .venv/bin/python bench/serve_load.py [--model PATH] [--concurrency 1 4 16 64] [--rounds 1] [--max-tokens 64]
                                         [--engines ...] [--agreement 30] [--out bench/results/serve_load_cpu.txt]

For each engine, starts the server on a free loopback port (default model: the demo's SmolLM2-135M-Instruct; a
run directory's adapter is merged once); then for each concurrency N, `--rounds` times: N threads send one chat
request each at the same moment and all answers are awaited. Prompts are generated text-to-SQL rows rendered as
the demo's conversation (system + user), answers greedy. Every request is accounted for: ok or error, none
dropped. Peak RSS is the server's whole process tree (vLLM's engine processes included), sampled every 0.2 s.
Then `--agreement` prompts are answered one at a time, greedy, and each engine's answers are compared with the
transformers engine's: the share that are the same text.
"""

import argparse
import datetime
import json
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
from sftflow.device import cpu_class
from sftflow.serve.launch import free_port, resolve_target, start_server

ENGINES = ("transformers-serial", "transformers", "llamacpp", "llamacpp-f32", "vllm")


def demo_conversations(n: int) -> list[list[dict]]:
    templates = prompt_templates()
    return [templates.render(row, i, ("system", "user")) for i, row in enumerate(generate_rows(n, seed=321))]


def send(server, messages: list[dict], max_tokens: int) -> dict:
    """One chat request: ok, latency (s), completion tokens, answer, error text."""
    body = {"model": server.name, "messages": messages, "max_tokens": max_tokens, "temperature": 0}
    request = urllib.request.Request(server.base_url + "/chat/completions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=900) as response:
            answer = json.loads(response.read())
        return {"ok": True, "latency": time.perf_counter() - start, "tokens": answer["usage"]["completion_tokens"],
                "text": answer["choices"][0]["message"]["content"], "error": ""}
    except (OSError, ValueError, KeyError) as e:  # HTTP errors, refused/reset connections, timeouts, bad JSON
        return {"ok": False, "latency": time.perf_counter() - start, "tokens": 0, "text": None, "error": str(e)[:200]}


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


def start(engine: str, model: str):
    """The server for one of ENGINES on the model (a folder)."""
    if engine == "llamacpp-f32":
        from sftflow.models.gguf_file import cached_gguf

        return start_server(str(cached_gguf(model, "f32", "bench")), port=free_port(), backend="llamacpp",
                            where="bench", ready_timeout=900)
    serial = engine == "transformers-serial"
    return start_server(model, port=free_port(), backend="transformers" if serial else engine, where="bench",
                        ready_timeout=900, fallback_args=["--max-batch-requests", "1"] if serial else None)


def run_engine(engine: str, model: str, conversations, args) -> tuple[list[dict], list]:
    rows = []
    started = time.perf_counter()
    with start(engine, model) as server:
        startup = time.perf_counter() - started
        print(f"{engine}: ready after {startup:.0f} s", flush=True)
        for n in args.concurrency:
            with PeakRss(server.process.pid) as rss:
                row = load_level(server, conversations, n, args.rounds, args.max_tokens)
            rows.append({**row, "engine": engine, "peak_rss_gib": rss.peak / 2 ** 30, "startup_s": startup})
            print(format_row(rows[-1]), flush=True)
        answers = [send(server, messages, args.max_tokens)["text"] for messages in conversations[:args.agreement]]
    return rows, answers


def format_row(row: dict) -> str:
    line = (f"{row['engine']:<20}{row['n']:>3} {row['requests']:>8} {row['ok']:>4} {row['errors']:>6} "
            f"{row['rps']:>7.3f} {row['median']:>9.2f} {row['p95']:>7.2f} {row['tokens_s']:>9.1f} "
            f"{row['peak_rss_gib']:>9.2f}")
    return line + (f"\n    first error: {row['first_error']}" if row["first_error"] else "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="model folder, run directory or Hub id (default: the demo model)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--agreement", type=int, default=30, help="prompts whose greedy answers are compared")
    parser.add_argument("--out", default="bench/results/serve_load_cpu.txt")
    args = parser.parse_args()
    model = resolve_target(args.model, "bench") if args.model else str(demo_model(download=False))
    conversations = demo_conversations(max(max(args.concurrency) * args.rounds, args.agreement))
    header = (f"{'engine':<20}{'N':>3} {'requests':>8} {'ok':>4} {'errors':>6} {'req/s':>7} {'median s':>9} "
              f"{'p95 s':>7} {'tokens/s':>9} {'peak GiB':>9}")
    lines = [f"model: {Path(args.model).name if args.model else 'SmolLM2-135M-Instruct (the demo model)'}",
             f"CPU: {cpu_class()}; max_tokens {args.max_tokens}, greedy, {args.rounds} round(s) per "
             f"concurrency, {datetime.date.today().isoformat()}", header]
    print("\n".join(lines), flush=True)
    results = {engine: run_engine(engine, model, conversations, args) for engine in args.engines}
    rows = {engine: result[0] for engine, result in results.items()}
    lines += [format_row(row) for engine in args.engines for row in rows[engine]]
    lines += [f"{engine}: ready after {rows[engine][0]['startup_s']:.0f} s" for engine in args.engines]
    if "transformers-serial" in rows:
        lines.append("each engine against transformers-serial (one request at a time) at each N: tokens/s ratio, "
                     "p95 ratio")
        for engine in args.engines:
            for base, row in zip(rows["transformers-serial"], rows[engine]):
                if engine != "transformers-serial":
                    lines.append(f"  {engine:<14} N={row['n']:<3} {row['tokens_s'] / base['tokens_s']:.2f}x "
                                 f"tokens/s, p95 {row['p95'] / base['p95']:.2f} of the baseline's")
    if "transformers" in results:
        reference = results["transformers"][1]
        lines.append(f"greedy answers equal to the transformers engine's, {len(reference)} prompts, "
                     f"{args.max_tokens} tokens:")
        for engine in args.engines:
            if engine != "transformers":
                same = sum(a == b and a is not None for a, b in zip(results[engine][1], reference))
                lines.append(f"  {engine:<20}{same}/{len(reference)} ({same / max(1, len(reference)):.0%})")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines[3:]) + f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
