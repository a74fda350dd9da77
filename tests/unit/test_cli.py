"""The bad-input list: each gets one clear message naming the problem and where, and exit status 2."""

import json
import subprocess
import sys

from sftflow.cli import main


def run_cli(capsys, *args):
    code = main(list(args))
    return code, capsys.readouterr().err


def test_missing_config_file(capsys, tmp_path):
    code, err = run_cli(capsys, "train", str(tmp_path / "missing.yaml"))
    assert code == 2 and "missing.yaml: config file not found" in err


def test_malformed_yaml_has_line(capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("mode: train\nlearning_rate: [1\n")
    code, err = run_cli(capsys, "train", str(path))
    assert code == 2 and "malformed YAML: line" in err and "bad.yaml" in err


def test_unknown_key(capsys, make_config):
    code, err = run_cli(capsys, "train", str(make_config(lerning_rate=0.1)))
    assert code == 2 and "unknown key 'lerning_rate' (did you mean 'learning_rate'?)" in err


def test_template_names_missing_column(capsys, make_config):
    path = make_config(data={"user_template": "{{ sql_question }}"})
    code, err = run_cli(capsys, "train", str(path))
    assert code == 2 and "'sql_question' is undefined" in err and "row 0" in err


def test_empty_dataset(capsys, make_config, tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    code, err = run_cli(capsys, "train", str(make_config(dataset_name=str(tmp_path / "empty.jsonl"))))
    assert code == 2 and "empty.jsonl: data file is empty" in err


def test_unreadable_data_file(capsys, make_config, tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"sql": 1}\nnot json\n')
    code, err = run_cli(capsys, "train", str(make_config(dataset_name=str(tmp_path / "bad.jsonl"))))
    assert code == 2 and "bad.jsonl: malformed JSON on line 2" in err


def test_dataset_path_that_does_not_exist(capsys, make_config, tmp_path):
    code, err = run_cli(capsys, "train", str(make_config(dataset_name=str(tmp_path / "nope.jsonl"))))
    assert code == 2 and "dataset path does not exist" in err


def test_model_path_that_does_not_exist(capsys, make_config, tmp_path):
    code, err = run_cli(capsys, "train", str(make_config(model_name_or_path=str(tmp_path / "no-model"))))
    assert code == 2 and "model not found" in err and "no-model" in err


def test_output_directory_holding_a_different_run(capsys, make_config, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"status": "completed", "config_hash": "other"}))
    (out / "keep.txt").write_text("precious")
    code, err = run_cli(capsys, "train", str(make_config()))
    assert code == 2 and "already holds a run (completed)" in err
    checkpoint = out / "checkpoint-2"
    checkpoint.mkdir()
    (checkpoint / "trainer_state.json").write_text(json.dumps({"global_step": 2}))
    code, err = run_cli(capsys, "train", str(make_config()), "--resume_from_checkpoint", str(checkpoint))
    assert code == 2 and "different config" in err
    assert (out / "keep.txt").read_text() == "precious"  # nothing already written is touched


def test_output_directory_with_foreign_files(capsys, make_config, tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "notes.txt").write_text("mine")
    code, err = run_cli(capsys, "train", str(make_config()))
    assert code == 2 and "not an sftflow run" in err


def test_no_traceback_without_debug_and_traceback_with_it(tmp_path):
    missing = str(tmp_path / "missing.yaml")
    plain = subprocess.run([sys.executable, "-m", "sftflow", "train", missing], capture_output=True, text=True)
    assert plain.returncode == 2 and "Traceback" not in plain.stderr
    assert plain.stderr.strip().count("\n") == 0  # one line
    debug = subprocess.run([sys.executable, "-m", "sftflow", "--debug", "train", missing],
                           capture_output=True, text=True)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_config_help_lists_every_section(capsys):
    assert main(["config", "--help"]) == 0
    out = capsys.readouterr().out
    for section in ("data:", "eval:", "merge:", "serve:", "chat:"):
        assert f"\n{section}" in out
    assert "split_seed" in out and "served_model_name" in out


def test_run_with_mode_interact_opens_the_chat_ui(capsys, make_config, monkeypatch):
    from sftflow.chat import ui as chat_ui

    calls = []
    monkeypatch.setattr(chat_ui, "run", lambda config, *args, **kw: calls.append((config.workflow.mode, args, kw)))
    code, _ = run_cli(capsys, "run", str(make_config(mode="interact")))
    assert code == 0 and calls == [("interact", (), dict.fromkeys(("base_url", "api_key", "model", "share")))]


def test_serve_config_serves_its_run_directory_with_the_overrides(capsys, make_config, monkeypatch, tmp_path):
    from sftflow.serve import launch

    calls = []
    monkeypatch.setattr(launch, "run", lambda config, run_dir, **kw: calls.append((run_dir, config.serve.port)) or 0)
    config = make_config(output_dir=str(tmp_path / "from-file"), serve={"port": 8123})
    assert main(["serve", str(config)]) == 0
    assert main(["serve", str(config), "--output_dir", str(tmp_path / "overridden")]) == 0
    assert calls == [(str(tmp_path / "from-file"), 8123), (str(tmp_path / "overridden"), 8123)]


def test_hub_dataset_offline_is_one_clear_error(capsys, make_config, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    code, err = run_cli(capsys, "train", str(make_config(dataset_name="nobody/no-such-dataset")))
    assert code == 2 and "cannot load dataset 'nobody/no-such-dataset' from the Hub" in err


def test_hub_model_offline_is_one_clear_error(capsys, make_config, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    code, err = run_cli(capsys, "train", str(make_config(model_name_or_path="nobody/no-such-model")))
    assert code == 2 and "'nobody/no-such-model' is not a local folder, not in the Hugging Face cache" in err


def test_plan_command_gives_the_use_case_2_verdicts(capsys):
    from pathlib import Path

    qlora = str(Path(__file__).resolve().parents[2] / "examples" / "court_headnotes" / "qlora.yaml")
    assert main(["plan", qlora, "--gpu", "24GB"]) == 0
    assert "fits on 24GB" in capsys.readouterr().out
    assert main(["plan", qlora, "--gpu", "24GB", "--use_peft", "false", "--load_in_4bit", "false"]) == 0
    out = capsys.readouterr().out
    assert "does NOT fit on 24GB" in out and "cheapest changes" in out
