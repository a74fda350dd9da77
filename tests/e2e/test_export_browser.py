"""The in-browser build in headless Chromium: the page loads the exported tiny model with transformers.js (WASM),
prompts it as training did, and generates the tokens Python's greedy decoding generates, one for one.

Two references for the page's tokens: torch (the model) and onnxruntime in Python on the same ONNX file. The tiny
random model's logits are small, so the test first checks that no greedy step is a near-tie that float rounding
between runtimes (about 1e-7 here) could flip; then the page must equal both.
"""

import sqlite3
from pathlib import Path

import pytest
import yaml

from sftflow.config import load_config
from sftflow.data.templates import load_templates
from sftflow.data.tokenize import prompt_ids
from sftflow.export.browser import WEB
from sftflow.export.run import run as export_stage
from sftflow.export.serve import serving

CHROMIUM = Path("/usr/bin/chromium")
NEW_TOKENS = 24
MIN_MARGIN = 1e-5  # top-1 minus top-2 logit at every greedy step: far above cross-runtime float32 differences
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (./setup.sh --dev installs it)"),
    pytest.mark.skipif(not (WEB / "node_modules").is_dir(), reason="needs transformers.js and sql.js from npm: "
                       "./setup.sh --dev (npm ci in src/sftflow/export/web)"),
]


@pytest.fixture(scope="module")
def config_path(tmp_path_factory, tiny_model_dir, sql_data_dir) -> Path:
    """The tiny model with the text-to-SQL demo's prompt templates."""
    path = tmp_path_factory.mktemp("browser-config") / "config.yaml"
    path.write_text(yaml.safe_dump({
        "model_name_or_path": str(tiny_model_dir), "dataset_name": str(sql_data_dir),
        "prompts_path": str(Path(__file__).resolve().parents[2] / "examples" / "text_to_sql" / "prompts"),
        "output_dir": str(path.parent / "run"), "eval": {"max_new_tokens": NEW_TOKENS}}))
    return path


@pytest.fixture(scope="module")
def build(tmp_path_factory, tiny_model_dir, config_path) -> Path:
    return export_stage(load_config(config_path), tiny_model_dir, kind="browser",
                        out=tmp_path_factory.mktemp("export") / "web")


@pytest.fixture(scope="module")
def page(build):
    from playwright.sync_api import sync_playwright

    with serving(build) as url, sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
        page = chromium.new_page()
        page.requested = []
        page.on("request", lambda request: page.requested.append(request.url))
        page.goto(url)
        page.wait_for_function("['ready', 'error'].includes(window.sftflow.state)", timeout=60_000)
        page.origin = url
        yield page
        chromium.close()


def python_greedy(model_dir: Path, onnx_file: Path, ids: list[int]) -> tuple[list[int], list[int], float]:
    """(torch's greedy tokens, onnxruntime's greedy tokens on the exported file, torch's smallest top-2 margin)."""
    import numpy as np
    import onnxruntime
    import torch
    from transformers import AutoModelForCausalLM

    from sftflow.export.onnx import input_names, kv_shape

    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    out = model.generate(torch.tensor([ids]), max_new_tokens=NEW_TOKENS, do_sample=False, output_scores=True,
                         return_dict_in_generate=True)
    margin = min((top[0] - top[1]).item() for top in (s[0].topk(2).values for s in out.scores))
    session = onnxruntime.InferenceSession(str(onnx_file))
    layers, heads, head_dim = kv_shape(model.config)
    past, seen, new = [np.zeros((1, heads, 0, head_dim), np.float32)] * (2 * layers), list(ids), []
    step = ids
    while len(new) < NEW_TOKENS and (not new or new[-1] != model.generation_config.eos_token_id):
        feeds = {"input_ids": np.array([step]), "attention_mask": np.ones((1, len(seen)), np.int64),
                 "position_ids": np.arange(len(seen) - len(step), len(seen))[None]}
        logits, *past = session.run(None, {**feeds, **dict(zip(input_names(model.config)[3:], past))})
        step = [int(logits[0, -1].argmax())]
        new += step
        seen += step
    return out.sequences[0, len(ids):].tolist(), new, margin


def test_page_generates_pythons_greedy_tokens_offline(page, build, tiny_model_dir, config_path, sql_rows):
    assert page.evaluate("window.sftflow.state") == "ready", page.evaluate("window.sftflow.error")
    row = sql_rows[0]
    page.fill("#field-sql_context", row["sql_context"])
    page.fill("#field-sql_prompt", row["sql_prompt"])
    page.click("#generate")
    page.wait_for_function("['done', 'error'].includes(window.sftflow.state)", timeout=120_000)
    result = page.evaluate("window.sftflow")
    assert result["state"] == "done", result.get("error")

    # the prompt: the run's templates and the tokenizer's chat template, as training and `sftflow eval` build it
    from transformers import AutoTokenizer

    config = load_config(config_path)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    messages = load_templates(config).render(row, 0, roles=("system", "user"))
    ids = prompt_ids(tokenizer, messages, config.workflow.fine_tuning_data_format)
    assert result["promptIds"] == ids

    torch_ids, onnx_ids, margin = python_greedy(tiny_model_dir, build / "models/model/onnx/model.onnx", ids)
    assert result["outputIds"] == onnx_ids
    assert margin > MIN_MARGIN, f"a near-tie ({margin:.1e}) makes this prompt unfit to compare runtimes"
    assert result["outputIds"] == torch_ids
    assert len(torch_ids) == NEW_TOKENS and result["tokensPerSecond"] > 0
    assert page.input_value("#answer") == tokenizer.decode(torch_ids, skip_special_tokens=True)
    # nothing but the export folder was asked for: model, libraries and WASM all came from the loopback server
    assert page.requested and all(url.startswith(page.origin) for url in page.requested), page.requested


def test_page_runs_the_sql_on_the_schema(page, sql_rows):
    row = next(r for r in sql_rows if "INSERT" in r["sql_context"])
    page.fill("#field-sql_context", row["sql_context"])
    page.fill("#answer", f"```sql\n{row['sql']}\n```")
    page.dispatch_event("#answer", "input")
    page.click("#run-sql")
    page.wait_for_function("window.sftflow.rows !== undefined && window.sftflow.sql !== undefined")
    shown = page.evaluate("window.sftflow.rows")
    db = sqlite3.connect(":memory:")
    db.executescript(row["sql_context"])
    expected = db.execute(row["sql"]).fetchall()
    assert [tuple(r) for r in shown["values"]] == [tuple(r) for r in expected]
    assert page.locator("#rows tbody tr").count() == len(expected)
    assert "not constrained to the" in page.inner_text("#constraint-note")  # says what the page cannot do

    page.fill("#answer", "SELECT name FROM nowhere")
    page.click("#run-sql")
    page.wait_for_function("window.sftflow.rows.error !== undefined")
    assert "no such table" in page.inner_text("#run-status")
