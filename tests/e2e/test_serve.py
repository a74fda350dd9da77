"""`sftflow serve` on the tiny Llama: real servers on free loopback ports, called as OpenAI clients call them."""

import json
import os
import signal
import socket
import urllib.error
import urllib.request

import psutil
import pytest
import yaml

from http_client import http_json
from sftflow.cli import main
from sftflow.serve.launch import (
    child_env,
    free_port,
    resolve_target,
    start_server,
    vllm_command,
)

KEY = "sk-test-serve-0123"


@pytest.fixture(scope="module")
def server(tiny_model_dir):
    with start_server(str(tiny_model_dir), port=free_port(), name="tiny", api_key=KEY, ready_timeout=120) as running:
        yield running


def call(server, path, body=None, key=KEY, method=None) -> tuple[int, dict | str]:
    return http_json(server.base_url.removesuffix("/v1") + path, body, key, method)


def chat(**extra) -> dict:
    return {"model": "tiny", "messages": [{"role": "user", "content": "SELECT"}], "max_tokens": 8, **extra}


def test_chat_completion_models_and_legacy_completion(server):
    from openai import OpenAI

    client = OpenAI(base_url=server.base_url, api_key=KEY)
    answer = client.chat.completions.create(model="tiny", messages=[{"role": "user", "content": "Tables:"}],
                                            max_tokens=8, temperature=0)
    assert isinstance(answer.choices[0].message.content, str) and answer.model == "tiny"
    assert 1 <= answer.usage.completion_tokens <= 8 and answer.usage.prompt_tokens > 0
    assert [model.id for model in client.models.list()] == ["tiny"]
    parts = [{"role": "user", "content": [{"type": "text", "text": "Tables:"}]}]
    assert call(server, "/v1/chat/completions", chat(messages=parts))[0] == 200
    text = client.completions.create(model="tiny", prompt="SELECT", max_tokens=4)
    assert isinstance(text.choices[0].text, str) and text.model == "tiny"


def test_streaming_sends_deltas_and_done(server):
    request = urllib.request.Request(
        server.base_url + "/chat/completions", data=json.dumps(chat(stream=True)).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line for line in response.read().decode().splitlines() if line]
    assert all(line.startswith("data: ") for line in events) and events[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in events[:-1]]
    deltas = [c["choices"][0]["delta"] for c in chunks]
    assert deltas[0]["role"] == "assistant" and any(d.get("content") for d in deltas)
    assert {c["model"] for c in chunks} == {"tiny"} and chunks[-1]["choices"][0]["finish_reason"] in ("stop", "length")

    from openai import OpenAI  # the SDK reads the same stream to its end

    stream = OpenAI(base_url=server.base_url, api_key=KEY).chat.completions.create(**chat(), stream=True)
    assert isinstance("".join(c.choices[0].delta.content or "" for c in stream if c.choices), str)


def test_api_key_is_enforced_on_v1_only(server):
    for key in ("wrong", None):
        status, body = call(server, "/v1/chat/completions", chat(), key=key)
        assert status == 401 and body["error"]["code"] == "invalid_api_key"
    assert call(server, "/v1/models", key="wrong")[0] == 401
    assert call(server, "/health", key=None)[0] == 200
    assert call(server, "/v1/chat/completions", chat())[0] == 200
    assert call(server, "/reset", {})[0] == 404  # only the OpenAI routes and /health exist


@pytest.mark.parametrize("body, status, fragment", [
    (b"{not json", 400, "not valid JSON"),
    (chat(model="gpt-4"), 404, "serves 'tiny'"),
    (chat(max_tokens=10**9), 400, "context is 1024 tokens"),
    (chat(max_completion_tokens=0), 400, "positive integer"),
    (chat(messages=[]), 400, "non-empty list"),
    (chat(messages="hello"), 400, "non-empty list"),
    (chat(messages=[{"role": "wizard", "content": "hi"}]), 400, "role among"),
    (chat(messages=[{"role": "user", "content": 5}]), 400, "content must be"),
    (chat(messages=[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]), 400,
     "text only"),
    (chat(temperature=-1), 400, "temperature"),
    (chat(top_p=2), 400, "top_p"),
    (chat(logit_bias={"7": 1}), 400, "'logit_bias' is not supported"),  # never silently ignored
    (chat(stop=["a"] * 5), 400, "'stop' must be"),
])
def test_bad_request_is_refused_then_the_next_one_works(server, body, status, fragment):
    got, answer = call(server, "/v1/chat/completions", body)
    assert got == status and isinstance(answer, dict), answer
    error = answer["error"]
    assert fragment in error["message"] and error["type"]
    if status == 404:
        assert error["code"] == "model_not_found"
    ok, good = call(server, "/v1/chat/completions", chat(max_tokens=2))
    assert ok == 200 and good["choices"][0]["message"]["role"] == "assistant"


def test_run_directory_with_lora_adapter_is_merged_once_and_served(make_config, tmp_path, capsys, monkeypatch):
    from sftflow.config import load_config
    from sftflow.train.run import run as train

    monkeypatch.setenv("SFTFLOW_CACHE", str(tmp_path / "cache"))
    run_dir = train(load_config(make_config(max_steps=2, save_steps=2)))
    with start_server(str(run_dir), port=free_port(), ready_timeout=120) as server:
        assert server.api_key is None
        status, answer = call(server, "/v1/chat/completions", chat(model="local", max_tokens=4), key=None)
        assert status == 200 and answer["model"] == "local"
    merged = [p for p in (tmp_path / "cache" / "merged-adapters").iterdir() if p.is_dir()]
    assert len(merged) == 1 and json.loads((merged[0] / "merge_manifest.json").read_text())["parity"]["passed"]
    stamp = (merged[0] / "model.safetensors").stat().st_mtime_ns
    capsys.readouterr()
    assert resolve_target(str(run_dir), "test") == str(merged[0])  # the second time: reused, not merged again
    assert "merged earlier" in capsys.readouterr().out
    assert (merged[0] / "model.safetensors").stat().st_mtime_ns == stamp


def test_cli_refuses_a_busy_port_and_a_missing_model(tiny_model_dir, tmp_path, capsys):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]
        assert main(["serve", str(tiny_model_dir), "--port", str(port), "--backend", "transformers"]) == 2
    assert f"port {port} on 127.0.0.1 is already in use; choose another with --port" in capsys.readouterr().err
    assert main(["serve", str(tmp_path / "nowhere"), "--port", str(free_port())]) == 2
    assert "model not found" in capsys.readouterr().err


def test_cli_reports_a_model_that_fails_to_load_and_leaves_no_process(tmp_path, capsys):
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text("{ this is not json")
    assert main(["serve", str(broken), "--port", str(free_port()), "--backend", "transformers"]) == 2
    err = capsys.readouterr().err
    assert "exited (status 3) before it was ready: cannot load the model" in err
    assert "config.json' is not a valid JSON file" in err and "full log:" in err  # the hint from the server's log
    left = [p for p in psutil.process_iter(["cmdline"]) if str(broken) in " ".join(p.info["cmdline"] or [])]
    assert left == []


def test_cli_serves_with_config_defaults_and_stops_on_ctrl_c(tiny_model_dir, tmp_path, cli_process):
    port = free_port()
    config = tmp_path / "serve.yaml"
    config.write_text(yaml.safe_dump({"serve": {"port": port, "served_model_name": "from-config"}}))
    env = {**os.environ, "SFTFLOW_API_KEY": KEY}
    process, out = cli_process(["serve", str(tiny_model_dir), "--config", str(config)], "Ctrl-C stops the server",
                               env)
    assert f"serving 'from-config' (transformers) at http://127.0.0.1:{port}/v1" in out, out
    assert "API key required: yes ($SFTFLOW_API_KEY)" in out and KEY not in out
    assert '-H "Authorization: Bearer $SFTFLOW_API_KEY"' in out
    worker = [c for c in psutil.Process(process.pid).children(recursive=True)
              if "sftflow.serve.fallback" in c.cmdline()]
    assert len(worker) == 1 and KEY not in " ".join(worker[0].cmdline())  # the key travels in the environment
    process.send_signal(signal.SIGINT)
    assert process.wait(60) == 0 and "server stopped" in process.stdout.read()
    assert not worker[0].is_running() or worker[0].status() == psutil.STATUS_ZOMBIE


def test_vllm_command_keeps_the_key_off_the_command_line(monkeypatch, tmp_path):
    python = tmp_path / "python"
    python.write_text("")
    monkeypatch.setenv("SFTFLOW_VLLM_PYTHON", str(python))
    monkeypatch.setenv("VLLM_API_KEY", "left-over")
    command = vllm_command("/models/merged", "local", "127.0.0.1", 8080, 2048)
    assert command == [str(python), "-m", "vllm.entrypoints.openai.api_server", "--model", "/models/merged",
                       "--served-model-name", "local", "--host", "127.0.0.1", "--port", "8080",
                       "--max-model-len", "2048"]
    assert child_env("vllm", "secret")["VLLM_API_KEY"] == "secret"
    assert "VLLM_API_KEY" not in child_env("vllm", None)  # no key given: no auth, whatever the environment says
    assert child_env("transformers", "secret")["SFTFLOW_SERVE_KEY"] == "secret"
    monkeypatch.setenv("GOMP_SPINCOUNT", "10000")
    monkeypatch.setenv("SFTFLOW_SET_GOMP_SPINCOUNT", "1")  # set by sftflow, not the user: vLLM tunes its own threads
    assert "GOMP_SPINCOUNT" not in child_env("vllm", None)
    assert child_env("transformers", None)["GOMP_SPINCOUNT"] == "10000"


def test_serve_with_chat_starts_both_and_ctrl_c_stops_both(tiny_model_dir, make_config, cli_process):
    """`sftflow serve MODEL --config CONFIG --chat`: the server, then the UI for that config; Ctrl-C ends both."""
    port, ui_port = free_port(), free_port()
    config = make_config(serve={"port": port}, chat={"port": ui_port})
    process, out = cli_process(["serve", str(tiny_model_dir), "--config", str(config), "--chat"], "chat UI on")
    assert f"chat UI on http://127.0.0.1:{ui_port}/ -> http://127.0.0.1:{port}/v1 (model local)" in out, out
    with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/", timeout=10) as page:
        assert page.status == 200 and "gradio" in page.read().decode("utf-8", "replace").lower()
    worker = [c for c in psutil.Process(process.pid).children(recursive=True)
              if "sftflow.serve.fallback" in c.cmdline()]
    assert len(worker) == 1
    process.send_signal(signal.SIGINT)
    assert process.wait(60) == 0, process.stdout.read()
    assert not worker[0].is_running() or worker[0].status() == psutil.STATUS_ZOMBIE
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/", timeout=2)


def server_rss(server) -> int:
    return psutil.Process(server.process.pid).memory_info().rss


def test_a_2_mb_message_and_an_over_context_prompt_are_refused_at_once_without_growing_the_server(server):
    before = server_rss(server)
    huge = chat(messages=[{"role": "user", "content": "x" * 2_000_000}])
    status, answer = call(server, "/v1/chat/completions", huge)
    assert status == 400 and answer["error"]["code"] == "context_length_exceeded"
    assert "1024 tokens" in answer["error"]["message"]
    long = chat(messages=[{"role": "user", "content": "SELECT " * 3000}])
    status, answer = call(server, "/v1/chat/completions", long)
    assert status == 400 and answer["error"]["code"] == "context_length_exceeded"
    assert server_rss(server) - before < 100 * 2 ** 20  # no 2 MB prompt was tokenized or generated from
    assert call(server, "/v1/chat/completions", chat(max_tokens=2))[0] == 200


def test_a_stop_string_ends_the_answer_before_it_streamed_or_not(server):
    body = {"model": "tiny", "prompt": "SELECT", "max_tokens": 12, "temperature": 0}
    full = call(server, "/v1/completions", body)[1]["choices"][0]["text"]
    assert len(full) >= 6, full
    stop = full[3:6]
    status, answer = call(server, "/v1/completions", {**body, "stop": [stop]})
    assert status == 200 and answer["choices"][0]["text"] == full[:full.find(stop)]
    assert answer["choices"][0]["finish_reason"] == "stop"
    request = urllib.request.Request(server.base_url + "/completions", data=json.dumps(
        {**body, "stop": stop, "stream": True}).encode(), headers={"Content-Type": "application/json",
                                                                   "Authorization": f"Bearer {KEY}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        events = [line[6:] for line in response.read().decode().splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    assert "".join(json.loads(e)["choices"][0]["text"] for e in events[:-1]) == full[:full.find(stop)]


# ---------------------------------------------------------------- continuous batching
def open_stream(server, body: dict):
    request = urllib.request.Request(server.base_url + "/completions", data=json.dumps({**body, "stream": True})
                                     .encode(), headers={"Content-Type": "application/json",
                                                         "Authorization": f"Bearer {KEY}"})
    return urllib.request.urlopen(request, timeout=120)


def test_two_streams_are_generated_together_not_one_after_the_other(server):
    import threading
    import time

    long = {"model": "tiny", "prompt": "SELECT", "max_tokens": 600, "temperature": 0}
    arrivals = []

    def read_long():
        with open_stream(server, long) as response:
            for line in response:
                if line.startswith(b"data: {"):
                    arrivals.append(time.perf_counter())

    reader = threading.Thread(target=read_long)
    reader.start()
    deadline = time.monotonic() + 60
    while not arrivals and time.monotonic() < deadline:
        time.sleep(0.01)
    with open_stream(server, {"model": "tiny", "prompt": "FROM", "max_tokens": 3, "temperature": 0}) as short:
        events = [line for line in short if line.startswith(b"data: ")]
        short_done = time.perf_counter()
    reader.join(120)
    assert events[-1].strip() == b"data: [DONE]" and arrivals
    # one at a time, the short request would wait for all 600 tokens of the long one
    assert short_done < arrivals[-1], "the short request finished only after the long one"
    assert sum(t > short_done for t in arrivals) >= 10  # the long stream went on after the short one ended


def test_a_client_that_goes_away_frees_its_place_at_once(tiny_model_dir):
    import time

    with start_server(str(tiny_model_dir), port=free_port(), name="tiny", api_key=KEY, ready_timeout=120,
                      fallback_args=["--max-requests", "1"]) as one:
        response = open_stream(one, {"model": "tiny", "prompt": "SELECT", "max_tokens": 900, "temperature": 0})
        response.readline()  # generating
        status, busy = call(one, "/v1/completions", {"model": "tiny", "prompt": "FROM", "max_tokens": 2})
        assert status == 503 and busy["error"]["code"] == "server_busy"  # the one place is taken
        assert call(one, "/health")[1]["requests_in_progress"] == 1
        response.close()  # the client goes away in the middle of 900 tokens
        deadline = time.monotonic() + 30
        while call(one, "/health")[1]["requests_in_progress"] and time.monotonic() < deadline:
            time.sleep(0.05)
        status, answer = call(one, "/v1/completions", {"model": "tiny", "prompt": "FROM", "max_tokens": 2})
        assert status == 200 and answer["usage"]["completion_tokens"] >= 1


def test_serve_with_chat_runs_the_ui_against_the_live_server_then_stops_both(tiny_model_dir, monkeypatch, capsys):
    """sftflow.flows.serve(chat=True) (`sftflow serve --chat`): the chat UI is launched with the server's address,
    name and key while the server answers; when the UI returns, the server is stopped and the exit status is 0."""
    from sftflow import flows
    from sftflow.config import load_config

    seen = {}

    def ui(settings, block):
        seen["block"] = block
        seen["settings"] = settings
        seen["answer"] = http_json(settings.base_url + "/chat/completions", chat(model="tiny", max_tokens=2), KEY)

    monkeypatch.setattr("sftflow.chat.ui.launch_ui", ui)
    config = load_config(None, {"serve.port": str(free_port()), "serve.served_model_name": "tiny"})
    assert flows.serve(config, tiny_model_dir, chat=True, api_key=KEY, backend="transformers") == 0
    status, answer = seen["answer"]
    assert status == 200 and answer["choices"][0]["message"]["role"] == "assistant"
    assert seen["block"] and seen["settings"].model == "tiny" and seen["settings"].api_key == KEY
    out = capsys.readouterr().out
    assert "serving 'tiny'" in out and "chat UI and server stopped" in out
    with pytest.raises(OSError):  # the server is gone
        urllib.request.urlopen(seen["settings"].base_url + "/models", timeout=5)
