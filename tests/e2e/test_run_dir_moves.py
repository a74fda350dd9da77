"""A run directory is self-contained: copied or moved, it merges, serves and evaluates from its new place and
never reads or writes the original. A failed run can be retried; an interrupted eval continues."""

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from sftflow.cli import main


def digest(folder) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def trained(make_config):
    from sftflow.config import load_config
    from sftflow.train.run import run as train

    return train(load_config(make_config(max_steps=2, save_steps=2)))


def test_a_copied_run_directory_is_a_run_of_its_own(trained, tmp_path, capsys, monkeypatch):
    from sftflow.models.reference import resolve

    monkeypatch.setenv("SFTFLOW_CACHE", str(tmp_path / "cache"))  # no merge of another test's identical adapter
    copy = tmp_path / "elsewhere" / "run-copy"
    shutil.copytree(trained, copy)
    original = digest(trained)
    manifest = json.loads((copy / "manifest.json").read_text())
    assert manifest["final_model"] == "final" and not manifest["last_checkpoint"].startswith("/")
    assert resolve(str(copy)).location == str(copy / "final")
    assert main(["merge", str(copy / "config.yaml")]) == 0
    assert (copy / "merged" / "model.safetensors").is_file() and not (trained / "merged").exists()
    assert json.loads((copy / "manifest.json").read_text())["merged_model"] == "merged"
    assert digest(trained) == original  # the original is neither read for its model nor written

    moved = tmp_path / "moved-run"
    shutil.move(str(trained), moved)  # the original place is gone: as on another machine
    capsys.readouterr()
    assert main(["eval", str(copy / "config.yaml")]) == 0
    assert (copy / "eval").is_dir() and "run-copy" in capsys.readouterr().out
    from sftflow.serve.launch import resolve_target

    served = json.loads((Path(resolve_target(str(copy), "test")) / "merge_manifest.json").read_text())
    assert served["sources"]["adapter"] == str(copy / "final")  # serve merges the copy's adapter


def test_a_run_that_failed_to_load_its_model_is_marked_and_can_be_retried(make_config, tiny_model_dir, tmp_path):
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny_model_dir, broken)
    (broken / "model.safetensors").write_bytes(b"not safetensors")
    path = make_config(model_name_or_path=str(broken))
    assert main(["train", str(path)]) == 2
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["status"] == "failed"
    config = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**config, "model_name_or_path": str(tiny_model_dir)}))
    assert main(["train", str(path)]) == 0  # a failure before any checkpoint: the retry starts over
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["status"] == "completed"


def test_an_interrupted_eval_keeps_its_answers_and_the_rerun_generates_only_the_rest(make_config, tiny_model_dir,
                                                                                    tmp_path, monkeypatch, capsys):
    from sftflow.config import load_config
    from sftflow.eval import run as eval_run

    config = load_config(make_config(eval={"metric": "sql_execution", "max_new_tokens": 6, "num_examples": 6,
                                           "batch_size": 2}))
    calls = []
    real = eval_run.generate

    def crash_after_one_batch(model, tokenizer, prompts, max_tokens, batch_size, on_batch=None, **sampling):
        def first_then_crash(done, answers):
            on_batch(done, answers)
            raise KeyboardInterrupt  # Ctrl-C, or a crash, after the first batch was written

        calls.append(len(prompts))
        return real(model, tokenizer, prompts, max_tokens, batch_size, on_batch=first_then_crash, **sampling)

    monkeypatch.setattr(eval_run, "generate", crash_after_one_batch)
    with pytest.raises(KeyboardInterrupt):
        eval_run.evaluate(config, [str(tiny_model_dir)], tmp_path / "eval")
    kept = list((tmp_path / "eval").rglob("answers.partial.jsonl"))
    assert len(kept) == 1 and len(kept[0].read_text().splitlines()) == 2

    monkeypatch.setattr(eval_run, "generate", lambda *args, **kwargs: (calls.append(len(args[2])),
                                                                         real(*args, **kwargs))[1])
    resumed = eval_run.evaluate(config, [str(tiny_model_dir)], tmp_path / "eval")
    assert calls == [6, 4] and resumed[0]["n"] == 6  # only the four missing prompts were generated again
    assert "2 of 6 answers kept from an interrupted eval" in capsys.readouterr().out
    assert not kept[0].exists()  # scored: the predictions file holds them now
    fresh = eval_run.evaluate(config, [str(tiny_model_dir)], tmp_path / "fresh")
    assert fresh[0]["accuracy"] == resumed[0]["accuracy"]
