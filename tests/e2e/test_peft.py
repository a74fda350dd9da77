"""Each PEFT method trains a tiny model on CPU and changes every trainable tensor."""

import json

import pytest
from safetensors.torch import load_file

from sftflow.config import load_config
from sftflow.train.run import run

METHODS = {
    "lora": ({}, "LORA"),
    "dora": ({"use_dora": True}, "LORA"),
    "rslora": ({"use_rslora": True}, "LORA"),
    "adalora": ({"train": {"peft_method": "adalora"}}, "ADALORA"),
    "ia3": ({"train": {"peft_method": "ia3"}}, "IA3"),
}


@pytest.mark.parametrize("method", METHODS)
def test_peft_method_trains(make_config, method):
    overrides, peft_type = METHODS[method]
    run_dir = run(load_config(make_config(max_steps=4, save_steps=2, learning_rate=2e-2, **overrides)))
    adapter_config = json.loads((run_dir / "final" / "adapter_config.json").read_text())
    assert adapter_config["peft_type"] == peft_type
    assert adapter_config.get("use_dora", False) is (method == "dora")
    assert adapter_config.get("use_rslora", False) is (method == "rslora")
    before = load_file(run_dir / "checkpoint-2" / "adapter_model.safetensors")
    after = load_file(run_dir / "checkpoint-4" / "adapter_model.safetensors")
    if method == "adalora":
        # the budget callback pruned ranks (to 2 on average from 4); pruned ranks stop moving, by design
        kept = sum(sum(mask) for mask in adapter_config["rank_pattern"].values())
        assert kept < 4 * len(adapter_config["rank_pattern"])
        assert any(not before[n].equal(after[n]) for n in before if n.endswith("lora_E"))
        return
    assert before and [name for name in before if before[name].equal(after[name])] == []


def test_adalora_rejects_dora(make_config, capsys):
    from sftflow.cli import main

    assert main(["train", str(make_config(use_dora=True, train={"peft_method": "adalora"}))]) == 2
    assert "adalora does not combine with use_dora" in capsys.readouterr().err


@pytest.mark.parametrize("method", ["dora", "rslora", "adalora", "ia3"])
def test_peft_method_merges_with_parity(make_config, method, tmp_path):
    from sftflow.merge.run import run as merge

    overrides, _ = METHODS[method]
    config = load_config(make_config(max_steps=2, save_steps=2, learning_rate=2e-2, **overrides))
    run(config)
    merged = merge(config)
    manifest = json.loads((merged / "merge_manifest.json").read_text())
    assert (merged / "model.safetensors").is_file() and "passed" in json.dumps(manifest["parity"])


@pytest.mark.parametrize("method", ["lora", "adalora"])
def test_lora_last_layers_adapts_only_the_top_blocks_and_merges(make_config, method):
    """train.lora_last_layers: 1 on the 2-block tiny model: every linear layer of block 1 has an adapter that
    trained, block 0 has none (so the backward pass stops above it), and the merge keeps parity."""
    from sftflow.merge.run import run as merge

    overrides, _ = METHODS[method]
    train = {**overrides.get("train", {}), "lora_last_layers": 1}
    config = load_config(make_config(max_steps=2, save_steps=2, learning_rate=2e-2, train=train))
    run_dir = run(config)
    adapter_config = json.loads((run_dir / "final" / "adapter_config.json").read_text())
    assert adapter_config["layers_to_transform"] == [1]
    weights = load_file(run_dir / "final" / "adapter_model.safetensors")
    modules = {name.split(".layers.")[1].split(".lora_")[0] for name in weights if ".lora_" in name}
    assert modules == {f"1.{kind}.{proj}" for kind, projs in
                       (("self_attn", ("q_proj", "k_proj", "v_proj", "o_proj")),
                        ("mlp", ("gate_proj", "up_proj", "down_proj"))) for proj in projs}
    manifest = json.loads((merge(config) / "merge_manifest.json").read_text())
    assert "passed" in json.dumps(manifest["parity"])

