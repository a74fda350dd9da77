"""Loading models and tokenizers (local folders, Hub ids): `load(ref, purpose)` for training, merging and running."""

from collections.abc import Mapping
from pathlib import Path

from sftflow.errors import UserError
from sftflow.settings import setting

AUTO_CLASSES = ("AutoModelForCausalLM", "AutoModelForImageTextToText")


def config_model(config):
    """The ModelRef of the config's model_name_or_path (relative paths: as written, else beside the file)."""
    from sftflow.models.reference import resolve

    return resolve(config.model_name, config.where, config.base_dir)


def tokenizer_for(config, ref=None) -> tuple[object, object]:
    """(the config's ModelRef, its tokenizer with the config's chat template if one is given)."""
    ref = ref or config_model(config)
    ref.check_reachable(config.where)
    template = config.sft.get("chat_template_path")
    template_path = config.resolve_path(template) if template else None
    if template and (template_path is None or not template_path.is_file()):
        raise UserError(f"chat_template_path does not exist: {template}", config.where)
    trust = bool(setting(config, "trust_remote_code"))
    return ref, load_tokenizer(ref.tokenizer_location(), trust, config.where, template_path)


def load_tokenizer(name: str | Path, trust_remote_code: bool = False, where: str | None = None,
                   chat_template_path: Path | None = None, chat: bool = True):
    """The one place a tokenizer is loaded. `chat` (training, evaluation): the chat template is required (or given
    by `chat_template_path`) and a missing pad token becomes the end token. `chat=False` (serving, export, merging):
    the tokenizer as saved. A tokenizer that cannot be loaded is a UserError naming it."""
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(name, trust_remote_code=trust_remote_code)
    except (OSError, ValueError) as e:
        raise UserError(f"cannot load the tokenizer of '{name}': {str(e).splitlines()[0]}", where) from e
    if not chat:
        return tokenizer
    if chat_template_path is not None:
        tokenizer.chat_template = Path(chat_template_path).read_text(encoding="utf-8")
    if tokenizer.chat_template is None:
        raise UserError(f"the tokenizer of '{name}' has no chat template; set chat_template_path", where)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token  # padding is masked out of the loss by the collator
    return tokenizer


def chat_ids(tokenizer, messages: list[dict], add_generation_prompt: bool = False) -> list[int]:
    """Token ids of messages under the tokenizer's chat template (the template adds any BOS itself): the one
    place messages become tokens, for training, evaluation, serving and the merge parity check."""
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def inference_device() -> str:
    """Where models are loaded for generation and merging: the GPU when there is one. (Also a necessity: a process
    that trained with liger-kernel has its Triton kernels patched into transformers' model classes, and those run
    on CUDA tensors only; seen on an H200 when a QLoRA run was merged in the process that trained it.)"""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


# What each use of a model needs beyond float32 weights in eval mode
PURPOSES = {
    "train": {"as_given": True},  # the resolved settings' from_pretrained arguments as they are (dtype, quantization)
    "merge": {"on_device": True},  # the base under an adapter being merged, in the dtype the merge names
    "eval": {"on_device": True},  # generation for eval answers: on the GPU when there is one; adapters unmerged
    "serve": {},  # the transformers engine of `sftflow serve` (CPU)
    "onnx": {"attn_implementation": "eager"},  # eager attention: its mask is plain arithmetic every ONNX runtime
    "check": {},  # reference logits for an export's round trip, or a GGUF file read back
}


def load(ref, purpose: str, *, trust_remote_code: bool = False, gguf_file: str | None = None,
         where: str | None = None, model_class: str = "AutoModelForCausalLM", kwargs: Mapping | None = None):
    """The one way sftflow loads a model, for one of PURPOSES: float32 weights in eval mode unless `kwargs` say
    otherwise (training passes its resolved settings' arguments, taken as they are; a merge names its dtype).
    `ref` is a ModelRef (an adapter is loaded on its base, unmerged) or a model folder or Hub id; `gguf_file` names
    a GGUF file in that folder (dequantized by transformers); `model_class` is one of AUTO_CLASSES."""
    import torch
    import transformers

    options = dict(PURPOSES[purpose])
    if options.pop("as_given", False):
        kwargs, training = dict(kwargs or {}), True
    else:
        kwargs, training = {"dtype": torch.float32, "trust_remote_code": trust_remote_code,
                            **({"device_map": inference_device()} if options.pop("on_device", False) else {}),
                            **({"gguf_file": gguf_file} if gguf_file else {}), **options, **(kwargs or {})}, False
    auto = getattr(transformers, model_class)
    location = getattr(ref, "location", ref)
    try:
        if getattr(ref, "is_adapter", False):
            from peft import PeftModel

            base = auto.from_pretrained(ref.base().location, **kwargs)
            return PeftModel.from_pretrained(base, location).eval()
        model = auto.from_pretrained(str(location), **kwargs)
    except Exception as e:  # noqa: BLE001 - broken weights fail with each library's own error type
        first = str(e).splitlines()[0] if str(e).strip() else type(e).__name__
        raise UserError(f"cannot load model '{location}': {type(e).__name__}: {first}", where) from e
    return model if training else model.eval()  # the Trainer switches training mode on itself
