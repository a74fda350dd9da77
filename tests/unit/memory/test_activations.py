"""The activation formulas against what autograd really keeps: saved-tensor hooks on a tiny model (fp32, CPU)."""

import pytest
import torch

from sftflow.memory import activations as act
from sftflow.memory.architecture import architecture
from sftflow.memory.setup import Setup

BATCH, SEQ = 2, 64


def _saved_bytes(model, backbone, padded: bool) -> int:
    """Bytes of the distinct storages the backbone's forward keeps for backward (parameters excluded)."""
    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    kept = {}

    def pack(tensor):
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in params:
            kept[storage.data_ptr()] = storage.nbytes()
        return tensor

    ids = torch.randint(0, 500, (BATCH, SEQ))
    mask = torch.ones(BATCH, SEQ, dtype=torch.long)
    if padded:
        mask[-1, SEQ // 2:] = 0
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        backbone(input_ids=ids, attention_mask=mask)
    return sum(kept.values())


@pytest.mark.parametrize("attention", ["sdpa", "eager"])
@pytest.mark.parametrize("padded", [False, True])
@pytest.mark.parametrize("lora", [False, True])
def test_saved_activations_match_autograd(attention, padded, lora):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=500, hidden_size=64, intermediate_size=160, num_hidden_layers=3,
                         num_attention_heads=4, num_key_value_heads=2, attn_implementation=attention)
    model = LlamaForCausalLM(config)
    backbone = model.model
    if lora:
        from peft import LoraConfig, get_peft_model

        model = get_peft_model(model, LoraConfig(r=8, target_modules="all-linear"))
        backbone = model.base_model.model.model
    setup = Setup(device="cpu", peft=lora, lora_r=8, lora_targets=("all-linear",), batch_size=BATCH, seq_len=SEQ,
                  padded=padded, attention=attention, gradient_checkpointing=False)
    predicted = act.saved(architecture(config.to_dict()), setup)
    # within 2%: LoRA's first layer keeps a little less (its input comes from a frozen embedding)
    assert predicted == pytest.approx(_saved_bytes(model, backbone, padded), rel=0.02)


def test_gradient_checkpointing_keeps_layer_inputs_only():
    arch = architecture({"model_type": "llama", "hidden_size": 64, "intermediate_size": 160, "num_hidden_layers": 3,
                         "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 500})
    setup = Setup(device="cpu", batch_size=BATCH, seq_len=SEQ, padded=False, gradient_checkpointing=True)
    assert act.checkpoints(arch, setup) == 3 * BATCH * SEQ * 64 * 4
    assert act.layer_working_set(arch, setup) > act.layer_saved(arch, setup)  # one layer is recomputed
