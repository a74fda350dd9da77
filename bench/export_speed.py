"""Tokens/s of a fine-tune in the browser page (transformers.js, WASM, headless Chromium) beside `sftflow serve`
(transformers on CPU), on the same prompts, one request at a time, greedy, on this machine.

    .venv/bin/python bench/export_speed.py [RUN_DIR] [--web DIR] [--prompts 20] [--rounds 3] [--max-new-tokens 96]
                                           [--out bench/results/export_speed_cpu.txt]  (and .png: the page)

RUN_DIR defaults to runs/demo/run (`sftflow demo --out runs/demo`). The browser build is exported to --web first
unless it holds one. Prompts: the first --prompts rows of the run's test split (the demo scores 60), rendered with
the run's templates. Each side answers one warm-up prompt first (not counted). tokens/s = new tokens / wall time
of the request: for the page, model.generate (prefill included) as the page times it; for the server, the HTTP
request (prefill, tokenization and the HTTP round trip included). Page and server answer in turn, prompt by
prompt, both loaded all along (the idle one waits), so other work on the machine slows both alike.
"""

import argparse
import contextlib
import datetime
import json
import os
import statistics
import time
import urllib.request
from pathlib import Path

from sftflow.config import load_config
from sftflow.data.prepare import load_splits
from sftflow.data.templates import load_templates
from sftflow.export.run import run as export
from sftflow.export.serve import serving
from sftflow.serve.launch import free_port, start_server


def test_rows(run_dir: Path, n: int) -> tuple[list[dict], list[list[dict]]]:
    config = load_config(run_dir / "config.yaml")
    split = load_splits(config)[config.eval.split]
    rows = [split[i] for i in range(min(n + 1, len(split)))]
    templates = load_templates(config)
    return rows, [templates.render(row, i, ("system", "user")) for i, row in enumerate(rows)]


@contextlib.contextmanager
def open_page(web: Path, max_new_tokens: int):
    """The browser build served on loopback, loaded in headless Chromium (nothing else reachable)."""
    from playwright.sync_api import sync_playwright

    with serving(web) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
        page = browser.new_page(viewport={"width": 1100, "height": 1200})
        page.goto(url)
        page.wait_for_function("['ready', 'error'].includes(window.sftflow.state)", timeout=600_000)
        page.fill("#max-new-tokens", str(max_new_tokens))
        yield page
        browser.close()


def page_answer(page, row: dict) -> dict:
    page.fill("#field-sql_context", row["sql_context"])
    page.fill("#field-sql_prompt", row["sql_prompt"])
    page.evaluate("window.sftflow.state = 'asked'")  # so the wait below sees this answer, not the last
    page.click("#generate")
    page.wait_for_function("['done', 'error'].includes(window.sftflow.state)", timeout=600_000, polling=100)
    state = page.evaluate("window.sftflow")
    if state["state"] == "error":
        raise RuntimeError(f"the page failed: {state['error']}")
    return {"tokens": len(state["outputIds"]), "seconds": state["seconds"], "text": state["text"]}


def serve_answer(server, messages: list[dict], max_new_tokens: int) -> dict:
    body = {"model": server.name, "messages": messages, "max_tokens": max_new_tokens, "temperature": 0}
    request = urllib.request.Request(server.base_url + "/chat/completions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=900) as response:
        answer = json.loads(response.read())
    return {"tokens": answer["usage"]["completion_tokens"], "seconds": time.perf_counter() - start,
            "text": answer["choices"][0]["message"]["content"]}


def summary(name: str, results: list[dict]) -> tuple[str, float]:
    """A table line, and the median over prompts of tokens/s (a burst of other work hits a few prompts, not it)."""
    tokens, seconds = sum(r["tokens"] for r in results), sum(r["seconds"] for r in results)
    median = statistics.median(r["tokens"] / r["seconds"] for r in results)
    return (f"{name:<28} {len(results):>7} {tokens:>7} {seconds:>8.1f} {tokens / seconds:>9.1f} {median:>10.1f}",
            median)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir", nargs="?", default="runs/demo/run")
    parser.add_argument("--web", default="runs/demo-web", help="browser build (exported here if missing)")
    parser.add_argument("--prompts", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the prompts, each reported")
    parser.add_argument("--max-new-tokens", type=int, default=96, help="the demo's eval.max_new_tokens")
    parser.add_argument("--out", default="bench/results/export_speed_cpu.txt")
    args = parser.parse_args()
    run_dir, web = Path(args.run_dir).resolve(), Path(args.web).resolve()
    if not (web / "page.json").is_file():
        started = time.perf_counter()
        export(None, run_dir, kind="browser", out=web)
        print(f"[bench] browser build exported in {time.perf_counter() - started:.0f} s")
    rows, conversations = test_rows(run_dir, args.prompts)
    model_mb = (web / "models/model/onnx/model.onnx").stat().st_size / 1e6
    lines = [f"run: {run_dir}  (browser build: {web}, ONNX float32 {model_mb:.0f} MB)"]
    header = f"{'':<28} {'prompts':>7} {'tokens':>7} {'seconds':>8} {'tokens/s':>9} {'median t/s':>10}"
    all_page, all_served = [], []
    with open_page(web, args.max_new_tokens) as browser_page, \
            start_server(str(run_dir), port=free_port(), backend="transformers", where="bench") as server:
        loaded = browser_page.evaluate("({seconds: window.sftflow.loadSeconds, threads: window.sftflow.threads})")
        lines.append(f"{args.prompts} prompts of the run's test split per round (1 warm-up first, not counted), "
                     f"max_new_tokens {args.max_new_tokens}, greedy, one request at a time, page and server in "
                     f"turn; {os.cpu_count()} CPU cores, headless Chromium ({loaded['threads']} WASM threads, model "
                     f"loaded in {loaded['seconds']:.1f} s), {datetime.date.today().isoformat()}")
        print("\n".join(lines), flush=True)
        page_answer(browser_page, rows[0])
        serve_answer(server, conversations[0], args.max_new_tokens)
        for round_ in range(1, args.rounds + 1):
            load_before, page, served = os.getloadavg()[0], [], []
            for row, messages in zip(rows[1:], conversations[1:]):  # in turn: other work on this shared machine
                page.append(page_answer(browser_page, row))  # falls on both sides alike
                served.append(serve_answer(server, messages, args.max_new_tokens))
            same = sum(p["text"].strip() == s["text"].strip() for p, s in zip(page, served))
            (page_line, page_rate), (serve_line, serve_rate) = (summary("browser page (WASM)", page),
                                                                summary("sftflow serve (transformers)", served))
            block = [(f"round {round_} (1-minute load average before {load_before:.1f}, after "
                     f"{os.getloadavg()[0]:.1f})"), header, page_line, serve_line,
                     (f"page / serve, median tokens/s: {page_rate / serve_rate:.2f}x; identical greedy answers: "
                     f"{same}/{len(page)}")]
            print("\n".join(block), flush=True)
            lines += block
            all_page += page
            all_served += served
        browser_page.click("#run-sql")
        browser_page.wait_for_function("window.sftflow.rows !== undefined")
        browser_page.screenshot(path=str(Path(args.out).with_suffix(".png")), full_page=True)
    (page_line, page_rate), (serve_line, serve_rate) = (summary("browser page (WASM)", all_page),
                                                        summary("sftflow serve (transformers)", all_served))
    block = [f"all {args.rounds} rounds", header, page_line, serve_line,
             f"page / serve, median tokens/s: {page_rate / serve_rate:.2f}x"]
    print("\n".join(block))
    lines += block
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
