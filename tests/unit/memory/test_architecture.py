"""Parameter counts from config.json against real (tiny) transformers models, and LoRA counts against peft."""

import json

import pytest

from sftflow.config import load_config
from sftflow.errors import UserError
from sftflow.memory.activations import adapted
from sftflow.memory.architecture import KNOWN_CONFIGS, architecture, read_model_config
from sftflow.memory.estimate import trainable_params
from sftflow.memory.setup import Setup
from sftflow.settings import plan_request

TEXT = dict(vocab_size=500, hidden_size=64, intermediate_size=160, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2)


def _llama(**extra):
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(**{**TEXT, **extra})
    return LlamaForCausalLM(config), config


def _gemma3_text():
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig

    config = Gemma3TextConfig(**{**TEXT, "head_dim": 32, "num_key_value_heads": 1})
    return Gemma3ForCausalLM(config), config


def _qwen2():
    from transformers import Qwen2Config, Qwen2ForCausalLM

    config = Qwen2Config(**TEXT)
    return Qwen2ForCausalLM(config), config


def _qwen3():
    from transformers import Qwen3Config, Qwen3ForCausalLM

    config = Qwen3Config(**TEXT, head_dim=32)
    return Qwen3ForCausalLM(config), config


def _gemma3_vision(use_head: bool = False):
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration

    config = Gemma3Config(text_config={**TEXT, "head_dim": 32},
                          vision_config=dict(hidden_size=48, intermediate_size=96, num_hidden_layers=2,
                                             num_attention_heads=4, patch_size=8, image_size=32,
                                             vision_use_head=use_head),
                          mm_tokens_per_image=4)
    return Gemma3ForConditionalGeneration(config), config


BUILDERS = {
    "llama-untied": lambda: _llama(tie_word_embeddings=False),
    "llama-tied-head-dim": lambda: _llama(tie_word_embeddings=True, head_dim=32),
    "llama-biases": lambda: _llama(attention_bias=True, mlp_bias=True, tie_word_embeddings=False),
    "gemma3-text": _gemma3_text,
    "qwen2-qkv-bias": _qwen2,
    "qwen3-qk-norm": _qwen3,
    "gemma3-multimodal": _gemma3_vision,
    "gemma3-vision-head": lambda: _gemma3_vision(use_head=True),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_parameter_count_is_exact(name):
    model, config = BUILDERS[name]()
    real = sum(p.numel() for p in model.parameters())
    assert architecture(config.to_dict()).total_params == real


@pytest.mark.parametrize("targets", ["all-linear", ["q_proj", "v_proj"], ["o_proj", "down_proj", "fc1"]])
@pytest.mark.parametrize("name", ["llama-untied", "gemma3-text", "gemma3-multimodal"])
def test_lora_trainable_count_matches_peft(name, targets):
    from peft import LoraConfig, get_peft_model

    model, config = BUILDERS[name]()
    peft_model = get_peft_model(model, LoraConfig(r=8, target_modules=targets))
    trainable, _ = peft_model.get_nb_trainable_parameters()
    setup = Setup(device="cpu", peft=True, lora_r=8,
                  lora_targets=(targets,) if isinstance(targets, str) else tuple(targets))
    assert trainable_params(architecture(config.to_dict()), setup)[0] == trainable


def test_dora_adds_a_magnitude_per_output():
    from peft import LoraConfig, get_peft_model

    model, config = BUILDERS["llama-untied"]()
    peft_model = get_peft_model(model, LoraConfig(r=4, target_modules="all-linear", use_dora=True))
    setup = Setup(device="cpu", peft=True, lora_r=4, lora_targets=("all-linear",), dora=True)
    assert trainable_params(architecture(config.to_dict()), setup)[0] == peft_model.get_nb_trainable_parameters()[0]


def test_known_configs_have_their_published_sizes():
    sizes = {name: architecture(source).total_params for name, source in KNOWN_CONFIGS.items()}
    assert sizes["google/gemma-3-4b-it"] == pytest.approx(4.30e9, rel=0.01)  # "4B": 3.88B text + 0.42B vision
    assert sizes["google/gemma-3-270m-it"] == pytest.approx(268e6, rel=0.01)
    assert sizes["HuggingFaceTB/SmolLM2-135M-Instruct"] == 134_515_008  # the converted demo model's tensors
    gemma = architecture(KNOWN_CONFIGS["google/gemma-3-4b-it"])
    assert (gemma.hidden, gemma.layers, gemma.intermediate, gemma.vocab) == (2560, 34, 10240, 262208)
    assert (gemma.heads, gemma.kv_heads, gemma.head_dim, gemma.tied) == (8, 4, 256, True)


def test_all_linear_adapts_the_vision_tower_too():
    arch = architecture(KNOWN_CONFIGS["google/gemma-3-4b-it"])
    names = {lin.name for lin in adapted(arch, Setup(peft=True, lora_targets=("all-linear",)))}
    assert {"q_proj", "down_proj", "fc1", "out_proj"} <= names


def _request(model: str):
    """The planner's view of a config that names only `model`."""
    return plan_request(load_config(None, {"model_name_or_path": model}), cuda=True)


def test_reads_a_local_model_folder(tmp_path):
    _, config = _qwen2()
    (tmp_path / "config.json").write_text(json.dumps(config.to_dict()))
    source = read_model_config(_request(str(tmp_path)))
    assert architecture(source).model_type == "qwen2"


def test_known_hub_id_needs_no_download():
    source = read_model_config(_request("google/gemma-3-270m-it"))
    assert architecture(source).layers == 18


def test_unknown_hub_id_says_to_pass_a_local_folder():
    with pytest.raises(UserError, match="local model folder"):
        read_model_config(_request("someone/unknown-model-7b"))


def test_mixture_of_experts_is_refused_clearly():
    with pytest.raises(UserError, match="mixture-of-experts"):
        architecture({"model_type": "mixtral", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                      "intermediate_size": 128, "num_local_experts": 4})
