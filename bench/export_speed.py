"""Tokens/s of a fine-tune in the browser page (transformers.js, WASM, headless Chromium) beside `sftflow serve`
(transformers on CPU), on the same prompts, one request at a time, greedy, on this machine.

    .venv/bin/python bench/export_speed.py [RUN_DIR] [--web DIR] [--prompts 20] [--max-new-tokens 96]
                                           [--out bench/results/export_speed_cpu.txt]

RUN_DIR defaults to runs/demo/run (`sftflow demo --out runs/demo`). The browser build is exported to --web first
unless it holds one. Prompts: the first --prompts rows of the run's test split (the demo scores 60), rendered with
the run's templates. Each side answers one warm-up prompt first (not counted). tokens/s = new tokens / wall time
of the request: for the page, model.generate (prefill included) as the page times it; for the server, the HTTP
request (prefill, tokenization and the HTTP round trip included).
"""

import argparse
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
from sftflow.export.run import export
from sftflow.export.serve import serving
from sftflow.serve.launch import free_port, start_server


def test_rows(run_dir: Path, n: int) -> tuple[list[dict], list[list[dict]]]:
    config = load_config(run_dir / "config.yaml")
    split = load_splits(config)[config.eval.split]
    rows = [split[i] for i in range(min(n + 1, len(split)))]
    templates = load_templates(config)
    return rows, [templates.render(row, i, ("system", "user")) for i, row in enumerate(rows)]


def page_answers(web: Path, rows: list[dict], max_new_tokens: int) -> tuple[list[dict], dict]:
    """One result per row from the page: new tokens, seconds, text; plus the page's load facts."""
    from playwright.sync_api import sync_playwright

    results = []
    with serving(web) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
        page = browser.new_page(viewport={"width": 1100, "height": 1200})
        page.goto(url)
        page.wait_for_function("['ready', 'error'].includes(window.sftflow.state)", timeout=600_000)
        loaded = page.evaluate("({seconds: window.sftflow.loadSeconds, threads: window.sftflow.threads,"
                               " error: window.sftflow.error})")
        page.fill("#max-new-tokens", str(max_new_tokens))
        for row in rows:
            page.fill("#field-sql_context", row["sql_context"])
            page.fill("#field-sql_prompt", row["sql_prompt"])
            page.click("#generate")
            page.wait_for_function("window.sftflow.state === 'generating'")
            page.wait_for_function("['done', 'error'].includes(window.sftflow.state)", timeout=600_000)
            state = page.evaluate("window.sftflow")
            results.append({"tokens": len(state["outputIds"]), "seconds": state["seconds"], "text": state["text"],
                            "error": state.get("error")})
        page.click("#run-sql")
        page.wait_for_function("window.sftflow.rows !== undefined")
        page.screenshot(path=str(web.parent / "export_page.png"), full_page=True)
        browser.close()
    return results, loaded


def serve_answers(run_dir: Path, conversations: list[list[dict]], max_new_tokens: int) -> list[dict]:
    results = []
    with start_server(str(run_dir), port=free_port(), backend="transformers", where="bench") as server:
        for messages in conversations:
            body = {"model": server.name, "messages": messages, "max_tokens": max_new_tokens, "temperature": 0}
            request = urllib.request.Request(server.base_url + "/chat/completions", data=json.dumps(body).encode(),
                                             headers={"Content-Type": "application/json"})
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=900) as response:
                answer = json.loads(response.read())
            results.append({"tokens": answer["usage"]["completion_tokens"], "seconds": time.perf_counter() - start,
                            "text": answer["choices"][0]["message"]["content"]})
    return results


def summary(name: str, results: list[dict]) -> tuple[str, float]:
    tokens, seconds = sum(r["tokens"] for r in results), sum(r["seconds"] for r in results)
    rates = [r["tokens"] / r["seconds"] for r in results]
    return ((f"{name:<28} {len(results):>7} {tokens:>7} {seconds:>8.1f} {tokens / seconds:>9.1f} "
            f"{statistics.median(rates):>10.1f}"), tokens / seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir", nargs="?", default="runs/demo/run")
    parser.add_argument("--web", default="runs/demo-web", help="browser build (exported here if missing)")
    parser.add_argument("--prompts", type=int, default=20)
    parser.add_argument("--max-new-tokens", type=int, default=96, help="the demo's eval.max_new_tokens")
    parser.add_argument("--out", default="bench/results/export_speed_cpu.txt")
    args = parser.parse_args()
    run_dir, web = Path(args.run_dir).resolve(), Path(args.web).resolve()
    if not (web / "page.json").is_file():
        started = time.perf_counter()
        export(str(run_dir), "browser", web)
        print(f"[bench] browser build exported in {time.perf_counter() - started:.0f} s")
    rows, conversations = test_rows(run_dir, args.prompts)
    page, loaded = page_answers(web, rows, args.max_new_tokens)
    served = serve_answers(run_dir, conversations, args.max_new_tokens)
    page, served = page[1:], served[1:]  # the first prompt warmed each side up
    same = sum(p["text"].strip() == s["text"].strip() for p, s in zip(page, served))
    page_line, page_rate = summary("browser page (WASM)", page)
    serve_line, serve_rate = summary("sftflow serve (transformers)", served)
    model_mb = (web / "models/model/onnx/model.onnx").stat().st_size / 1e6
    lines = [
        f"run: {run_dir}  (browser build: {web}, ONNX float32 {model_mb:.0f} MB)",
        (f"{len(page)} prompts of the run's test split (after 1 warm-up each), max_new_tokens {args.max_new_tokens}, "
        f"greedy, one request at a time; {os.cpu_count()} CPU cores, headless Chromium "
        f"({loaded['threads']} WASM threads, model loaded in {loaded['seconds']:.1f} s), "
        f"{datetime.date.today().isoformat()}"),
        f"{'':<28} {'prompts':>7} {'tokens':>7} {'seconds':>8} {'tokens/s':>9} {'median t/s':>10}",
        page_line, serve_line,
        f"page / serve tokens/s: {page_rate / serve_rate:.2f}x",
        f"identical greedy answers (page vs server): {same}/{len(page)}",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
