"""Hostile inputs to every verb, as a table: each is one clear line naming the problem and where it is, exit
status 2, no traceback, and nothing already written changes (every file of the case's folder hashed before and
after). Server requests get a 4xx and the server keeps serving (the cases after the CLI table).

A case prepares its files in `ws` (the test's tmp folder) and returns the command line; `fragment` must appear
in the one line the command prints.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from sftflow.cli import main

REPO = Path(__file__).resolve().parents[2]
PROMPTS = REPO / "examples" / "text_to_sql" / "prompts"


@dataclass
class Workspace:
    path: Path
    make_config: object
    model: Path
    data: Path
    run: Path | None = None  # a trained run (LoRA, checkpoint-2 and final/), copied into the workspace

    def config(self, name="config.yaml", **changes) -> str:
        return str(self.make_config(name, **changes))

    def file(self, name: str, content) -> str:
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return str(path)

    def data_file(self, name: str, lines: list) -> str:
        return self.file(name, "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))

    def trained(self) -> Path:
        target = self.path / "run"
        if not target.exists():
            shutil.copytree(self.run, target)
        return target


ROW = {"sql_prompt": "How many?", "sql_context": "CREATE TABLE t (a INT);", "sql": "SELECT COUNT(*) FROM t"}

# (case id, prepare(ws) -> argv, fragment of the one-line message)
CLI_CASES = [
    # ---------------------------------------------------------------- the command line itself (argparse's errors)
    ("unknown-verb", lambda ws: ["trian", ws.config()], "invalid choice: 'trian'"),
    ("demo-unknown-recipe", lambda ws: ["demo", "--recipe", "huge"], "argument --recipe: invalid choice: 'huge'"),
    ("serve-without-a-model", lambda ws: ["serve"], "required: MODEL_OR_RUN_DIR (usage: sftflow serve --help)"),
    # ---------------------------------------------------------------- config keys, types, values, encodings
    ("unknown-key", lambda ws: ["train", ws.config(lerning_rate=0.1)], "unknown key 'lerning_rate' (did you mean"),
    ("unknown-section-key", lambda ws: ["config", "check", ws.config(eval={"metrc": "x"})],
     "unknown key 'eval.metrc' (did you mean 'eval.metric'?)"),
    ("wrong-type", lambda ws: ["train", ws.config(learning_rate="fast")], "'learning_rate' expects a number"),
    ("batch-size-zero", lambda ws: ["train", ws.config(per_device_train_batch_size=0)],
     "'per_device_train_batch_size' must be at least 1, got 0"),
    ("negative-max-length", lambda ws: ["train", ws.config(max_length=-5)], "'max_length' must be at least 1"),
    ("negative-learning-rate", lambda ws: ["config", "check", ws.config(learning_rate=-1e-3)],
     "'learning_rate' must be greater than 0"),
    ("max-steps-zero", lambda ws: ["train", ws.config(max_steps=0)], "'max_steps' must be at least 1, got 0"),
    ("dropout-above-one", lambda ws: ["train", ws.config(lora_dropout=1.5)], "'lora_dropout' must be less than 1"),
    ("lora-rank-zero", lambda ws: ["train", ws.config(lora_r=0)], "'lora_r' must be at least 1"),
    ("lora-last-layers-zero", lambda ws: ["train", ws.config(train={"lora_last_layers": 0})],
     "'train.lora_last_layers' must be at least 1"),
    ("lora-last-layers-past-the-model", lambda ws: ["train", ws.config(train={"lora_last_layers": 10**9})],
     "lora_last_layers is 1000000000, but the model has 2 transformer blocks"),
    ("lora-last-layers-with-ia3", lambda ws: ["train", ws.config(train={"lora_last_layers": 1, "peft_method": "ia3"})],
     "applies to LoRA and AdaLoRA adapters"),
    ("seed-negative", lambda ws: ["train", ws.config(seed=-3)], "'seed' must be at least 0"),
    ("unknown-metric-in-check", lambda ws: ["config", "check", ws.config(eval={"metric": "bleu"})],
     "unknown metric 'bleu'"),
    ("eval-batch-zero", lambda ws: ["eval", ws.config(eval={"metric": "sql_execution", "batch_size": 0})],
     "'eval.batch_size' must be at least 1"),
    ("sql-timeout-zero", lambda ws: ["eval", ws.config(eval={"metric": "sql_execution", "sql_timeout_s": 0})],
     "'eval.sql_timeout_s' must be greater than 0"),
    ("serve-port-too-high", lambda ws: ["config", "check", ws.config(serve={"port": 70000})],
     "'serve.port' must be at most 65535"),
    ("kv-cache-zero", lambda ws: ["config", "check", ws.config(serve={"kv_cache_gib": 0})],
     "'serve.kv_cache_gib' must be at least 1"),
    ("cpu-threads-zero", lambda ws: ["config", "check", ws.config(train={"cpu_threads": 0})],
     "'train.cpu_threads' must be at least 1"),
    ("cpu-threads-huge", lambda ws: ["config", "check", ws.config(train={"cpu_threads": 10**9})],
     "'train.cpu_threads' must be at most 4096"),
    ("cpu-threads-above-cores", lambda ws: ["train", ws.config(train={"cpu_threads": 4096})],
     "train.cpu_threads: 4096 is more than this machine's"),
    ("mode-misspelled", lambda ws: ["run", ws.config(mode="trian")], "'mode' must be one of train, evaluate"),
    ("section-not-mapping", lambda ws: ["train", ws.config(eval=5)], "'eval' is a section"),
    ("malformed-yaml", lambda ws: ["train", ws.file("bad.yaml", "mode: train\nlearning_rate: [1\n")],
     "malformed YAML: line"),
    ("yaml-is-a-list", lambda ws: ["train", ws.file("list.yaml", "- a\n- b\n")], "must be a mapping"),
    ("config-not-utf8", lambda ws: ["config", "check", ws.file("latin.yaml", b"mode: \xe9t\xe9\n")],
     "not UTF-8 text"),
    ("config-missing", lambda ws: ["train", str(ws.path / "nope.yaml")], "config file not found"),
    ("config-is-a-folder", lambda ws: ["train", str(ws.path)], "config file not found"),
    ("empty-config", lambda ws: ["train", ws.file("empty.yaml", "")], "no dataset: set 'dataset_name'"),
    ("yaml-alias-bomb", lambda ws: ["train", ws.file("bomb.yaml", "a: &a [x, x, x, x, x, x, x, x]\n"
                                                     "b: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                                                     "lora_target_modules: [*b, *b, *b, *b, *b, *b, *b, *b]\n")],
     "unknown key 'a'"),
    # ---------------------------------------------------------------- command-line overrides and arguments
    ("override-bare-flag-for-a-number", lambda ws: ["train", ws.config(), "--learning_rate"],
     "'learning_rate' expects a number"),
    ("override-not-a-section", lambda ws: ["train", ws.config(), "--learning_rate.x", "3"],
     "'learning_rate' is not a section"),
    ("override-stray-word", lambda ws: ["train", ws.config(), "extra"], "expected --key value, got 'extra'"),
    ("override-bad-section-value", lambda ws: ["train", ws.config(), "--eval.batch_size=abc"],
     "'eval.batch_size' expects an integer"),
    ("plan-zero-processes", lambda ws: ["plan", ws.config(), "--num-processes", "0"],
     "--num-processes must be at least 1"),
    ("plan-unknown-gpu", lambda ws: ["plan", ws.config(), "--gpu", "a500"], "did you mean 'A5000'"),
    ("launch-zero-processes", lambda ws: ["train", ws.config(), "--launch", "ddp", "--num-processes", "0"],
     "--num-processes must be at least 1 (got 0)"),
    ("launch-negative-processes", lambda ws: ["train", ws.config(), "--launch", "zero2", "--num-processes", "-3"],
     "--num-processes must be at least 1 (got -3)"),
    ("launch-rank-past-machines", lambda ws: ["train", ws.config(), "--launch", "fsdp", "--num-machines", "2",
                                              "--machine-rank", "2"], "--machine-rank must be between 0 and"),
    ("single-process-zero", lambda ws: ["train", ws.config(), "--num-processes", "0"],
     "--num-processes must be at least 1 (got 0)"),
    ("launch-port-too-high", lambda ws: ["train", ws.config(), "--launch", "ddp", "--main-process-port", "70000"],
     "--main-process-port must be at most 65535"),
    ("plan-unknown-strategy", lambda ws: ["plan", ws.config(), "--strategy", "zero4"], "unknown strategy"),
    ("config-check-without-file", lambda ws: ["config", "check"], "needs a config file"),
    # ---------------------------------------------------------------- data files
    ("dataset-missing", lambda ws: ["train", ws.config(dataset_name=str(ws.path / "no.jsonl"))],
     "dataset path does not exist"),
    ("dataset-empty", lambda ws: ["train", ws.config(dataset_name=ws.file("empty.jsonl", ""))],
     "data file is empty"),
    ("dataset-bad-json-line", lambda ws: ["train", ws.config(dataset_name=ws.data_file("bad.jsonl", [ROW, "{oops"]))],
     "malformed JSON on line 2"),
    ("dataset-row-not-object", lambda ws: ["train", ws.config(dataset_name=ws.data_file("list.jsonl", [[1, 2]]))],
     "every row must be a JSON object"),
    ("dataset-not-utf8", lambda ws: ["train", ws.config(dataset_name=ws.file("latin.jsonl", b'{"a": "\xe9"}\n'))],
     "cannot read data file"),
    ("dataset-unsupported-type", lambda ws: ["train", ws.config(dataset_name=ws.file("d.txt", "hello"))],
     "unsupported data file type '.txt'"),
    ("dataset-garbage-parquet", lambda ws: ["train", ws.config(dataset_name=ws.file("d.parquet", b"not parquet"))],
     "cannot read data file"),
    ("dataset-folder-without-files", lambda ws: ["train", ws.config(dataset_name=str(_folder(ws, "nodata")))],
     "holds no jsonl/json/csv/parquet files"),
    ("dataset-column-missing", lambda ws: ["train", ws.config(dataset_name=ws.data_file(
        "cols.jsonl", [{"question": "q", "sql": "s"}] * 30))], "is undefined"),
    ("eval-split-missing", lambda ws: ["eval", ws.config(eval={"metric": "sql_execution", "split": "dev"})],
     "eval.split 'dev' is not one of"),
    ("eval-reference-column-missing", lambda ws: ["eval", ws.config(eval={"metric": "exact_match"})],
     "has no value in column 'answer'"),
    # ---------------------------------------------------------------- templates
    ("template-syntax-error", lambda ws: ["train", ws.config(data={"user_template": "{{ sql_prompt "})],
     "template 'user' has a syntax error on line 1"),
    ("template-attribute-escape", lambda ws: ["train", ws.config(
        data={"user_template": "{{ ''.__class__.__mro__[1].__subclasses__() }}"})], "unsafe"),
    ("template-missing-folder", lambda ws: ["train", ws.config(prompts_path=str(ws.path / "no-prompts"))],
     "no-prompts"),
    ("template-file-in-latin-1", lambda ws: ["data", "preview", ws.config(prompts_path=str(_prompts(
        ws, "latin1", {"user.jinja": "Frage: {{ sql_prompt }} \u00fc".encode("latin-1"),
                       "assistant.jinja": b"{{ sql }}"})))],
     "latin1/user.jinja: user.jinja is not UTF-8 text"),
    # ---------------------------------------------------------------- model paths
    ("model-missing", lambda ws: ["train", ws.config(model_name_or_path=str(ws.path / "no-model"))],
     "model not found"),
    ("model-folder-without-config", lambda ws: ["train", ws.config(model_name_or_path=str(_folder(ws, "empty")))],
     "neither a model folder (no config.json)"),
    ("model-is-a-plain-file", lambda ws: ["train", ws.config(model_name_or_path=ws.file("weights.bin", b"x"))],
     "is a file, not a model folder"),
    ("model-garbage-gguf", lambda ws: ["train", ws.config(model_name_or_path=ws.file("m.gguf", b"garbage"))],
     "not a GGUF file"),
    ("chat-template-missing", lambda ws: ["train", ws.config(chat_template_path=str(ws.path / "t.jinja"))],
     "chat_template_path does not exist"),
    ("eval-model-missing", lambda ws: ["eval", ws.config(eval={"metric": "sql_execution"}), "--model",
                                       str(ws.path / "nothing")], "model not found"),
    ("serve-model-missing", lambda ws: ["serve", str(ws.path / "nothing")], "model not found"),
    ("serve-context-beyond-model", lambda ws: ["serve", str(ws.model), "--serve.max_model_len", "100000",
                                              "--backend", "transformers"], "serve.max_model_len must be from 1"),
    # ---------------------------------------------------------------- output folders, run directories, checkpoints
    ("output-dir-is-a-file", lambda ws: ["train", ws.config(output_dir=ws.file("out.txt", "x"))],
     "output_dir is a file"),
    ("output-dir-foreign", lambda ws: ["train", ws.config(output_dir=str(_folder(ws, "foreign", "notes.txt")))],
     "is not empty and is not an sftflow run"),
    ("output-dir-holds-a-run", lambda ws: ["train", ws.config(output_dir=str(ws.trained()))], "already holds a run"),
    ("resume-without-checkpoint", lambda ws: ["train", ws.config(output_dir=str(_folder(ws, "fresh")),
                                                                 resume_from_checkpoint=True)],
     "holds no complete checkpoint"),
    ("resume-from-a-non-checkpoint", lambda ws: ["train", ws.config(
        output_dir=str(ws.trained()), resume_from_checkpoint=str(_folder(ws, "not-a-checkpoint", "x.txt")))],
     "is not a training checkpoint"),
    ("resume-optimizer-deleted", lambda ws: ["train", _resume(ws, lambda c: (c / "optimizer.pt").unlink())],
     "optimizer.pt is missing"),
    ("resume-truncated-adapter", lambda ws: ["train", _resume(ws, lambda c: _truncate(
        c / "adapter_model.safetensors"))], "adapter_model.safetensors in"),
    ("resume-with-another-config", lambda ws: ["train", ws.config(output_dir=str(ws.trained()), learning_rate=0.5,
                                                                  resume_from_checkpoint=True)],
     "holds a run with a different config"),
    ("merge-nothing-trained", lambda ws: ["merge", ws.config(output_dir=str(ws.path / "never"))], "nothing to merge"),
    ("merge-a-full-model", lambda ws: ["merge", ws.config(peft_peft_model_path=str(ws.model))],
     "holds no LoRA adapter"),
    ("merge-over-another-model", lambda ws: ["merge", ws.config(output_dir=str(ws.trained()),
                                                                merge={"output_dir": str(_model_copy(ws))})],
     "already holds a different model"),
    ("merge-recipe-unknown-method", lambda ws: ["merge", ws.file("recipe.yml", yaml.safe_dump(
        {"merge_method": "tie", "models": [{"model": "a"}]}))], "did you mean 'ties'"),
    ("report-not-a-run", lambda ws: ["report", str(_folder(ws, "plain"))], "no log_history.json in"),
    ("eval-a-run-not-trained-yet", lambda ws: ["eval", ws.config(eval={"metric": "sql_execution"}), "--model",
                                               str(_failed_run(ws))], "has no trained model yet"),
]


def _folder(ws: Workspace, name: str, file: str | None = None) -> Path:
    folder = ws.path / name
    folder.mkdir(exist_ok=True)
    if file:
        (folder / file).write_text("x")
    return folder


def _prompts(ws: Workspace, name: str, files: dict[str, bytes]) -> Path:
    folder = ws.path / name
    folder.mkdir(exist_ok=True)
    for file, content in files.items():
        (folder / file).write_bytes(content)
    return folder


def _resume(ws: Workspace, damage) -> str:
    run = ws.trained()
    damage(run / "checkpoint-2")
    return ws.config(output_dir=str(run), resume_from_checkpoint=True)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _model_copy(ws: Workspace) -> Path:
    target = ws.path / "other-model"
    shutil.copytree(ws.model, target)
    return target


def _failed_run(ws: Workspace) -> Path:
    run = _folder(ws, "failed-run")
    (run / "manifest.json").write_text(json.dumps({"status": "failed"}))
    return run


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory, tiny_model_dir, sql_data_dir) -> Path:
    """A LoRA run of the tiny model: checkpoint-2 (complete) and final/."""
    from sftflow.config import load_config
    from sftflow.train.run import run as train

    folder = tmp_path_factory.mktemp("hostile-run")
    config = folder / "config.yaml"
    config.write_text(yaml.safe_dump(_base(tiny_model_dir, sql_data_dir, folder / "run")))
    return train(load_config(config))


def _base(model, data, out) -> dict:
    return {"model_name_or_path": str(model), "dataset_name": str(data), "prompts_path": str(PROMPTS),
            "output_dir": str(out), "use_peft": True, "lora_r": 4, "lora_alpha": 8, "lora_target_modules": "all-linear",
            "learning_rate": 5.0e-3, "max_steps": 2, "per_device_train_batch_size": 4, "gradient_checkpointing": False,
            "logging_steps": 1, "save_steps": 2, "max_length": 256, "report_to": "none", "seed": 7,
            "dataloader_num_workers": 0}


@pytest.fixture
def workspace(tmp_path, tiny_model_dir, sql_data_dir, trained_run) -> Workspace:
    def make_config(name="config.yaml", **changes):
        config = {**_base(tiny_model_dir, sql_data_dir, tmp_path / "out"), **changes}
        if changes.get("output_dir") == str(tmp_path / "run"):  # the copied run: its own config, resumed or not
            run_config = yaml.safe_load((tmp_path / "run" / "config.yaml").read_text())
            config = {**{k: v for k, v in run_config.items() if not isinstance(v, dict)}, **changes}
        path = tmp_path / name
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        return path

    return Workspace(tmp_path, make_config, tiny_model_dir, sql_data_dir, trained_run)


@pytest.mark.parametrize("prepare, fragment", [case[1:] for case in CLI_CASES], ids=[case[0] for case in CLI_CASES])
def test_hostile_command_line_input(workspace, capsys, prepare, fragment):
    argv = prepare(workspace)
    before = snapshot(workspace.path)
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (out, err)
    assert len(lines) == 1 and lines[0].startswith("sftflow: error: "), err
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in out + err
    assert snapshot(workspace.path) == before  # nothing already written changed


def test_the_table_is_at_least_sixty_cases():
    assert len(CLI_CASES) >= 60 and len({case[0] for case in CLI_CASES}) == len(CLI_CASES)


# ---------------------------------------------------------------- server requests (the fallback server)
LONG = "SELECT " * 3000  # beyond the tiny model's 1024-token context
REQUEST_CASES = [
    ("not-json", b"{not json", 400, "not valid JSON"),
    ("not-an-object", b"[1, 2]", 400, "must be a JSON object"),
    ("two-megabytes", {"messages": [{"role": "user", "content": "x" * 2_000_000}]}, 400, "context is 1024 tokens"),
    ("over-context", {"messages": [{"role": "user", "content": LONG}]}, 400, "context is 1024 tokens"),
    ("max-tokens-beyond-context", {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 10 ** 9}, 400,
     "context is 1024 tokens"),
    ("max-tokens-zero", {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 0}, 400, "positive integer"),
    ("max-tokens-bool", {"messages": [{"role": "user", "content": "hi"}], "max_tokens": True}, 400,
     "positive integer"),
    ("temperature-nan-like", {"messages": [{"role": "user", "content": "hi"}], "temperature": "hot"}, 400,
     "'temperature' must be a number"),
    ("messages-empty", {"messages": []}, 400, "non-empty list"),
    ("message-role-unknown", {"messages": [{"role": "root", "content": "hi"}]}, 400, "role among"),
    ("message-image", {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}]}, 400,
     "text only"),
    ("unsupported-parameter", {"messages": [{"role": "user", "content": "hi"}], "tools": []}, 400,
     "'tools' is not supported"),
    ("stop-too-many", {"messages": [{"role": "user", "content": "hi"}], "stop": ["a", "b", "c", "d", "e"]}, 400,
     "'stop' must be"),
    ("another-model", {"model": "gpt-4", "messages": [{"role": "user", "content": "hi"}]}, 404, "serves 'tiny'"),
    ("seventeen-megabytes", b"{" + b" " * (17 * 2 ** 20) + b"}", 413, "larger than 16 MiB"),
    # sftflow's extension field: a megabyte of database name is not echoed back whole; a bool is not a count
    ("sql-database-name-huge", {"messages": [{"role": "user", "content": "hi"}],
                                "sftflow": {"database": "d" * 2 ** 20}}, 400, "'" + "d" * 64 + "'; its databases"),
    ("sql-candidates-bool", {"messages": [{"role": "user", "content": "hi"}],
                             "sftflow": {"database": "shop", "candidates": True}}, 400, "'sftflow.candidates'"),
    ("sql-candidates-huge", {"messages": [{"role": "user", "content": "hi"}],
                             "sftflow": {"database": "shop", "candidates": 10 ** 9}}, 400, "from 1 to 16"),
]


@pytest.fixture(scope="module")
def fallback_server(tiny_model_dir):
    from sftflow.serve.launch import free_port, start_server

    with start_server(str(tiny_model_dir), port=free_port(), name="tiny", backend="transformers",
                      ready_timeout=120) as server:
        yield server


@pytest.mark.parametrize("body, status, fragment", [case[1:] for case in REQUEST_CASES],
                         ids=[case[0] for case in REQUEST_CASES])
def test_hostile_request_is_refused_and_the_server_goes_on(fallback_server, body, status, fragment):
    import urllib.error
    import urllib.request

    data = body if isinstance(body, bytes) else json.dumps({"model": "tiny", **body}).encode()
    request = urllib.request.Request(fallback_server.base_url + "/chat/completions", data=data,
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    answer = json.loads(refused.value.read())
    assert refused.value.code == status and fragment in answer["error"]["message"], answer
    ok = urllib.request.Request(fallback_server.base_url + "/chat/completions", headers={"Content-Type":
                                "application/json"}, data=json.dumps({"model": "tiny", "max_tokens": 2, "messages": [
                                    {"role": "user", "content": "hi"}]}).encode())
    with urllib.request.urlopen(ok, timeout=60) as response:
        assert response.status == 200


@pytest.mark.parametrize("value", ["fast", "tcmalloc;rm -rf ~", "\u00e9"])
def test_a_bad_allocator_choice_is_one_line_before_anything_runs(tmp_path, value):
    # read by the command line itself, before a verb parses (sftflow.device.preload_allocator): a real process
    env = {**os.environ, "SFTFLOW_ALLOCATOR": value, "HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "sftflow", "train", "x.yaml"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"sftflow: error: SFTFLOW_ALLOCATOR={value.strip().lower()!r} "
                                                "(environment) must be auto, system, tcmalloc or jemalloc"]
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the home folder
