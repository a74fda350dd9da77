"""Model merging through mergekit on tiny Llamas: method endpoints, sparse methods, vocabularies, run directories."""

import json
import shutil

import pytest
import torch
import yaml
from safetensors.torch import load_file

from sftflow.errors import UserError
from sftflow.merge.recipes import merge_models
from sftflow.models.output import MERGE_MANIFEST


def weights(folder) -> dict:
    return load_file(folder / "model.safetensors")


def max_diff(x: dict, y: dict) -> float:
    assert set(x) == set(y)
    return max((x[k].float() - y[k].float()).abs().max().item() for k in x)


def recipe(method: str, base, models: list, **extra) -> dict:
    return {"merge_method": method, "base_model": str(base) if base else None, "dtype": "float32",
            "models": [{"model": str(m), **({"parameters": p} if p else {})} for m, p in models], **extra}


@pytest.mark.parametrize("t", [0.0, 1.0])
def test_slerp_endpoints_are_the_two_models(tiny_pair, tmp_path, t):
    a, b = tiny_pair
    out = merge_models(recipe("slerp", a, [(a, None), (b, None)], parameters={"t": t}), tmp_path / "out", False)
    merged = weights(tmp_path / "out")
    assert max_diff(merged, weights(a if t == 0 else b)) < 1e-6
    assert max_diff(merged, weights(b if t == 0 else a)) > 1e-2
    assert out["merge_method"] == "slerp" and out["sources"][str(a)] == str(a)


def test_task_arithmetic_with_weight_zero_is_the_base(tiny_pair, tmp_path):
    a, b = tiny_pair
    merge_models(recipe("task_arithmetic", a, [(b, {"weight": 0.0})]), tmp_path / "out", False)
    assert max_diff(weights(tmp_path / "out"), weights(a)) < 1e-6


def test_linear_is_the_weighted_average(tiny_pair, tmp_path):
    a, b = tiny_pair
    merge_models(recipe("linear", None, [(a, {"weight": 0.25}), (b, {"weight": 0.75})]), tmp_path / "out", False)
    wa, wb = weights(a), weights(b)
    assert max_diff(weights(tmp_path / "out"), {k: 0.25 * wa[k] + 0.75 * wb[k] for k in wa}) < 1e-6


@pytest.mark.parametrize("method", ["ties", "dare_linear", "dare_ties"])
def test_sparse_methods_complete_and_change_weights(tiny_pair, tmp_path, method):
    a, b = tiny_pair
    spec = recipe(method, a, [(b, {"weight": 0.7, "density": 0.5})], seed=1)
    merge_models(spec, tmp_path / "out", False)
    merged = weights(tmp_path / "out")
    assert all(torch.isfinite(v).all() for v in merged.values())
    assert max_diff(merged, weights(a)) > 1e-3 and max_diff(merged, weights(b)) > 1e-3
    moved = weights(b)["model.layers.0.mlp.up_proj.weight"] - weights(a)["model.layers.0.mlp.up_proj.weight"]
    kept = merged["model.layers.0.mlp.up_proj.weight"] != weights(a)["model.layers.0.mlp.up_proj.weight"]
    assert 0.3 < kept.float().mean().item() < 0.7 and moved.abs().min() > 0  # about `density` of changes kept
    manifest = json.loads((tmp_path / "out" / MERGE_MANIFEST).read_text())
    assert manifest["merge_method"] == method and manifest["versions"]["mergekit"] == "0.1.5"
    assert {"config.json", "generation_config.json", "tokenizer.json", "chat_template.jinja"} <= {
        p.name for p in (tmp_path / "out").iterdir()}
    if method.startswith("dare"):  # random drops, but seeded: the same recipe gives the same model
        merge_models(spec, tmp_path / "again", False)
        assert max_diff(weights(tmp_path / "again"), merged) == 0


@pytest.fixture(scope="module")
def model_with_more_tokens(tmp_path_factory, tiny_model_dir, make_tiny_llama):
    """The tiny Llama's tokenizer plus five added tokens, on a model of the matching size."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    tokenizer.add_tokens([f"<extra_{i}>" for i in range(5)])
    return make_tiny_llama(tmp_path_factory.mktemp("more-tokens") / "model", 4, tokenizer)


@pytest.mark.parametrize("choice", [{"tokenizer_source": "base"}, {"tokenizer": {"source": "base"}}])
def test_vocabulary_mismatch_is_refused_unless_a_tokenizer_is_named(tiny_pair, model_with_more_tokens, tmp_path,
                                                                    choice):
    a, _ = tiny_pair
    spec = recipe("ties", a, [(model_with_more_tokens, {"weight": 0.5, "density": 0.5})])
    with pytest.raises(UserError, match="different vocabularies .*tokenizer_source"):
        merge_models(spec, tmp_path / "out", False)
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out.partial-*"))
    merge_models({**spec, **choice}, tmp_path / "out", False)
    assert weights(tmp_path / "out")["lm_head.weight"].shape == weights(a)["lm_head.weight"].shape


def test_a_run_directory_is_merged_into_its_base_first(fake_run, tiny_model_dir, tmp_path, monkeypatch, capsys):
    from sftflow.models.lora_merge import merge_adapter

    monkeypatch.setenv("SFTFLOW_CACHE", str(tmp_path / "cache"))
    run = fake_run()
    spec = recipe("linear", None, [(run, {"weight": 1.0}), (tiny_model_dir, {"weight": 0.0})])
    merge_models(spec, tmp_path / "out", False)
    merge_adapter(run, None, tmp_path / "direct", False, False, "test")
    assert max_diff(weights(tmp_path / "out"), weights(tmp_path / "direct")) < 1e-6
    assert len(list((tmp_path / "cache" / "merged-adapters").iterdir())) == 1
    merge_models(spec, tmp_path / "again", False)
    assert "using the adapter merged earlier" in capsys.readouterr().out


def test_a_full_fine_tune_run_directory_is_its_final_model(tiny_pair, tmp_path):
    a, b = tiny_pair
    run = tmp_path / "run"
    shutil.copytree(b, run / "final")
    (run / "manifest.json").write_text(json.dumps({"status": "completed", "peft": False,
                                                   "final_model": str(run / "final"), "best_metric": None}))
    result = merge_models(recipe("slerp", a, [(a, None), (run, None)], parameters={"t": 1.0}), tmp_path / "out", False)
    assert result["sources"][str(run)] == str(run / "final")
    assert max_diff(weights(tmp_path / "out"), weights(b)) < 1e-6


def test_refuses_a_different_model_unless_overwrite(tiny_pair, tmp_path):
    a, b = tiny_pair
    out = tmp_path / "out"
    shutil.copytree(b, out)
    spec = recipe("slerp", a, [(a, None), (b, None)], parameters={"t": 0.0})
    with pytest.raises(UserError, match=f"{out} already holds a different model"):
        merge_models(spec, out, False)
    assert max_diff(weights(out), weights(b)) == 0
    merge_models(spec, out, True)
    assert max_diff(weights(out), weights(a)) < 1e-6
    merge_models(spec, out, False)  # the same recipe again may replace its own output


@pytest.mark.parametrize("change, message", [
    ({"merge_method": "tie"}, "unknown merge_method 'tie' \\(known: .*\\); did you mean 'ties'\\?"),
    ({"base_modle": "x"}, "unknown recipe key 'base_modle' \\(did you mean 'base_model'\\?\\)"),
    ({"slices": []}, "slices and modules are mergekit-only"),
    ({"base_model": None}, "ties needs a base_model"),
    ({"models": [{"model": "a", "parameters": {"wieght": 1}}]}, "no parameter 'wieght' \\(did you mean 'weight'"),
    ({"models": "a"}, "'models' must be a list"),
    ({"merge_method": "slerp", "parameters": {"t": 0.5}}, "slerp takes 2 models"),
    ({"models": [{"model": "/nonexistent/model"}]}, "model not found: /nonexistent/model"),
])
def test_recipe_errors_name_the_problem(tmp_path, change, message):
    spec = {"merge_method": "ties", "base_model": "base", "models": [{"model": "a"}, {"model": "b"}], **change}
    with pytest.raises(UserError, match=message):
        merge_models(spec, tmp_path / "out", False)
    assert not (tmp_path / "out").exists()


def test_run_recipe_reads_paths_next_to_the_recipe(tiny_pair, tmp_path, monkeypatch):
    from sftflow.merge.run import read_recipe, run_recipe

    a, b = tiny_pair
    shutil.copytree(a, tmp_path / "models" / "a")
    shutil.copytree(b, tmp_path / "models" / "b")
    path = tmp_path / "models" / "slerp.yml"
    path.write_text(yaml.safe_dump({"merge_method": "slerp", "base_model": "a", "models": [{"model": "a"},
                                    {"model": "b"}], "parameters": {"t": 1.0}, "output_dir": "merged"}))
    monkeypatch.chdir(tmp_path)
    assert read_recipe(path) and read_recipe(tmp_path / "missing.yml") is None
    assert run_recipe(path, overwrite=False)[0] == tmp_path / "merged"
    assert max_diff(weights(tmp_path / "merged"), weights(b)) < 1e-6
