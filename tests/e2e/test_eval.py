"""`sftflow eval` on a tiny model: predictions and metrics files, one comparison table."""

import json

from sftflow.cli import main


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
