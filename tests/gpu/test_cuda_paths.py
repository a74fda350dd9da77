"""The code paths that need a CUDA GPU, on the tiny model: bf16, liger-kernel, QLoRA (bitsandbytes) through
training and merging. Skipped without CUDA; the prepared GPU run (bench/gpu) runs them."""

import json

import pytest
import torch
import yaml

from sftflow.config import load_config

pytestmark = pytest.mark.gpu


def trainable_weights(run_dir) -> dict:
    from safetensors.torch import load_file

    return load_file(str(run_dir / "final" / "adapter_model.safetensors"))


def first_loss(run_dir) -> float:
    history = json.loads((run_dir / "log_history.json").read_text())
    return next(entry["loss"] for entry in history if "loss" in entry)


def test_bf16_lora_training_on_cuda_changes_every_adapter_weight(make_config):
    from sftflow.train.run import run as train

    run_dir = train(load_config(make_config(bf16=True, max_steps=2, save_steps=2)))
    weights = trainable_weights(run_dir)
    lora_b = [name for name in weights if "lora_B" in name]
    assert lora_b and all(weights[name].abs().sum() > 0 for name in lora_b)  # B starts at zero: it trained
    assert json.loads((run_dir / "manifest.json").read_text())["status"] == "completed"


def test_liger_kernel_trains_to_the_same_first_loss(make_config, tmp_path):
    pytest.importorskip("liger_kernel")
    from sftflow.train.run import run as train

    plain = train(load_config(make_config("a.yaml", output_dir=str(tmp_path / "a"), use_liger_kernel=False,
                                          max_steps=1, save_steps=1)))
    liger = train(load_config(make_config("b.yaml", output_dir=str(tmp_path / "b"), use_liger_kernel=True,
                                          max_steps=1, save_steps=1)))
    assert first_loss(liger) == pytest.approx(first_loss(plain), rel=2e-2)


def test_qlora_trains_and_merges_into_the_full_precision_base_with_parity(make_config, tmp_path):
    pytest.importorskip("bitsandbytes")
    from sftflow.models.lora_merge import merge_adapter
    from sftflow.train.run import run as train

    run_dir = train(load_config(make_config(load_in_4bit=True, bnb_4bit_quant_type="nf4", max_steps=2,
                                            save_steps=2)))
    assert yaml.safe_load((run_dir / "config.yaml").read_text())["load_in_4bit"] is True
    merged = merge_adapter(run_dir, None, tmp_path / "merged", overwrite=False, parity_check=True, where="test")
    assert merged["trained_on_4bit_base"] and merged["parity"]["passed"]


def test_cuda_is_what_the_planner_and_trainer_see():
    from sftflow.device import has_cuda, memory_capacity

    capacity, name = memory_capacity(True)
    assert has_cuda() and capacity == torch.cuda.get_device_properties(0).total_memory and name
