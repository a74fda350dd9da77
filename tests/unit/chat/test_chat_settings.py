"""Chat UI settings: where endpoint, key and model come from; system prompt and examples from the config."""

import json

import pytest

from sftflow.chat.ui import (
    ERROR_MARK,
    chat_settings,
    config_prompts,
    request_messages,
)
from sftflow.config import load_config

ENV = ("OPENAI_API_BASE", "OPENAI_API_KEY", "SFTFLOW_API_KEY", "MY_KEY")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def test_base_url_flag_then_config_then_env_then_local_server(make_config, monkeypatch):
    bare = load_config(make_config(serve={"port": 8123}))
    assert chat_settings(bare).base_url == "http://127.0.0.1:8123/v1"
    monkeypatch.setenv("OPENAI_API_BASE", "http://env:1/v1")
    assert chat_settings(bare).base_url == "http://env:1/v1"
    configured = load_config(make_config(chat={"base_url": "http://config:2/v1"}))
    assert chat_settings(configured).base_url == "http://config:2/v1"
    assert chat_settings(configured, base_url="http://flag:3").base_url == "http://flag:3"


def test_api_key_flag_then_chat_env_then_serve_env(make_config, monkeypatch):
    config = load_config(make_config(chat={"api_key_env": "MY_KEY"}))
    assert chat_settings(config).api_key is None
    monkeypatch.setenv("SFTFLOW_API_KEY", "served")
    assert chat_settings(config).api_key == "served"
    monkeypatch.setenv("MY_KEY", "mine")
    assert chat_settings(config).api_key == "mine"
    assert chat_settings(config, api_key="flag").api_key == "flag"


def test_model_flag_then_served_name(make_config):
    config = load_config(make_config(serve={"served_model_name": "sql-bot"}))
    assert chat_settings(config).model == "sql-bot"
    assert chat_settings(config, model="other").model == "other"


def test_binds_loopback_without_share_link_by_default(make_config):
    settings = chat_settings(load_config(make_config()))
    assert (settings.host, settings.port, settings.share) == ("127.0.0.1", 7860, False)


def test_system_prompt_and_examples_from_templates_and_test_split(make_config, sql_data_dir):
    settings = chat_settings(load_config(make_config()), examples=3)
    assert settings.system_prompt == "Answer with one SQLite query in a ```sql block."
    first_rows = [json.loads(line) for line in (sql_data_dir / "test.jsonl").read_text().splitlines()[:3]]
    assert len(settings.examples) == 3
    for example, row in zip(settings.examples, first_rows):
        assert example == f"Tables:\n{row['sql_context']}\n\nQuestion: {row['sql_prompt']}"


def test_empty_test_split_still_gives_system_prompt(make_config, sql_data_dir, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.jsonl").write_text((sql_data_dir / "train.jsonl").read_text())
    (data / "test.jsonl").write_text("")
    system, examples = config_prompts(load_config(make_config(dataset_name=str(data))), 4)
    assert system.startswith("Answer with one SQLite query")
    assert examples == []


def test_no_config_is_a_plain_chat():
    settings = chat_settings(load_config(None))
    assert (settings.system_prompt, settings.examples, settings.model) == (None, [], "local")


def test_request_leaves_out_error_notes_and_keeps_system_prompt():
    history = [{"role": "user", "content": [{"type": "text", "text": "hi"}]},
               {"role": "assistant", "content": f"{ERROR_MARK}Endpoint is not reachable"},
               {"role": "user", "content": "again"},
               {"role": "assistant", "content": f"partial answer\n\n{ERROR_MARK}HTTP 500"}]
    assert request_messages("new", history, "Be brief.") == [
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"},
        {"role": "user", "content": "again"}, {"role": "assistant", "content": "partial answer"},
        {"role": "user", "content": "new"}]
    assert request_messages("q", [], "  ")[0] == {"role": "user", "content": "q"}
