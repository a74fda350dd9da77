"""`sftflow data mix`: rows of several datasets, each rendered with its own templates, in one training set."""

import json
from pathlib import Path

import yaml

from sftflow.cli import main

MEDQA_PROMPTS = Path(__file__).resolve().parents[2] / "examples" / "medqa" / "prompts"


def test_mix_by_count_and_weight_then_train_on_it(make_config, tiny_model_dir, medqa_path, tmp_path, capsys):
    general = tmp_path / "general.yaml"
    general.write_text(yaml.safe_dump({"model_name_or_path": str(tiny_model_dir), "dataset_name": str(medqa_path),
                                       "prompts_path": str(MEDQA_PROMPTS)}))
    path = make_config(data={"mix": [{"config": str(general), "count": 10}], "mix_seed": 3})
    out = tmp_path / "mixed"
    assert main(["data", "mix", str(path), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in (out / "mixed.jsonl").read_text().splitlines()]
    sources = [r["source"] for r in rows]
    assert len(rows) == 48 + 10 and sources.count(str(general)) == 10
    assert any("The answer is (" in r["assistant"] for r in rows)  # MedQA rows kept their own templates
    assert any(r["assistant"].startswith("```sql") for r in rows)
    record = json.loads((out / "mix.json").read_text())
    assert [p["taken"] for p in record["parts"]] == [48, 10]
    again = tmp_path / "again"
    assert main(["data", "mix", str(path), "--out", str(again)]) == 0
    assert (again / "mixed.jsonl").read_bytes() == (out / "mixed.jsonl").read_bytes()  # same inputs, same output
    # the mix trains as it is, with its pass-through templates
    mixed = make_config("train-mix.yaml", dataset_name=str(out / "mixed.jsonl"), prompts_path=str(out / "prompts"),
                        output_dir=str(tmp_path / "run-mix"), max_steps=1, save_steps=1)
    assert main(["train", str(mixed)]) == 0
    weight = make_config("w.yaml", data={"mix": [{"config": str(general), "weight": 0.5}]})
    assert main(["data", "mix", str(weight), "--out", str(tmp_path / "w")]) == 0
    assert json.loads((tmp_path / "w" / "mix.json").read_text())["parts"][1]["taken"] == 24
    bad = make_config("bad.yaml", data={"mix": [{"config": str(general), "count": 1, "weight": 0.1}]})
    capsys.readouterr()
    assert main(["data", "mix", str(bad), "--out", str(tmp_path / "b")]) == 2
    assert "data.mix[0]" in capsys.readouterr().err
