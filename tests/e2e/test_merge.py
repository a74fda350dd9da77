"""Train a LoRA on the tiny Llama, merge it with `sftflow merge`'s stage, then merge models with the run in a recipe."""

import json

from safetensors.torch import load_file

from sftflow.config import load_config
from sftflow.merge.recipes import merge_models
from sftflow.merge.run import run as merge
from sftflow.train.run import run as train


def test_train_merge_and_merge_again_in_a_recipe(make_config, tiny_model_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SFTFLOW_CACHE", str(tmp_path / "cache"))
    config = load_config(make_config(max_steps=2, save_steps=2))
    run_dir = train(config)
    out = merge(config)
    assert out == run_dir / "merged"
    manifest = json.loads((run_dir / "manifest.json").read_text())
    merged = json.loads((out / "merge_manifest.json").read_text())
    assert manifest["merged_model"] == out.name and merged["parity"]["passed"] is True
    assert merged["chat_template_sha256"] == manifest["chat_template_sha256"]  # the template trained with
    assert merged["sources"]["adapter"] == str(run_dir / "final")
    tuned, base = load_file(out / "model.safetensors"), load_file(tiny_model_dir / "model.safetensors")
    unchanged = {name for name in base if base[name].equal(tuned[name])}
    # every linear layer LoRA trained changed; embeddings, output head and norms (no LoRA there) did not
    assert unchanged == {"model.embed_tokens.weight", "lm_head.weight"} | {n for n in base if "norm" in n}

    # the run directory in a recipe: merged into its base first; SLERP t=1 is the fine-tuned model
    recipe = {"merge_method": "slerp", "base_model": str(tiny_model_dir), "dtype": "float32",
              "models": [{"model": str(tiny_model_dir)}, {"model": str(run_dir)}], "parameters": {"t": 1.0}}
    merge_models(recipe, tmp_path / "slerp", overwrite=False)
    slerp = load_file(tmp_path / "slerp" / "model.safetensors")
    assert max((slerp[k] - tuned[k]).abs().max().item() for k in tuned) < 1e-6


def test_merge_command_line(make_config, tmp_path, capsys):
    from sftflow.cli import main

    path = make_config(max_steps=2, save_steps=2)
    assert main(["train", str(path)]) == 0
    for name in ("merged.old", "merged.partial"):  # the user's own folders beside the output: never removed
        (tmp_path / "run" / name).mkdir()
        (tmp_path / "run" / name / "notes.txt").write_text(name)
    assert main(["merge", str(path)]) == 0
    assert main(["merge", str(path)]) == 0  # again: the previous merged/ is replaced through a folder of its own
    assert "merged model:" in capsys.readouterr().out
    assert all((tmp_path / "run" / n / "notes.txt").read_text() == n for n in ("merged.old", "merged.partial"))
    merged = tmp_path / "run" / "merged"
    assert (merged / "model.safetensors").is_file() and (merged / "chat_template.jinja").is_file()
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["merged_model"] == merged.name and manifest["train_dtype"] == "float32"


def test_recipe_capability_check_scores_inputs_and_merged_model(make_config, tiny_model_dir, tmp_path, capsys):
    import yaml

    from sftflow.cli import main

    task = make_config("task.yaml", max_steps=2, save_steps=2)
    assert main(["train", str(task)]) == 0
    recipe = tmp_path / "recipe.yml"
    recipe.write_text(yaml.safe_dump({
        "merge_method": "linear", "dtype": "float32", "output_dir": str(tmp_path / "soup"),
        "models": [{"model": str(tiny_model_dir), "parameters": {"weight": 0.5}},
                   {"model": str(tmp_path / "run"), "parameters": {"weight": 0.5}}],
        "evaluate": [str(task)]}))
    capsys.readouterr()
    assert main(["merge", str(recipe)]) == 0
    out = capsys.readouterr().out
    assert "capability check on task.yaml" in out
    table = out[out.index("sql_execution accuracy"):]
    assert str(tiny_model_dir)[-20:] in table and "soup" in table
    results = list((tmp_path / "soup-capability" / "task" / "eval").iterdir())
    assert len(results) == 3  # two inputs and the merged model
