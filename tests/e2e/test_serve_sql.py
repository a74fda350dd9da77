"""sftflow's extension field on its own server: a request that names a database the server was started with gets SQL
constrained to that database's schema, and with candidates the one that runs on it; plain requests are unchanged.
A real server on a loopback port, the tiny Llama, a real SQLite file."""

import hashlib
import json
import sqlite3
import urllib.request

import pytest

from http_client import http_json
from sftflow.cli import main
from sftflow.serve.launch import free_port, start_server

KEY = "sk-test-serve-sql"
SCHEMA = ("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, city TEXT);"
          "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total REAL);"
          "INSERT INTO customers VALUES (1, 'Ada', 'Oslo'), (2, 'Bo', 'Rome');"
          "INSERT INTO orders VALUES (1, 1, 9.5), (2, 2, 120.0);")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "shop.sqlite"
    with sqlite3.connect(path) as connection:
        connection.executescript(SCHEMA)
    connection.close()
    return path


@pytest.fixture(scope="module")
def server(tiny_model_dir, shop):
    with start_server(str(tiny_model_dir), port=free_port(), name="tiny", api_key=KEY, ready_timeout=120,
                      databases={"shop": str(shop)}) as running:
        yield running


def ask(server, **extra) -> tuple[int, dict]:
    body = {"model": "tiny", "messages": [{"role": "user", "content": "Which customers live in Oslo?"}],
            "max_tokens": 40, "temperature": 0, **extra}
    return http_json(server.base_url + "/chat/completions", body, KEY)


def grammar_takes(tiny_model_dir, shop, text: str, whole: bool) -> bool:
    """Whether the schema's grammar takes `text` (as a whole answer, or as the beginning of one)."""
    import llguidance
    from transformers import AutoTokenizer

    from sftflow.metrics.sql import DATABASE, row_grammars
    from sftflow.models.constrained import ll_tokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    (grammar,), _ = row_grammars([{DATABASE: str(shop)}])
    matcher = llguidance.LLMatcher(ll_tokenizer(tokenizer), llguidance.LLMatcher.grammar_from_lark(grammar),
                                   log_level=0)
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    return all(matcher.consume_token(i) for i in ids) and not matcher.is_error() and \
        (matcher.is_accepting() or not whole)


def test_an_answer_for_a_named_database_is_sql_of_its_schema_and_a_plain_one_is_not_constrained(
        server, tiny_model_dir, shop):
    status, answer = ask(server, sftflow={"database": "shop"})
    assert status == 200, answer
    text = answer["choices"][0]["message"]["content"]
    assert text.startswith("```sql") and grammar_takes(tiny_model_dir, shop, text, whole=False), text
    if answer["choices"][0]["finish_reason"] == "stop":
        assert grammar_takes(tiny_model_dir, shop, text, whole=True), text
    status, plain = ask(server)  # the untrained tiny model, unconstrained: not the fenced query
    assert status == 200 and not plain["choices"][0]["message"]["content"].startswith("```sql")


def test_candidates_are_run_on_the_database_without_changing_its_bytes(server, tiny_model_dir, shop):
    before = hashlib.sha256(shop.read_bytes()).hexdigest()
    status, answer = ask(server, temperature=0.9, seed=3, sftflow={"database": "shop", "candidates": 3,
                                                                   "select": "majority"})
    assert status == 200, answer
    assert grammar_takes(tiny_model_dir, shop, answer["choices"][0]["message"]["content"], whole=False)
    assert hashlib.sha256(shop.read_bytes()).hexdigest() == before


def test_a_constrained_answer_streams(server):
    body = {"model": "tiny", "messages": [{"role": "user", "content": "How many orders?"}], "max_tokens": 12,
            "stream": True, "sftflow": {"database": "shop"}}
    request = urllib.request.Request(server.base_url + "/chat/completions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        events = [line[6:] for line in response.read().decode().splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    text = "".join(json.loads(e)["choices"][0]["delta"].get("content") or "" for e in events[:-1])
    assert text.startswith("```sql")


@pytest.mark.parametrize("extension, param", [
    ({"database": "warehouse"}, "sftflow.database"),  # not one the server was started with
    ({"database": ""}, "sftflow.database"),
    ("shop", "sftflow"),
    ({"database": "shop", "candidates": 0}, "sftflow.candidates"),
    ({"database": "shop", "candidates": 10_000}, "sftflow.candidates"),
    ({"database": "shop", "select": "fastest"}, "sftflow.select"),
    ({"database": "shop", "sql": "DROP TABLE customers"}, "sftflow.sql"),
])
def test_a_bad_extension_is_a_400_naming_the_field_and_the_next_request_works(server, extension, param):
    status, answer = ask(server, sftflow=extension)
    assert status == 400 and answer["error"]["param"] == param, answer
    assert ask(server, max_tokens=2)[0] == 200


def test_serve_refuses_a_database_it_cannot_use_before_loading_the_model(tiny_model_dir, tmp_path, capsys):
    not_sqlite = tmp_path / "notes.sqlite"
    not_sqlite.write_text("just text")
    for spec, fragment in ((f"shop={tmp_path / 'missing.sqlite'}", "no such file"),
                           (f"shop={not_sqlite}", "shop"),
                           ("shop", "expected NAME=FILE.sqlite"),
                           (f"bad name={not_sqlite}", "must be 1-64 letters")):
        assert main(["serve", str(tiny_model_dir), "--port", str(free_port()), "--database", spec]) == 2
        err = capsys.readouterr().err
        assert fragment in err and "Traceback" not in err, err
    assert not_sqlite.read_text() == "just text"


def test_a_config_names_its_databases_relative_to_its_folder(tiny_model_dir, shop, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "shop.sqlite").write_bytes(shop.read_bytes())
    config = folder / "serve.yaml"
    config.write_text("serve:\n  databases:\n    shop: shop.sqlite\n")
    monkeypatch.chdir(tmp_path)  # not the config's folder
    # the file is found and checked; the engine asked for cannot constrain, which is the line it stops at
    assert main(["serve", str(tiny_model_dir), "--config", str(config), "--engine", "vllm"]) == 2
    err = capsys.readouterr().err
    assert "serve.databases needs the transformers engine" in err and "no such file" not in err, err
    for bad in ("shop: [1, 2]", "shop: 5", "- shop.sqlite"):
        config.write_text(f"serve:\n  databases:\n    {bad}\n")
        assert main(["serve", str(tiny_model_dir), "--config", str(config)]) == 2
        err = capsys.readouterr().err
        assert "databases" in err and "Traceback" not in err, (bad, err)
