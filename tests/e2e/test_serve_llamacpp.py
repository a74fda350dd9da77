"""`sftflow serve --engine llamacpp`: llama-cpp-python's server on the tiny model with SmolLM2's tokenizer (the GGUF
converter knows it), behind the same name, key and chat template as the other engines."""

import pytest

from http_client import http_json
from sftflow.models.engine import llamacpp_python
from sftflow.serve.launch import free_port, start_server

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    llamacpp_python() is None, reason="llama-cpp-python is not installed: ./setup.sh --llamacpp (--dev includes it)")]
KEY = "sk-test-llamacpp"


def chat(server, content, key=KEY, **extra) -> tuple[int, dict]:
    messages = [{"role": "user", "content": content}] if isinstance(content, str) else content
    body = {"model": server.name, "messages": messages, "max_tokens": 12, "temperature": 0, **extra}
    return http_json(server.base_url + "/chat/completions", body, key)


def answers(server, conversations: list, max_tokens: int) -> list[tuple[int, str]]:
    out = []
    for messages in conversations:
        status, answer = chat(server, messages, max_tokens=max_tokens)
        assert status == 200, answer
        out.append((answer["usage"]["prompt_tokens"], answer["choices"][0]["message"]["content"]))
    return out


def test_a_model_folder_is_converted_once_and_served_with_the_name_and_key(tiny_smollm_dir, capsys):
    with start_server(str(tiny_smollm_dir), port=free_port(), name="tiny", api_key=KEY, backend="llamacpp",
                      ready_timeout=300) as server:
        assert server.backend == "llamacpp"
        status, models = http_json(server.base_url + "/models", key=KEY)
        assert status == 200 and [m["id"] for m in models["data"]] == ["tiny"]
        assert chat(server, "Hello!", key=None)[0] == 401 and chat(server, "Hello!", key="wrong")[0] == 401
        status, answer = chat(server, "Hello!")
        assert status == 200 and answer["model"] == "tiny" and 1 <= answer["usage"]["completion_tokens"] <= 12
        status, answer = chat(server, "x" * (17 * 2**20))
        assert status == 413 and "larger than 16 MiB" in answer["error"]["message"]
        assert chat(server, "Hello!")[0] == 200  # and it goes on
    printed = capsys.readouterr().out
    assert "engine: llamacpp (asked for; the model is converted to GGUF q8_0 first (cached))" in printed
    with start_server(str(tiny_smollm_dir), port=free_port(), name="tiny", backend="llamacpp", ready_timeout=300):
        pass
    assert "GGUF (q8_0) from the cache" in capsys.readouterr().out  # converted once


def test_greedy_answers_of_the_f32_file_equal_the_transformers_engine(demo_model_dir):
    """On the real SmolLM2-135M and the demo's text-to-SQL conversations: a random tiny model's logits are too close
    together for two engines' different kernels to agree on every argmax. The same prompt token counts say the chat
    template and tokenizer in the GGUF file are the model's own."""
    from sftflow.demo.run import prompt_templates
    from sftflow.demo.sql_data import generate_rows
    from sftflow.models.gguf_file import cached_gguf

    templates = prompt_templates()
    conversations = [templates.render(row, i, ("system", "user")) for i, row in enumerate(generate_rows(4, seed=5))]
    f32 = cached_gguf(str(demo_model_dir), "f32", None)
    with start_server(str(f32), port=free_port(), name="tiny", api_key=KEY, ready_timeout=300) as server:
        assert server.backend == "llamacpp"  # auto: a GGUF file, and llama.cpp is installed
        from_llamacpp = answers(server, conversations, 32)
    with start_server(str(demo_model_dir), port=free_port(), name="tiny", api_key=KEY, backend="transformers",
                      ready_timeout=300) as server:
        from_transformers = answers(server, conversations, 32)
    assert from_llamacpp == from_transformers and all(text for _, text in from_llamacpp)

