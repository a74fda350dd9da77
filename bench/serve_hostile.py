"""What an oversized request costs `sftflow serve` on CPU: a 2 MB message and a 25,001-token prompt (beyond the
context), each timed and with the server's memory (its whole process tree) before and after, then how long an
ordinary 4-token request takes right after. Both engines in one run, the demo model.

    .venv/bin/python bench/serve_hostile.py [--engines transformers vllm] [--out bench/results/serve_hostile_cpu.txt]

The figures of issue 13's report (before the fix): the 2 MB message took the worker from 1.1 GB to 10 GB in 24 s,
still rising; the 25,001-token prompt was accepted and the next 4-token request took 122 s.
"""

import argparse
import datetime
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

from sftflow.demo.run import demo_model
from sftflow.serve.launch import free_port, start_server


def tree_rss(pid: int) -> int:
    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)] if p.is_running())


def post(server, content: str, max_tokens: int) -> tuple[int, float, str]:
    body = {"model": server.name, "messages": [{"role": "user", "content": content}], "max_tokens": max_tokens,
            "temperature": 0}
    request = urllib.request.Request(server.base_url + "/chat/completions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    return status, time.perf_counter() - start, text


def probe(engine: str, model: str) -> list[str]:
    lines = []
    with start_server(model, port=free_port(), backend=engine, where="bench", ready_timeout=900) as server:
        post(server, "Say hi.", 4)  # warm
        cases = [("2 MB message", "x" * 2_000_000, 16),
                 ("25,001-token prompt", "SELECT " * 25_000, 16),  # one token per 'SELECT ' and the template's
                 ("then a 4-token request", "How many rows are in the table?", 4)]
        for name, content, max_tokens in cases:
            before = tree_rss(server.process.pid)
            status, seconds, text = post(server, content, max_tokens)
            time.sleep(1.0)  # let anything the request started show in memory
            after = tree_rss(server.process.pid)
            detail = ""
            if status >= 400:
                try:
                    detail = json.loads(text).get("error", {}).get("message", "")[:110]
                except (ValueError, AttributeError):
                    detail = text[:110]
            lines.append(f"{engine:<13} {name:<24} HTTP {status}  {seconds:7.3f} s  RSS {before / 2 ** 30:5.2f} -> "
                         f"{after / 2 ** 30:5.2f} GiB ({(after - before) / 2 ** 20:+7.1f} MiB)  {detail}")
            print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", nargs="+", default=["transformers", "vllm"], choices=["transformers", "vllm"])
    parser.add_argument("--out", default="bench/results/serve_hostile_cpu.txt")
    args = parser.parse_args()
    model = str(demo_model(download=False))
    lines = ["model: SmolLM2-135M-Instruct (the demo model); context: serve.max_model_len (default 8192)",
             f"CPU, {os.cpu_count()} cores, {datetime.date.today().isoformat()}; RSS: the server's process tree"]
    print("\n".join(lines), flush=True)
    for engine in args.engines:
        lines += probe(engine, model)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
