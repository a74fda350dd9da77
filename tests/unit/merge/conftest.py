"""Merge fixtures: a LoRA adapter with non-zero weights on the tiny Llama, and tiny Llamas of other seeds."""

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_tokenizer(tiny_model_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model_dir)


@pytest.fixture(scope="session")
def lora_adapter(tmp_path_factory, tiny_model_dir, tiny_tokenizer) -> Path:
    """A LoRA adapter (r 4, all linear layers) on the tiny Llama with random A *and* B: merging changes logits."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(3)
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)
    model = get_peft_model(base, LoraConfig(r=4, lora_alpha=8, target_modules="all-linear",
                                            init_lora_weights=False))
    path = tmp_path_factory.mktemp("adapter")
    model.save_pretrained(path)
    tiny_tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def tiny_pair(tmp_path_factory, tiny_tokenizer, make_tiny_llama) -> tuple[Path, Path]:
    """Two tiny Llamas of the same shape and tokenizer, drawn from different seeds."""
    root = tmp_path_factory.mktemp("pair")
    return make_tiny_llama(root / "a", 1, tiny_tokenizer), make_tiny_llama(root / "b", 2, tiny_tokenizer)


@pytest.fixture
def fake_run(tmp_path, lora_adapter):
    """An sftflow run directory whose final model is the adapter (as the train stage leaves it)."""
    import json

    def make(best_metric=None, config: dict | None = None) -> Path:
        run = tmp_path / "run"
        shutil.copytree(lora_adapter, run / "final")
        shutil.copytree(lora_adapter, run / "checkpoint-2")
        (run / "manifest.json").write_text(json.dumps({
            "status": "completed", "peft": True, "model_class": "AutoModelForCausalLM",
            "final_model": str(run / "final"), "best_checkpoint": str(run / "checkpoint-2"),
            "best_metric": best_metric}))
        if config is not None:
            import yaml

            (run / "config.yaml").write_text(yaml.safe_dump(config))
        return run

    return make
