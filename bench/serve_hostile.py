"""What an oversized request costs `sftflow serve` on CPU: a 2 MB message, a 25,001-token prompt (beyond the
context), stop strings (4 x 20,000 characters: refused; 4 x 32: served), a body nested 100,000 deep and a 15 MB
body, each timed, with the server's memory (its whole process tree) sampled every 50 ms while it runs: the peak
against the idle RSS measured before the first case (target: flat within 100 MiB). Then how long an ordinary
4-token request takes right after. Both engines in one run, the demo model.

    .venv/bin/python bench/serve_hostile.py [--engines transformers vllm] [--out bench/results/serve_hostile_cpu.txt]

The figures of issue 13's report (before the fix): the 2 MB message took the worker from 1.1 GB to 10 GB in 24 s,
still rising; the 25,001-token prompt was accepted and the next 4-token request took 122 s.
"""

import argparse
import datetime
import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

from sftflow.demo.run import demo_model
from sftflow.device import cpu_class
from sftflow.serve.launch import free_port, start_server


def tree_rss(pid: int) -> int:
    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)] if p.is_running())


def post(server, content, max_tokens: int = 16, **fields) -> tuple[int, float, str]:
    """A chat request with this content (or, given bytes, that raw body); (status, seconds, text)."""
    body = content if isinstance(content, bytes) else json.dumps(
        {"model": server.name, "messages": [{"role": "user", "content": content}], "max_tokens": max_tokens,
         "temperature": 0, **fields}).encode()
    request = urllib.request.Request(server.base_url + "/chat/completions", data=body,
                                     headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    return status, time.perf_counter() - start, text


class PeakRSS:
    """The largest RSS of the server's process tree while the block runs, sampled every 50 ms."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def __enter__(self):
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def sample(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            time.sleep(0.05)

    def __exit__(self, *exc):
        time.sleep(1.0)  # let anything the request started show in memory
        self.stop.set()
        self.thread.join()


CASES = [("2 MB message", "x" * 2_000_000, 16, {}),
         ("25,001-token prompt", "SELECT " * 25_000, 16, {}),  # one token per 'SELECT ' and the template's
         ("stop 4 x 20,000 chars", "Say hi.", 16, {"stop": ["x" * 20_000] * 4}),
         ("stop 4 x 32 chars (the limit)", "Say hi.", 16, {"stop": [f"{i}" * 32 for i in range(4)]}),
         ("JSON nested 100,000", b"[" * 100_000 + b"]" * 100_000, 16, {}),
         ("15 MB body", "y" * 15_000_000, 16, {}),
         ("then a 4-token request", "How many rows are in the table?", 4, {})]


def probe(engine: str, model: str) -> list[str]:
    lines = []
    with start_server(model, port=free_port(), backend=engine, where="bench", ready_timeout=900) as server:
        post(server, "Say hi.", 4)  # warm
        time.sleep(1.0)
        idle = tree_rss(server.process.pid)
        lines.append(f"{engine:<13} idle RSS {idle / 2 ** 30:.2f} GiB")
        highest = idle
        for name, content, max_tokens, fields in CASES:
            with PeakRSS(server.process.pid) as memory:
                status, seconds, text = post(server, content, max_tokens, **fields)
            highest = max(highest, memory.peak)
            detail = ""
            if status >= 400:
                try:
                    detail = json.loads(text).get("error", {}).get("message", "")[:100]
                except (ValueError, AttributeError):
                    detail = text[:100]
            lines.append(f"{engine:<13} {name:<24} HTTP {status}  {seconds:7.3f} s  peak RSS "
                         f"{memory.peak / 2 ** 30:5.2f} GiB ({(memory.peak - idle) / 2 ** 20:+7.1f} MiB over idle)  "
                         f"{detail}")
            print(lines[-1], flush=True)
        verdict = "flat within 100 MiB" if highest - idle <= 100 * 2**20 else "NOT flat within 100 MiB"
        lines.append(f"{engine:<13} highest peak {(highest - idle) / 2 ** 20:+.1f} MiB over idle: {verdict}")
        print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", nargs="+", default=["transformers", "vllm"], choices=["transformers", "vllm"])
    parser.add_argument("--out", default="bench/results/serve_hostile_cpu.txt")
    args = parser.parse_args()
    model = str(demo_model(download=False))
    lines = ["model: SmolLM2-135M-Instruct (the demo model); context: serve.max_model_len (default 8192)",
             f"CPU: {cpu_class()}; {datetime.date.today().isoformat()}; RSS: the server's process tree"]
    print("\n".join(lines), flush=True)
    for engine in args.engines:
        lines += probe(engine, model)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
