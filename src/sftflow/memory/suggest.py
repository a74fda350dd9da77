"""Changes that make a run fit, cheapest first, each re-estimated.

The ladder goes from changes that keep the math (fused kernels, recomputation, micro-batches, sharding the
same GPUs) to changes of method (8-bit optimizer states, LoRA, a 4-bit base). Changes are stacked in that
order until the run fits; then any change the final run does not need is dropped again.
"""

from dataclasses import dataclass, replace

from sftflow.memory.architecture import Architecture
from sftflow.memory.estimate import estimate
from sftflow.memory.setup import Setup


@dataclass
class Step:
    change: str  # what it does to the run, in words
    settings: dict  # config keys to set
    peak: float  # estimated peak after this and the previous steps
    fits: bool


def _liger(arch, s, capacity):
    if s.liger or s.device != "cuda":
        return None
    return replace(s, liger=True), {"use_liger_kernel": True}, "Liger kernels (fused RMSNorm/SwiGLU, same math)"


def _checkpointing(arch, s, capacity):
    if s.gradient_checkpointing:
        return None
    return (replace(s, gradient_checkpointing=True), {"gradient_checkpointing": True},
            "gradient checkpointing (recompute activations in backward, ~30% slower)")


def _sdpa(arch, s, capacity):
    if s.attention != "eager":
        return None
    return (replace(s, attention="sdpa"), {"attn_implementation": "sdpa"},
            "sdpa attention instead of eager (no heads x seq x seq matrices; Gemma 3 is usually trained eager)")


def _micro_batch(arch, s, capacity):
    """The largest smaller per-device batch that fits, with more accumulation for the same global batch."""
    if s.batch_size == 1:
        return None
    candidates = [b for b in range(s.batch_size - 1, 0, -1) if s.batch_size % b == 0]
    chosen = next((b for b in candidates if _fits(arch, _rebatch(s, b), capacity)), candidates[-1])
    new = _rebatch(s, chosen)
    return (new, {"per_device_train_batch_size": chosen, "gradient_accumulation_steps": new.grad_accum},
            f"micro-batches of {chosen} with {new.grad_accum} accumulation steps (same global batch)")


def _rebatch(s: Setup, batch: int) -> Setup:
    return replace(s, batch_size=batch, grad_accum=s.grad_accum * s.batch_size // batch)


def _shard_same_gpus(arch, s, capacity):
    if s.num_processes == 1 or s.sharded:
        return None
    return (replace(s, strategy="fsdp"), {"--launch": "fsdp", "--num-processes": s.num_processes},
            f"FSDP across the {s.num_processes} GPUs (weights, gradients, optimizer states sharded)")


def _adamw_8bit(arch, s, capacity):
    if "8bit" in s.optimizer or "4bit" in s.optimizer or s.device != "cuda":
        return None
    return (replace(s, optimizer="paged_adamw_8bit"), {"optim": "paged_adamw_8bit"},
            "8-bit AdamW states (bitsandbytes)")


def _lora(arch, s, capacity):
    if s.peft:
        return None
    return (replace(s, peft=True, lora_r=16, lora_targets=("all-linear",)),
            {"use_peft": True, "lora_r": 16, "lora_alpha": 32, "lora_target_modules": "all-linear"},
            "LoRA r=16 on all linear layers instead of full fine-tuning")


def _qlora(arch, s, capacity):
    if s.quantization == "4bit" or s.device != "cuda":
        return None
    new = replace(s, quantization="4bit", double_quant=True, peft=True,
                  lora_r=s.lora_r if s.peft else 16, lora_targets=s.lora_targets if s.peft else ("all-linear",))
    return (new, {"use_peft": True, "load_in_4bit": True, "bnb_4bit_quant_type": "nf4", "use_bnb_nested_quant": True},
            "4-bit NF4 base weights (QLoRA)")


LADDER = (_liger, _checkpointing, _sdpa, _micro_batch, _shard_same_gpus, _adamw_8bit, _lora, _qlora)


def suggestions(arch: Architecture, setup: Setup, capacity: float) -> list[Step]:
    """The fewest, cheapest changes from LADDER that bring the peak under `capacity`; all steps if none fit."""
    chosen, current = [], setup
    for change in LADDER:
        proposal = change(arch, current, capacity)
        if proposal is None or estimate(arch, proposal[0]).peak >= estimate(arch, current).peak:
            continue  # not applicable, or saves nothing here
        chosen.append(change)
        current = proposal[0]
        if _fits(arch, current, capacity):
            break
    if _fits(arch, current, capacity):
        chosen = _drop_unneeded(arch, setup, chosen, capacity)
    return _steps(arch, setup, chosen, capacity)


def more_gpus(arch: Architecture, setup: Setup, capacity: float, most: int = 8) -> tuple[int, Setup] | None:
    """The fewest GPUs (2, 4, 8) over which FSDP makes the unchanged run fit, if any."""
    n = 2
    while n <= most:
        sharded = replace(setup, strategy="fsdp", num_processes=n)
        if _fits(arch, sharded, capacity):
            return n, sharded
        n *= 2
    return None


def _drop_unneeded(arch, setup, chosen: list, capacity: float) -> list:
    for change in list(chosen[:-1]):
        without = [c for c in chosen if c is not change]
        if _fits(arch, _apply(arch, setup, without, capacity), capacity):
            chosen = without
    return chosen


def _apply(arch, setup: Setup, changes: list, capacity: float) -> Setup:
    for change in changes:
        proposal = change(arch, setup, capacity)
        setup = proposal[0] if proposal else setup
    return setup


def _steps(arch, setup: Setup, changes: list, capacity: float) -> list[Step]:
    steps = []
    for change in changes:
        proposal = change(arch, setup, capacity)
        if proposal is None:
            continue
        setup, settings, words = proposal
        peak = estimate(arch, setup).peak
        steps.append(Step(words, settings, peak, peak <= capacity))
    return steps


def _fits(arch: Architecture, s: Setup, capacity: float) -> bool:
    return estimate(arch, s).peak <= capacity
