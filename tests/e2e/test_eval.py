"""`sftflow eval` on a tiny model: predictions and metrics files, one comparison table."""

import json
from pathlib import Path

from sftflow.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_eval_compares_models_and_writes_results(make_config, tiny_model_dir, tmp_path, capsys):
    path = make_config(max_steps=2, save_steps=2)
    assert main(["train", str(path)]) == 0
    capsys.readouterr()
    assert main(["eval", str(path), "--model", str(tiny_model_dir), "--model", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    assert "sql_execution accuracy" in out and "95% CI" in out
    for folder in (tmp_path / "run" / "eval").iterdir():
        metrics = json.loads((folder / "metrics.json").read_text())
        assert metrics["n"] == 4 and 0 <= metrics["accuracy"] <= 1 and len(metrics["ci95"]) == 2
        predictions = [json.loads(line) for line in (folder / "predictions.jsonl").read_text().splitlines()]
        assert len(predictions) == 4 and {"prediction", "score", "error"} <= set(predictions[0])
    assert len(list((tmp_path / "run" / "eval").iterdir())) == 2


def test_training_with_evaluation_marks_best_checkpoint_and_plots(make_config, tmp_path):
    from sftflow.config import load_config
    from sftflow.flows import train as run

    config = load_config(make_config(max_steps=8, save_steps=2, eval_strategy="steps", eval_steps=2,
                                     eval={"metric": "sql_execution", "during_training": True,
                                           "during_training_examples": 3, "max_new_tokens": 8}))
    run_dir = run(config)
    history = json.loads((run_dir / "log_history.json").read_text())
    eval_losses = {e["step"]: e["eval_loss"] for e in history if "eval_loss" in e}
    assert sorted(eval_losses) == [2, 4, 6, 8]
    assert sorted(e["step"] for e in history if "eval_sql_execution" in e) == [2, 4, 6, 8]
    best_step = min(eval_losses, key=eval_losses.get)
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["best_checkpoint"].endswith(f"checkpoint-{best_step}")
    assert manifest["best_metric"] == eval_losses[best_step]
    png = (run_dir / "report.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    assert f"checkpoint-{best_step}" in (run_dir / "summary.txt").read_text()


def test_early_stopping_on_a_task_metric(make_config):
    from sftflow.config import load_config
    from sftflow.flows import train as run

    # a random tiny model scores 0 every time: the metric never improves, so patience 1 stops at the 2nd eval
    config = load_config(make_config(max_steps=20, save_steps=2, eval_strategy="steps", eval_steps=2,
                                     metric_for_best_model="eval_sql_execution", greater_is_better=True,
                                     eval={"metric": "sql_execution", "during_training": True,
                                           "during_training_examples": 2, "max_new_tokens": 4,
                                           "early_stopping_patience": 1}))
    run_dir = run(config)
    assert json.loads((run_dir / "manifest.json").read_text())["global_step"] == 4


def medqa_args(tiny_model_dir, medqa_path, tmp_path):
    return [str(EXAMPLES / "medqa" / "sft.yaml"), "--model_name_or_path", str(tiny_model_dir),
            "--dataset_name", str(medqa_path),
            "--output_dir", str(tmp_path / "medqa"), "--eval.metric", "multiple_choice",
            "--eval.num_examples", "6", "--eval.max_new_tokens", "8", "--eval.batch_size", "3"]


def test_medqa_multiple_choice_path_end_to_end(tiny_model_dir, medqa_path, tmp_path, capsys):
    assert main(["eval", *medqa_args(tiny_model_dir, medqa_path, tmp_path), "--model", str(tiny_model_dir)]) == 0
    assert "multiple_choice accuracy" in capsys.readouterr().out
    (folder,) = (tmp_path / "medqa" / "eval").iterdir()
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["n"] == 6 and 0 <= metrics["accuracy"] <= 1 and "no_answer_rate" in metrics
    predictions = [json.loads(line) for line in (folder / "predictions.jsonl").read_text().splitlines()]
    assert all(p["reference"] in "ABCD" for p in predictions)


def test_retention_reports_change_against_the_base(make_config, tiny_model_dir, medqa_path, tmp_path, capsys):
    import yaml

    retention = tmp_path / "retention.yaml"
    retention.write_text(yaml.safe_dump({
        "model_name_or_path": str(tiny_model_dir), "dataset_name": str(medqa_path),
        "prompts_path": str(EXAMPLES / "medqa" / "prompts"),
        "eval": {"metric": "multiple_choice", "num_examples": 4, "max_new_tokens": 4}}))
    path = make_config(max_steps=2, save_steps=2, eval={"metric": "sql_execution", "num_examples": 2,
                                                         "max_new_tokens": 4, "retention": str(retention)})
    assert main(["train", str(path)]) == 0
    capsys.readouterr()
    assert main(["eval", str(path), "--model", str(tiny_model_dir), "--model", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    assert "Retention (" in out and "change vs first" in out and "+0.00 points" in out
    kept = json.loads((tmp_path / "run" / "eval" / "retention.json").read_text())
    assert [r["n"] for r in kept] == [4, 4]


def test_forcing_vllm_where_it_is_not_installed_is_a_clear_error(make_config, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("SFTFLOW_VLLM_PYTHON", str(tmp_path / "no-venv" / "python"))
    assert main(["eval", str(make_config()), "--eval.backend", "vllm"]) == 2
    err = capsys.readouterr().err
    assert "eval.backend: vllm, but $SFTFLOW_VLLM_PYTHON names" in err and "./setup.sh --vllm" in err


def test_candidates_are_drawn_chosen_and_all_written(make_config, tiny_model_dir, tmp_path, capsys):
    path = make_config(eval={"metric": "sql_execution", "max_new_tokens": 12, "num_examples": 4, "candidates": 3,
                             "select": "majority"})
    assert main(["eval", str(path), "--model", str(tiny_model_dir)]) == 0
    (folder,) = (tmp_path / "run" / "eval").iterdir()
    predictions = [json.loads(line) for line in (folder / "predictions.jsonl").read_text().splitlines()]
    assert len(predictions) == 4
    for p in predictions:
        assert len(p["candidates"]) == 3 and 0 <= p["chosen"] < 3 and p["prediction"] == p["candidates"][p["chosen"]]
    capsys.readouterr()
    exact = make_config("exact.yaml", eval={"metric": "exact_match", "candidates": 2})
    assert main(["eval", str(exact), "--model", str(tiny_model_dir)]) == 2
    assert "eval.candidates 2 is for sql_execution" in capsys.readouterr().err


def test_the_eval_stage_writes_where_it_is_told_and_leaves_the_run_directory_alone(make_config, tiny_model_dir,
                                                                                    tmp_path, capsys):
    from sftflow.config import load_config
    from sftflow.eval.run import run

    config = load_config(make_config(eval={"metric": "sql_execution", "max_new_tokens": 4}))
    results = run(config, models=[str(tiny_model_dir)], out=tmp_path / "elsewhere")
    assert len(results) == 1 and "sql_execution accuracy" in capsys.readouterr().out
    (folder,) = (tmp_path / "elsewhere").iterdir()
    assert json.loads((folder / "metrics.json").read_text())["n"] == results[0]["n"]
    assert not (config.output_dir() / "eval").exists()
