"""Hostile inputs, second round (issue 29): file names and configs that destroyed data or exhausted memory, and
ordinary environment faults. Same rule as test_hostile_inputs.py: one line naming the problem and where, exit
status 2, no traceback, and every file already in the case's folder byte for byte as it was."""

import json
import os
import sqlite3

import pytest
from test_hostile_inputs import ROW, Workspace, snapshot, trained_run, workspace  # noqa: F401 - fixtures

from sftflow.cli import main

MIB = 1 << 20


def _db_rows(ws: Workspace, database: str) -> str:
    """A dataset whose rows name their database (data.database_column), and a config reading it."""
    data = ws.path / "dbdata"
    data.mkdir(exist_ok=True)
    with sqlite3.connect(data / "shop.sqlite") as db:
        db.execute("CREATE TABLE IF NOT EXISTS t (a INT)")
    row = {"sql_prompt": "How many?", "sql": "SELECT COUNT(*) FROM t", "database": database}
    ws.data_file("dbdata/train.jsonl", [row] * 8)
    ws.data_file("dbdata/test.jsonl", [row] * 2)
    return ws.config(dataset_name=str(data), data={"database_column": "database"})


def _outside(ws: Workspace) -> str:
    with sqlite3.connect(ws.path / "secret.sqlite") as db:
        db.execute("CREATE TABLE s (a INT)")
    return str(ws.path / "secret.sqlite")


def _symlink_out(ws: Workspace) -> str:
    config = _db_rows(ws, "link.sqlite")
    os.symlink(_outside(ws), ws.path / "dbdata" / "link.sqlite")
    return config


def _yaml(ws: Workspace, text: str, name: str = "raw.yaml") -> str:
    base = (ws.path / ws.config("base.yaml")).read_text()
    return ws.file(name, base + text)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))

CASES = [
    # ---------------------------------------------------------------- a row's database leads out of the data folder
    ("db-column-absolute", lambda ws: ["data", "preview", _db_rows(ws, _outside(ws))], "is an absolute path"),
    ("db-column-home", lambda ws: ["data", "preview", _db_rows(ws, "~/x.sqlite")], "is an absolute path"),
    ("db-column-dotdot", lambda ws: ["data", "preview", _db_rows(ws, "../secret.sqlite")],
     "leads outside the dataset's folder"),
    ("db-column-dotdot-inner", lambda ws: ["data", "preview", _db_rows(ws, "sub/../../secret.sqlite")],
     "leads outside the dataset's folder"),
    ("db-column-symlink-out", lambda ws: ["data", "preview", _symlink_out(ws)], "leads outside the dataset's folder"),
    ("db-column-missing", lambda ws: ["data", "preview", _db_rows(ws, "nope.sqlite")], "does not exist"),
    # ---------------------------------------------------------------- YAML that is valid but means harm or nothing
    ("yaml-alias-bomb", lambda ws: ["config", "check", _yaml(ws, BOMB)], "aliases expand to more than"),
    ("yaml-alias-bomb-train", lambda ws: ["train", _yaml(ws, BOMB)], "aliases expand to more than"),
    ("yaml-duplicate-key", lambda ws: ["config", "check", _yaml(ws, "learning_rate: 0.5\n")],
     "the key 'learning_rate' appears twice"),
    ("yaml-duplicate-in-section", lambda ws: ["config", "check", _yaml(ws, "eval:\n  metric: x\n  metric: y\n")],
     "the key 'metric' appears twice"),
    ("yaml-deep-nesting", lambda ws: ["config", "check", _yaml(ws, "deep: " + "[" * 5000 + "]" * 5000 + "\n")],
     "nested"),
    ("config-too-large", lambda ws: ["config", "check", _yaml(ws, "# " + "x" * (2 * MIB) + "\n")],
     "the limit is 1,048,576"),
    ("learning-rate-inf", lambda ws: ["train", ws.config(learning_rate=float("inf"))],
     "'learning_rate' is inf: a number must be finite"),
    ("learning-rate-nan", lambda ws: ["config", "check", _yaml(ws, "weight_decay: .nan\n", "nan.yaml")],
     "'weight_decay' is nan"),
    ("epochs-overflow", lambda ws: ["config", "check", _yaml(ws, "num_train_epochs: 1e309\n", "big.yaml")],
     "'num_train_epochs' is '1e309': a number must be finite"),
    ("section-inf", lambda ws: ["eval", ws.config(eval={"metric": "sql_execution", "sql_timeout_s": float("-inf")})],
     "'eval.sql_timeout_s' is -inf"),
    ("override-inf", lambda ws: ["train", ws.config(), "--learning_rate", ".inf"], "'learning_rate' is inf"),
    ("override-nan-section", lambda ws: ["config", "check", ws.config(), "--eval.temperature", ".nan"],
     "'eval.temperature' is nan"),
    ("override-overflow", lambda ws: ["train", ws.config(), "--num_train_epochs", "1e309"],
     "'num_train_epochs' is '1e309'"),
    ("override-minus-inf", lambda ws: ["config", "check", ws.config(), "--learning_rate", "-.inf"],
     "'learning_rate' is -inf"),
    ("max-grad-norm-inf", lambda ws: ["config", "check", _yaml(ws, "max_grad_norm: .inf\n", "gn.yaml")],
     "'max_grad_norm' is inf"),
    ("yaml-alias-bomb-show", lambda ws: ["config", "show", _yaml(ws, BOMB)], "aliases expand to more than"),
    ("yaml-alias-bomb-eval", lambda ws: ["eval", _yaml(ws, BOMB)], "aliases expand to more than"),
    ("config-too-large-train", lambda ws: ["train", _yaml(ws, "# " + "x" * (2 * MIB) + "\n")],
     "the limit is 1,048,576"),
    # ---------------------------------------------------------------- templates: what any filter or method builds
    ("template-join-huge", lambda ws: ["data", "preview", _template(ws, "{{ ([sql] * 1000) | join('x' * 100000) }}")],
     "join() would make"),
    ("template-method-join", lambda ws: ["data", "preview", _template(ws, "{{ ('y' * 100000).join([sql] * 1000) }}")],
     "join() would make"),
    ("template-replace-huge", lambda ws: ["data", "preview", _template(ws, "{{ sql | replace('', 'z' * 10000) }}")],
     "replace() would make"),
    ("template-method-replace", lambda ws: ["data", "preview", _template(ws, "{{ sql.replace('', 'z' * 10000) }}")],
     "replace() would make"),
    ("template-indent-string", lambda ws: ["data", "preview", _template(
        ws, "{{ ('a\n' * 400000) | indent('w' * 1000) }}")], "indent() would make"),
    ("template-wordwrap", lambda ws: ["data", "preview", _template(
        ws, "{{ ('a ' * 400000) | wordwrap(2, wrapstring='q' * 100) }}")], "wordwrap() would make"),
    ("template-null-column", lambda ws: ["data", "preview", _null_rows(ws)],
     "prints a null value on row 0 (null columns: sql_prompt)"),
    # ---------------------------------------------------------------- data files
    ("two-files-one-split", lambda ws: ["data", "preview", _two_files(ws)], "two files for the split 'train'"),
    ("gzip-jsonl", lambda ws: ["data", "preview", _gzipped(ws)], "gzip-compressed"),
    ("jsonl-nested-deep", lambda ws: ["data", "preview", _deep_row(ws)], "nested too deeply"),
    # ---------------------------------------------------------------- damaged run files
    ("report-truncated-manifest", lambda ws: ["report", _damaged_manifest(ws)], "manifest is damaged"),
    ("eval-truncated-manifest", lambda ws: ["eval", ws.config(output_dir=_damaged_manifest(ws),
                                                              eval={"metric": "sql_execution", "num_examples": 2})],
     "manifest is damaged"),
    ("export-serve-port-negative", lambda ws: ["export", "--serve", str(ws.path), "--port", "-1"],
     "--port must be between 0"),
    ("export-serve-port-huge", lambda ws: ["export", "--serve", str(ws.path), "--port", "70000"],
     "--port must be between 0"),
    # ---------------------------------------------------------------- the environment: one line, exit 2
    ("config-unreadable", lambda ws: ["config", "check", _unreadable(ws)], "ermission denied"),
    ("output-dir-below-a-file", lambda ws: ["train", ws.config(output_dir=ws.file("afile", "x") + "/run")],
     "Not a directory"),
]


def _template(ws: Workspace, user: str) -> str:
    folder = ws.path / "prompts"
    folder.mkdir(exist_ok=True)
    (folder / "user.jinja").write_text(user)
    (folder / "assistant.jinja").write_text("{{ sql }}")
    return ws.config(prompts_path=str(folder))


def _null_rows(ws: Workspace) -> str:
    rows = [{**ROW, "sql_prompt": None}] * 8
    ws.data_file("nulls/train.jsonl", rows)
    ws.data_file("nulls/test.jsonl", rows[:2])
    return ws.config(dataset_name=str(ws.path / "nulls"))


def _two_files(ws: Workspace) -> str:
    ws.data_file("two/train.jsonl", [ROW] * 8)
    ws.file("two/train.json", __import__("json").dumps([ROW] * 8))
    ws.data_file("two/test.jsonl", [ROW] * 2)
    return ws.config(dataset_name=str(ws.path / "two"))


def _gzipped(ws: Workspace) -> str:
    import gzip

    ws.file("gz/train.jsonl", gzip.compress((__import__("json").dumps(ROW) + "\n").encode() * 8))
    return ws.config(dataset_name=str(ws.path / "gz"))


def _deep_row(ws: Workspace) -> str:
    ws.file("deep/train.jsonl", '{"a": ' + "[" * 200_000 + "]" * 200_000 + "}\n")
    return ws.config(dataset_name=str(ws.path / "deep"))


def _damaged_manifest(ws: Workspace) -> str:
    run = ws.trained()
    manifest = run / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:40])  # a full disk cut it
    return str(run)


def _unreadable(ws: Workspace) -> str:
    path = ws.config("locked.yaml")
    os.chmod(path, 0)
    return path


@pytest.mark.parametrize("prepare, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_data_and_faults(workspace, capsys, prepare, fragment):  # noqa: F811 - the imported fixture
    argv = prepare(workspace)
    if argv[-1].endswith("locked.yaml") and os.access(argv[-1], os.R_OK):
        pytest.skip("running as root: a file without permissions is still readable")
    before = snapshot(workspace.path) if os.access(workspace.path, os.R_OK) else {}
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip() and not line.rstrip().endswith("/s]")]  # tqdm
    assert code == 2, (out, err[-3000:])
    assert len(lines) == 1 and lines[0].startswith("sftflow: error: "), err[-3000:]
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in out + err
    assert snapshot(workspace.path) == before


def test_the_second_table_keeps_growing():
    assert len({c[0] for c in CASES}) == len(CASES) >= 40


def test_a_malformed_line_in_partial_answers_is_generated_again(workspace, capsys):  # noqa: F811
    """A kill mid-write leaves a cut line: the eval keeps the good lines, generates the rest, and finishes."""
    run = workspace.trained()
    config = workspace.config(output_dir=str(run), eval={"metric": "sql_execution", "num_examples": 2,
                                                         "max_new_tokens": 4})
    assert main(["eval", config]) == 0
    (predictions,) = run.glob("eval/*/predictions.jsonl")
    partial = predictions.parent / "answers.partial.jsonl"
    partial.write_text('{"key": "x", "index": 0, "answer": "SELECT 1"}\n{"key": "x", "ind\n5\n[1, 2]\n'
                       '{"index": "zero", "answer": 3}\n')
    predictions.unlink()
    capsys.readouterr()
    assert main(["eval", config]) == 0, capsys.readouterr()
    assert len(predictions.read_text().splitlines()) == 2


def test_two_runs_on_one_output_dir_half_a_second_apart_one_is_refused_naming_the_other(make_config, tmp_path):
    import subprocess
    import sys
    import time

    config = make_config(max_steps=6, save_steps=6)
    command = [sys.executable, "-m", "sftflow", "train", str(config)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = {p.pid: (p, *p.communicate(timeout=600)) for p in (first, second)}
    (winner,) = [pid for pid, (p, _, _) in results.items() if p.returncode == 0]  # usually the first
    (loser,) = [pid for pid in results if pid != winner]
    process, _, err = results[loser]
    lines = [line for line in err.splitlines() if line.strip()]
    assert process.returncode == 2 and len(lines) == 1, err[-3000:]
    assert f"is in use by process {winner} on " in lines[0] and "Traceback" not in err
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["status"] == "completed"


# ---------------------------------------------------------------- server requests, second round (the fallback server)
HI = [{"role": "user", "content": "hi"}]
REQUEST_CASES = [
    ("stop-20000-characters", {"messages": HI, "stop": "x" * 20_000}, "20,000 characters in all"),
    ("stop-four-long", {"messages": HI, "stop": ["ab" * 40] * 4}, "320 characters in all"),
    ("json-nested-100000-deep", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("json-object-nested", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
    ("seed-negative", {"messages": HI, "seed": -1}, "'seed' must be an integer"),
    ("seed-float", {"messages": HI, "seed": 1.5}, "'seed' must be an integer"),
    ("seed-bool", {"messages": HI, "seed": True}, "'seed' must be an integer"),
    ("seed-huge", {"messages": HI, "seed": 2**64}, "'seed' must be an integer"),
]


def post(server, path: str, body) -> tuple[int, dict]:
    import urllib.error
    import urllib.request

    data = body if isinstance(body, bytes) else json.dumps({"model": "tiny", **body}).encode()
    request = urllib.request.Request(server.base_url + path, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.fixture(scope="module")
def server(tiny_model_dir):
    from sftflow.serve.launch import free_port, start_server

    with start_server(str(tiny_model_dir), port=free_port(), name="tiny", backend="transformers",
                      ready_timeout=120) as running:
        yield running


@pytest.mark.parametrize("body, fragment", [c[1:] for c in REQUEST_CASES], ids=[c[0] for c in REQUEST_CASES])
def test_hostile_requests_second_round(server, body, fragment):
    status, answer = post(server, "/chat/completions", body)
    assert status == 400 and fragment in answer["error"]["message"], answer
    status, _ = post(server, "/chat/completions", {"messages": HI, "max_tokens": 2})
    assert status == 200  # and the server goes on


def test_an_empty_prompt_is_a_400_and_a_tiny_temperature_is_greedy(server):
    status, answer = post(server, "/completions", {"prompt": "", "max_tokens": 2})
    assert status == 400 and "the prompt is empty" in answer["error"]["message"]
    status, tiny = post(server, "/chat/completions", {"messages": HI, "max_tokens": 6, "temperature": 1e-39})
    status_greedy, greedy = post(server, "/chat/completions", {"messages": HI, "max_tokens": 6, "temperature": 0})
    assert status == status_greedy == 200
    assert tiny["choices"][0]["message"]["content"] == greedy["choices"][0]["message"]["content"]


def test_a_seed_is_honoured(server):
    body = {"messages": HI, "max_tokens": 8, "temperature": 1.0, "seed": 1234}
    answers = [post(server, "/chat/completions", body)[1]["choices"][0]["message"]["content"] for _ in range(3)]
    assert answers[0] == answers[1] == answers[2]


# ---------------------------------------------------------------- fault injection: a full disk, kill -9
def _merge_child(config: str, limit_bytes: int | None = None):
    import resource
    import signal
    import subprocess
    import sys

    def full_disk():  # the file-size limit stands in for a full disk: a write past it fails with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.Popen([sys.executable, "-m", "sftflow", "merge", config], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=full_disk if limit_bytes else None)


def test_a_disk_that_fills_during_merge_is_one_line_and_leaves_nothing_half_written(workspace):  # noqa: F811
    run = workspace.trained()
    config = workspace.config(output_dir=str(run))
    before = snapshot(workspace.path)
    merge = _merge_child(config, limit_bytes=32 * 1024)  # the tiny model's weights are larger
    _, err = merge.communicate(timeout=300)
    lines = [line for line in err.splitlines() if line.startswith("sftflow:")]  # (a library's warnings above it)
    assert merge.returncode == 2 and len(lines) == 1 and "File too large" in lines[0], err[-3000:]
    assert "Traceback" not in err
    assert snapshot(workspace.path) == before  # no merged/, no partial folder, nothing changed


def _weights(folder) -> dict:
    return {k: v for k, v in snapshot(folder).items() if k != "merge_manifest.json"}  # the manifest has a date


@pytest.mark.parametrize("after_s", [0.5, 1.5, 3.0])
def test_kill_9_during_merge_keeps_the_previous_output_and_a_rerun_succeeds(workspace, after_s):  # noqa: F811
    import signal
    import time

    run = workspace.trained()
    config = workspace.config(output_dir=str(run))
    assert main(["merge", config]) == 0
    merged = _weights(run / "merged")
    child = _merge_child(config)  # the same merge again: it replaces merged/ through folders of its own
    time.sleep(after_s)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=60)
    assert _weights(run / "merged") == merged  # the previous output whole, whenever the kill came
    assert main(["merge", config]) == 0 and _weights(run / "merged") == merged
    assert not [p for p in run.iterdir() if ".partial-" in p.name]  # the next run removed the killed one's


def test_kill_9_during_export_keeps_the_previous_export_and_a_rerun_succeeds(workspace):  # noqa: F811
    import signal
    import subprocess
    import sys
    import time

    run, out = workspace.trained(), workspace.path / "onnx"
    (workspace.path / "onnx.partial").mkdir()  # the user's own folder with the name the old code removed
    (workspace.path / "onnx.partial" / "notes.txt").write_text("mine")
    command = ["export", str(run), "--format", "onnx", "--out", str(out)]
    assert main(command) == 0
    exported = snapshot(out)
    child = subprocess.Popen([sys.executable, "-m", "sftflow", *command, "--overwrite"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(workspace.path.glob(".onnx.partial-*")) and time.monotonic() < deadline:
        time.sleep(0.05)  # kill it once its staging folder exists: mid-export
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    assert snapshot(out) == exported and (workspace.path / "onnx.partial" / "notes.txt").read_text() == "mine"
    assert main([*command, "--overwrite"]) == 0
    assert (out / "export.json").is_file() and not list(workspace.path.glob(".onnx.partial-*"))
