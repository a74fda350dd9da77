"""`sftflow export` on a real run directory: the trained LoRA adapter is merged (once, parity-checked) and exported."""

import json
from pathlib import Path

import numpy as np
import pytest

from sftflow.cli import main


@pytest.mark.slow
def test_run_directory_to_onnx_through_the_command_line(make_config, tmp_path, capsys):
    import onnxruntime
    import torch
    from transformers import AutoModelForCausalLM

    path = make_config(max_steps=2, save_steps=2)
    assert main(["train", str(path)]) == 0
    out = tmp_path / "onnx"
    assert main(["export", str(tmp_path / "run"), "--format", "onnx", "--out", str(out)]) == 0
    assert f"exported (onnx) to {out}" in capsys.readouterr().out
    manifest = json.loads((out / "export.json").read_text())
    merged = Path(manifest["model"])  # the adapter merged into its base, parity-checked
    merge = json.loads((merged / "merge_manifest.json").read_text())
    assert merge["parity"]["passed"] and merge["sources"]["adapter"] == str(tmp_path / "run" / "final")
    assert manifest["checks"][0]["passed"] and manifest["checks"][0]["max_abs_diff"] < 1e-3
    assert sorted(p.name for p in out.iterdir()) == ["config.json", "export.json", "generation_config.json",
                                                     "onnx", "tokenizer.json", "tokenizer_config.json"]
    assert "chat_template" in json.loads((out / "tokenizer_config.json").read_text())

    # the exported graph computes the fine-tuned model (adapter merged), not the base
    model = AutoModelForCausalLM.from_pretrained(merged, dtype=torch.float32)
    ids = [[5, 17, 42, 8]]
    layers, heads = model.config.num_hidden_layers, model.config.num_key_value_heads
    head_dim = model.config.hidden_size // model.config.num_attention_heads
    feeds = {"input_ids": np.array(ids), "attention_mask": np.ones((1, 4), np.int64),
             "position_ids": np.arange(4)[None]}
    feeds |= {f"past_key_values.{i}.{k}": np.zeros((1, heads, 0, head_dim), np.float32)
              for i in range(layers) for k in ("key", "value")}
    logits = onnxruntime.InferenceSession(str(out / "onnx" / "model.onnx")).run(["logits"], feeds)[0]
    with torch.no_grad():
        assert np.abs(logits - model(torch.tensor(ids)).logits.numpy()).max() < 1e-4
