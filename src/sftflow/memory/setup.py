"""The training settings that decide memory, read from a planner request (sftflow.settings.PlanRequest) with TRL's
defaults for the keys left unset."""

import importlib.util
import json
from dataclasses import dataclass

from sftflow.errors import UserError

DTYPES = {"float32": 4, "float": 4, "bfloat16": 2, "float16": 2, "half": 2}
STRATEGIES = ("ddp", "fsdp", "fsdp-offload", "zero1", "zero2", "zero2-offload", "zero3", "zero3-offload")
DEFAULT_LORA_TARGETS = ("q_proj", "v_proj")  # peft's default for Llama-, Gemma- and Qwen-style models


@dataclass(frozen=True)
class Setup:
    """One training run as far as memory is concerned (per device)."""

    device: str = "cuda"  # "cuda", or "cpu": no CUDA context, torch's non-Triton loss kernel
    weight_dtype: str = "float32"
    mixed_precision: bool = False  # bf16/fp16 autocast around the forward pass
    quantization: str | None = None  # "4bit" or "8bit" bitsandbytes base weights
    double_quant: bool = False
    peft: bool = False
    lora_r: int = 16
    lora_targets: tuple[str, ...] = DEFAULT_LORA_TARGETS  # module names, or ("all-linear",)
    lora_dropout: float = 0.0
    dora: bool = False
    optimizer: str = "adamw_torch_fused"
    momentum: bool = False  # SGD with a momentum buffer
    batch_size: int = 8  # per device, per micro-batch
    grad_accum: int = 1
    seq_len: int = 1024
    padded: bool = True  # batches padded to their longest row carry an attention mask
    gradient_checkpointing: bool = True
    liger: bool = False
    attention: str = "sdpa"
    fused_lm_head: bool = True  # the loss never materialises the (tokens x vocab) logits
    strategy: str = "ddp"
    num_processes: int = 1

    @property
    def weight_bytes(self) -> int:
        return DTYPES[self.weight_dtype]

    @property
    def act_bytes(self) -> int:
        """Bytes of one activation element: bf16 under autocast, else the weights' dtype."""
        return 2 if self.mixed_precision else self.weight_bytes

    @property
    def tokens(self) -> int:
        return self.batch_size * self.seq_len

    @property
    def sharded(self) -> bool:
        return self.strategy.startswith(("fsdp", "zero3")) and self.num_processes > 1


def setup_from_request(request, num_processes: int = 1, strategy: str | None = None,
                       checkpoint_dtype: str | None = None) -> Setup:
    """A Setup from a sftflow.settings.PlanRequest: the keys in effect on its device (on CPU, the switches
    `sftflow train` makes) with TRL's defaults for the rest."""
    from sftflow.settings import with_defaults

    device, where = request.device, request.where
    sft, model = with_defaults(dict(request.sft), "sft"), with_defaults(dict(request.model), "model")
    if device == "cuda":
        mixed = bool(sft["fp16"]) or sft["bf16"] is not False  # TRL: bf16 unless fp16
    else:  # kept by adapt_to_device only on a CPU with bf16 instructions
        mixed = sft["bf16"] is True
    return Setup(
        device=device, weight_dtype=_dtype(model["dtype"], checkpoint_dtype, where),
        mixed_precision=mixed,
        quantization="4bit" if model["load_in_4bit"] else "8bit" if model["load_in_8bit"] else None,
        double_quant=bool(model["use_bnb_nested_quant"]), peft=bool(model["use_peft"]), lora_r=model["lora_r"],
        lora_targets=_targets(model["lora_target_modules"]), lora_dropout=model["lora_dropout"] or 0.0,
        dora=bool(model["use_dora"]), optimizer=str(getattr(sft["optim"], "value", sft["optim"])),
        momentum="momentum" in str(sft["optim_args"] or ""), batch_size=sft["per_device_train_batch_size"],
        grad_accum=sft["gradient_accumulation_steps"], seq_len=_seq_len(sft["max_length"], where),
        padded=not (sft["packing"] or sft["padding_free"]), gradient_checkpointing=bool(sft["gradient_checkpointing"]),
        liger=bool(sft["use_liger_kernel"]), attention=model["attn_implementation"] or "sdpa",
        fused_lm_head=_fused_lm_head(sft), strategy=strategy or _strategy(sft, request),
        num_processes=num_processes)


def _dtype(dtype: str | None, checkpoint_dtype: str | None, where: str) -> str:
    if dtype == "auto":
        dtype = checkpoint_dtype or "float32"
    dtype = dtype or "float32"  # sftflow loads float32 unless told otherwise
    if dtype not in DTYPES:
        raise UserError(f"the planner knows the dtypes {', '.join(DTYPES)}, not '{dtype}'", where)
    return {"float": "float32", "half": "float16"}.get(dtype, dtype)


def _seq_len(max_length: int | None, where: str) -> int:
    if not max_length:
        raise UserError("max_length: null trains rows of any length, so no memory plan can hold; set max_length "
                        "to the longest row you accept", where)
    return max_length


def _targets(value) -> tuple[str, ...]:
    if value in (None, [], ""):
        return DEFAULT_LORA_TARGETS
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _fused_lm_head(sft: dict) -> bool:
    """TRL >= 1.x scores tokens in tiles (its fused LM head); label smoothing needs the full logits again."""
    if sft["label_smoothing_factor"]:
        return False
    return importlib.util.find_spec("trl.kernels.chunked_logprob") is not None or bool(sft["use_liger_kernel"])


def _strategy(sft: dict, request) -> str:
    """ddp, or what the config's `fsdp` / `deepspeed` keys ask for."""
    fsdp = sft.get("fsdp")
    if fsdp:
        text = " ".join(fsdp) if isinstance(fsdp, list) else str(fsdp)
        return "fsdp-offload" if "offload" in text else "fsdp"
    deepspeed = sft.get("deepspeed")
    if not deepspeed:
        return "ddp"
    if isinstance(deepspeed, str):
        path = request.deepspeed_path
        if path is None:
            raise UserError(f"deepspeed config not found: {deepspeed}", request.where)
        deepspeed = json.loads(path.read_text(encoding="utf-8"))
    zero = deepspeed.get("zero_optimization", {})
    stage = zero.get("stage", 0) if isinstance(zero.get("stage", 0), int) else 0
    if stage == 0:
        return "ddp"  # ZeRO stage 0 shards nothing
    offload = any(str(zero.get(k, {}).get("device", "none")) != "none" for k in ("offload_optimizer", "offload_param"))
    return f"zero{stage}" + ("-offload" if offload and stage >= 2 else "")
