"""The chat UI in headless Chromium against a real OpenAI-compatible server for the tiny model.

The endpoint is `sftflow serve` (the transformers fallback) on loopback; the UI runs in this process. The tiny random
model rarely stops, so answers run to max_tokens: short for most tests, long to press stop.
Screenshots go to $SFTFLOW_TEST_ARTIFACTS (or the test's tmp_path).
"""

import os
import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from sftflow.serve.launch import free_port, start_server

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs /usr/bin/chromium (./setup.sh --dev installs it)")]
BOT = '#chat [data-testid="bot"]'
USER = '#chat [data-testid="user"]'
STOP = "#message button.stop-button"
RETRY = "#chat button[aria-label=Retry]"


@dataclass
class Endpoint:
    base_url: str
    model: str  # the name clients must send
    log: Path

    @property
    def port(self) -> int:
        return urlsplit(self.base_url).port

    def chat_requests(self) -> int:
        """Chat completion requests the server has answered so far (from its access log)."""
        return self.log.read_text(errors="replace").count('"POST /v1/chat/completions')


@pytest.fixture(scope="module")
def endpoint(tiny_model_dir, tmp_path_factory):
    """`sftflow serve` (the transformers fallback) on a free loopback port, for a small random Llama with the tiny
    model's tokenizer that never ends an answer on its own (no end-of-turn token in its generation config) and is
    big enough (6 layers, hidden 384) that a long answer streams for seconds: the stop button has something to
    stop. The 2-layer tiny model writes 1,000 tokens in about a second."""
    import torch
    from transformers import AutoTokenizer, GenerationConfig, LlamaConfig, LlamaForCausalLM

    model = tmp_path_factory.mktemp("endless")
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    vocab_size = len(tokenizer)
    # the server stops at the tokenizer's end token; a sampled answer of the random model drew it now and then
    # (the stop button was gone before the test pressed it). An end token past the model's vocabulary is never drawn.
    tokenizer.add_special_tokens({"eos_token": "<|never-drawn|>"})
    torch.manual_seed(0)
    LlamaForCausalLM(LlamaConfig(vocab_size=vocab_size, hidden_size=384, intermediate_size=1024,
                                 num_hidden_layers=6, num_attention_heads=6, num_key_value_heads=2,
                                 max_position_embeddings=2048, eos_token_id=None,
                                 pad_token_id=tokenizer.pad_token_id)).save_pretrained(model)
    GenerationConfig(pad_token_id=tokenizer.pad_token_id).save_pretrained(model)
    tokenizer.save_pretrained(model)
    with start_server(str(model), port=free_port(), backend="transformers") as server:
        yield Endpoint(server.base_url, server.name, server.log_path)


@pytest.fixture(scope="module")
def launch():
    """launch(settings) -> URL of the UI served in this process on a free port; closed after the module."""
    from sftflow.chat.ui import launch_ui

    apps = []

    def start(settings) -> str:
        settings.port = free_port()
        app, url = launch_ui(settings, block=False)
        apps.append(app)
        return url

    yield start
    for app in apps:
        app.close()


def settings_for(base_url: str, model: str, max_tokens: int):
    from sftflow.chat.ui import ChatSettings

    return ChatSettings(base_url=base_url, api_key=None, model=model, system_prompt="Answer with one SQLite query.",
                        examples=["How many flights leave from Oslo?", "List the cheapest fares."],
                        max_tokens=max_tokens)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        # nothing leaves the machine: gradio's CDN and font requests fail at once instead of timing out.
        # (not page.route: intercepting requests stalls gradio's second event stream, so retry hangs)
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1100, "height": 1000})
    page.set_default_timeout(20_000)
    yield page
    page.close()


@pytest.fixture
def artifacts(tmp_path) -> Path:
    folder = Path(os.environ.get("SFTFLOW_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page, artifacts: Path, name: str) -> None:
    path = artifacts / name
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")


def ask(page, question: str) -> None:
    box = page.locator("#message textarea")
    box.fill(question)
    box.press("Enter")


def wait_answered(page) -> None:
    """Until streaming has ended (retry and the message box enabled again, no stop button) with an answer shown
    that no longer changes (gradio shows no stop button while an edited message is re-answered)."""
    expect(page.locator(RETRY)).to_be_enabled(timeout=30_000)
    expect(page.locator(STOP)).to_have_count(0)
    expect(page.locator("#message textarea")).to_be_editable()
    expect(page.locator(BOT).last).not_to_be_empty()
    shown, deadline = page.locator(BOT).last.inner_text(), time.monotonic() + 10
    while time.monotonic() < deadline:  # and the answer no longer changes
        time.sleep(0.5)
        now = page.locator(BOT).last.inner_text()
        if now == shown:
            break
        shown = now


def wait_requests(endpoint: Endpoint, count: int, what: str) -> None:
    """Until the server has logged `count` chat requests. The UI alone cannot tell: right after an edit, gradio
    shows the edited question next to the previous answer (no stop button for edits) until the new request starts."""
    deadline = time.monotonic() + 20
    while endpoint.chat_requests() < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert endpoint.chat_requests() >= count, f"{what} sent no request"


def answer_length(page) -> int:
    return len(page.locator(BOT).last.inner_text())


def open_connections(port: int) -> int:
    """This process's TCP connections to the endpoint (the UI's HTTP streams)."""
    import psutil

    return sum(bool(c.raddr) and c.raddr.port == port and c.status == psutil.CONN_ESTABLISHED
               for c in psutil.Process().net_connections(kind="tcp"))


def test_answer_streams_and_stop_ends_it(page, endpoint, launch, artifacts):
    page.goto(launch(settings_for(endpoint.base_url, endpoint.model, max_tokens=1000)))
    expect(page.locator("#status")).to_have_text(re.compile(r"· reachable\s*$"))
    ask(page, "How many bookings are in Business class?")
    expect(page.locator(USER)).to_have_text("How many bookings are in Business class?")
    expect(page.locator(BOT)).not_to_be_empty()
    before = answer_length(page)
    time.sleep(1.0)
    assert answer_length(page) > before, "the answer did not grow while streaming"

    page.locator(STOP).click()
    expect(page.locator(STOP)).to_have_count(0)
    deadline = time.monotonic() + 5
    while open_connections(endpoint.port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert open_connections(endpoint.port) == 0, "the HTTP stream stayed open after stop"
    stopped = answer_length(page)
    time.sleep(1.5)
    assert answer_length(page) == stopped, "the answer kept growing after stop"
    assert stopped < 1000 * 3  # far fewer characters than a full answer of 1000 tokens
    screenshot(page, artifacts, "chat_stopped.png")


def test_example_edit_and_retry(page, endpoint, launch, artifacts):
    page.goto(launch(settings_for(endpoint.base_url, endpoint.model, max_tokens=24)))
    expect(page.locator("#system-prompt textarea")).to_have_value("Answer with one SQLite query.")
    requests = endpoint.chat_requests()
    page.get_by_role("button", name="Select example 1").click()
    expect(page.locator(USER)).to_have_text("How many flights leave from Oslo?")
    wait_requests(endpoint, requests + 1, "the example prompt")
    wait_answered(page)
    assert endpoint.chat_requests() == requests + 1

    page.locator("#chat button[aria-label=Edit]").click()
    page.locator("#chat textarea.edit-textarea").fill("Which airline has the most flights?")
    page.locator("#chat button[aria-label=Submit]").click()
    expect(page.locator(USER)).to_have_text("Which airline has the most flights?")
    wait_requests(endpoint, requests + 2, "the edit")
    expect(page.locator(BOT)).to_have_count(1)
    wait_answered(page)
    assert endpoint.chat_requests() == requests + 2

    page.locator("#system-prompt textarea").fill("You write SQL for an airline database.")
    page.locator(RETRY).click()
    wait_requests(endpoint, requests + 3, "retry")
    wait_answered(page)
    assert endpoint.chat_requests() == requests + 3, "retry sent more than one request"
    expect(page.locator(USER)).to_have_count(1)
    expect(page.locator(BOT)).to_have_count(1)
    screenshot(page, artifacts, "chat_ui.png")


def test_down_endpoint_is_reported_not_hanging(page, launch, artifacts):
    closed = f"http://127.0.0.1:{free_port()}/v1"
    page.goto(launch(settings_for(closed, "local", max_tokens=24)))
    expect(page.locator("#status")).to_contain_text("not reachable (connection refused)", timeout=10_000)
    ask(page, "Is anyone there?")
    expect(page.locator(BOT)).to_contain_text(f"Endpoint {closed} is not reachable (connection refused)",
                                              timeout=10_000)
    wait_answered(page)
    screenshot(page, artifacts, "chat_endpoint_down.png")


def test_port_in_use_is_a_user_error():
    from sftflow.chat.ui import launch_ui
    from sftflow.errors import UserError

    settings = settings_for("http://127.0.0.1:9/v1", "local", max_tokens=8)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings.port = taken.getsockname()[1]
        with pytest.raises(UserError, match=f"port {settings.port} on 127.0.0.1 is in use"):
            launch_ui(settings, block=False)
