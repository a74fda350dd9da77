"""The streaming LoRA merge: shard by shard and tensor by tensor, equal to peft's merge, with its parity bound."""

import json

import pytest
import torch
from safetensors.torch import load_file

from sftflow.models import lora_stream
from sftflow.models.lora_merge import merge_adapter


def make_adapter(base_dir, path, seed=3, **lora):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
    model = get_peft_model(base, LoraConfig(**{"r": 4, "lora_alpha": 8, "target_modules": "all-linear",
                                               "init_lora_weights": False, **lora}))
    model.save_pretrained(path)
    return path


def peft_merged(base_dir, adapter):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
    return PeftModel.from_pretrained(base, adapter).merge_and_unload().state_dict()


@pytest.fixture(scope="module")
def sharded_base(tmp_path_factory, tiny_model_dir, tiny_tokenizer):
    """The tiny Llama saved in shards of at most 20 kB, with its index."""
    from transformers import AutoModelForCausalLM

    path = tmp_path_factory.mktemp("sharded")
    AutoModelForCausalLM.from_pretrained(tiny_model_dir).save_pretrained(path, max_shard_size="20KB")
    tiny_tokenizer.save_pretrained(path)
    assert len(list(path.glob("model-*.safetensors"))) > 2
    return path


def test_a_sharded_base_is_merged_shard_by_shard_into_the_same_layout(sharded_base, tmp_path, capsys):
    from transformers import AutoModelForCausalLM

    adapter = make_adapter(sharded_base, tmp_path / "adapter")
    result = merge_adapter(adapter, None, tmp_path / "out", overwrite=False, parity_check=True, where="test")
    printed = capsys.readouterr().out
    assert "shard by shard" in printed and "whole model in memory" not in printed and "passed" in printed
    shards = sorted(p.name for p in sharded_base.glob("model-*.safetensors"))
    assert sorted(p.name for p in (tmp_path / "out").glob("model-*.safetensors")) == shards
    index = json.loads((tmp_path / "out" / "model.safetensors.index.json").read_text())
    base_index = json.loads((sharded_base / "model.safetensors.index.json").read_text())
    assert index["weight_map"] == base_index["weight_map"]
    assert index["metadata"]["total_size"] == sum((tmp_path / "out" / s).stat().st_size - _header(tmp_path / "out" / s)
                                                  for s in shards)
    expected = peft_merged(sharded_base, adapter)
    merged = AutoModelForCausalLM.from_pretrained(tmp_path / "out", dtype=torch.float32).state_dict()
    assert merged.keys() == expected.keys()
    for name, tensor in expected.items():
        assert torch.allclose(merged[name], tensor, atol=1e-6, rtol=0), name
    assert result["parity"]["merged_tensors"] == 14 and result["parity"]["copied_tensors"] == len(expected) - 14


def _header(path):
    import struct

    with open(path, "rb") as handle:
        return 8 + struct.unpack("<Q", handle.read(8))[0]


def test_rslora_scale_is_alpha_over_the_root_of_the_rank(tiny_model_dir, tmp_path):
    adapter = make_adapter(tiny_model_dir, tmp_path / "adapter", use_rslora=True, r=4, lora_alpha=6)
    stream, why = lora_stream.plan(adapter, str(tiny_model_dir))
    assert why == "" and stream.scale == pytest.approx(3.0)
    merge_adapter(adapter, None, tmp_path / "out", overwrite=False, parity_check=True, where="test")
    merged, expected = load_file(tmp_path / "out" / "model.safetensors"), peft_merged(tiny_model_dir, adapter)
    name = "model.layers.0.mlp.down_proj.weight"
    assert torch.allclose(merged[name], expected[name], atol=1e-6, rtol=0)


@pytest.mark.parametrize("lora, reason", [
    ({"use_dora": True}, "the adapter sets use_dora"),
    ({"target_modules": ["q_proj"], "modules_to_save": ["lm_head"]}, "more than LoRA pairs"),
])
def test_what_cannot_stream_is_merged_in_memory_and_says_why(tiny_model_dir, tmp_path, capsys, lora, reason):
    adapter = make_adapter(tiny_model_dir, tmp_path / "adapter", **lora)
    stream, why = lora_stream.plan(adapter, str(tiny_model_dir))
    assert stream is None and reason in why
    result = merge_adapter(adapter, None, tmp_path / "out", overwrite=False, parity_check=True, where="test")
    assert f"merging with the whole model in memory: {why}" in capsys.readouterr().out
    assert result["parity"]["passed"] and "prompts" in result["parity"]


def test_a_hub_id_or_a_renamed_checkpoint_is_not_streamed(lora_adapter, tiny_model_dir, tmp_path):
    assert lora_stream.plan(lora_adapter, "org/model")[1] == "the base is not a local folder of safetensors files"
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    weights = load_file(tiny_model_dir / "model.safetensors")
    from safetensors.torch import save_file

    save_file({name.replace("model.layers", "model.decoder.layers"): t for name, t in weights.items()},
              renamed / "model.safetensors")
    stream, why = lora_stream.plan(lora_adapter, str(renamed))
    assert stream is None and "checkpoint names differ" in why


def test_the_shard_writer_refuses_a_tensor_its_header_does_not_hold(tmp_path):
    header = {"a": {"dtype": "BF16", "shape": [2, 3]}, "n": {"dtype": "I64", "shape": [4]}}
    with lora_stream.ShardWriter(tmp_path / "x.safetensors", header, "F32") as writer:
        writer.write("a", torch.ones(2, 3))
        with pytest.raises(RuntimeError, match="does not match"):
            writer.write("n", torch.ones(4))  # an int tensor keeps its dtype
        writer.write("n", torch.arange(4))
    loaded = load_file(tmp_path / "x.safetensors")
    assert loaded["a"].dtype == torch.float32 and loaded["n"].tolist() == [0, 1, 2, 3]
    with (pytest.raises(RuntimeError, match="1 of 2 tensors"),
          lora_stream.ShardWriter(tmp_path / "y.safetensors", header, "F32") as writer):
        writer.write("a", torch.ones(2, 3))


def test_the_bound_catches_a_scale_off_by_a_little(lora_adapter, tiny_model_dir, tmp_path, monkeypatch):
    """A merge whose scale is 0.1% off (s x 1.001) is outside float32 rounding: the check fails."""
    real = lora_stream.merged_weight
    monkeypatch.setattr(lora_stream, "merged_weight",
                        lambda w, a, b, scale, name: real(w, a, b, scale * 1.001, name))
    from sftflow.errors import UserError

    with pytest.raises(UserError, match="parity check failed"):
        merge_adapter(lora_adapter, None, tmp_path / "out", overwrite=False, parity_check=True, where="test")
    assert list(tmp_path.iterdir()) == []
