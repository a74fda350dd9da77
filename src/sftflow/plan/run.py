"""The plan stage: `sftflow plan CONFIG --gpu A5000 ...` prints the memory breakdown, the verdict per GPU and,
when it does not fit, the cheapest changes that make it fit. `plan_warning` is the same check for `train`."""

import os

from sftflow.errors import UserError
from sftflow.plan.estimate import GIB, MemoryEstimate, estimate, plan_inputs
from sftflow.plan.gpus import gpu_memory, gpu_name
from sftflow.plan.setup import STRATEGIES
from sftflow.plan.suggest import more_gpus, suggestions

DEFAULT_GPUS = ("24GB", "40GB", "80GB")
TIGHT = 0.9  # above this share of the GPU, allocator fragmentation and long rows can still run out


def run(config, gpus: list[str], num_processes: int = 1, strategy: str | None = None) -> dict:
    """Print the plan for each GPU (default: this machine's GPU, else 24/40/80 GB) and return it as a dict.

    strategy: ddp (also 'single'), fsdp, zero1, zero2, zero3, or *-offload; None reads the config's
    `fsdp` / `deepspeed` keys (ddp when neither is set)."""
    strategy = _check(strategy, num_processes)
    arch, setup = plan_inputs(config, "cuda", num_processes, strategy)
    result = estimate(arch, setup)
    print(describe(config, result))
    out = {"model": config.model.get("model_name_or_path"), "params": result.params, "trainable": result.trainable,
           "components": dict(result.components()), "peak_bytes": result.peak, "peak_phase": result.peak_phase,
           "phases": result.phases(), "notes": result.notes, "gpus": []}
    for gpu in gpus or _default_gpus():
        out["gpus"].append(_verdict(arch, result, gpu))
    return out


def plan_warning(config) -> str | None:
    """A warning (never a refusal) when the plan says the run will not fit on this machine's first GPU;
    None on CPU, when it fits, or when the model's config.json cannot be read offline."""
    import torch

    if not torch.cuda.is_available():
        return None
    capacity = torch.cuda.get_device_properties(0).total_memory
    try:
        arch, setup = plan_inputs(config, "cuda", int(os.environ.get("WORLD_SIZE", "1")), launched_strategy())
    except UserError:
        return None
    result = estimate(arch, setup)
    if result.peak <= capacity:
        return None
    steps = suggestions(arch, setup, capacity)
    hint = f"; to fit: {_settings_text(steps)}" if steps and steps[-1].fits else ""
    return (f"the memory plan estimates {result.peak / GIB:.1f} GiB per GPU at its peak ({result.peak_phase}), "
            f"but {torch.cuda.get_device_name(0)} has {capacity / GIB:.1f} GiB: this run will likely run out of "
            f"memory{hint} (`sftflow plan {config.where}` shows the breakdown)")


def launched_strategy() -> str | None:
    """The strategy `accelerate launch` set up for this process (its environment), else None (the config's)."""
    env = os.environ
    if env.get("ACCELERATE_USE_FSDP") == "true":
        return "fsdp-offload" if env.get("FSDP_OFFLOAD_PARAMS") == "true" else "fsdp"
    if env.get("ACCELERATE_USE_DEEPSPEED") == "true":
        stage = env.get("ACCELERATE_DEEPSPEED_ZERO_STAGE", "2")
        offload = env.get("ACCELERATE_DEEPSPEED_OFFLOAD_OPTIMIZER_DEVICE", "none") != "none"
        return "ddp" if stage == "0" else f"zero{stage}" + ("-offload" if offload and stage in ("2", "3") else "")
    return None


def _check(strategy: str | None, num_processes: int) -> str | None:
    if num_processes < 1:
        raise UserError("--num-processes must be at least 1", "command line")
    if strategy in (None, "single"):
        return None if strategy is None else "ddp"
    if strategy not in STRATEGIES:
        raise UserError(f"unknown strategy '{strategy}': one of single, {', '.join(STRATEGIES)}", "command line")
    return strategy


def _default_gpus() -> list[str]:
    import torch

    if torch.cuda.is_available():
        return [f"{torch.cuda.get_device_properties(0).total_memory / GIB:.1f}GB"]
    return list(DEFAULT_GPUS)


def _verdict(arch, result: MemoryEstimate, gpu: str) -> dict:
    capacity, name = gpu_memory(gpu), gpu_name(gpu)
    fits = result.peak <= capacity
    word = "fits" if fits else "does NOT fit"
    tight = " (tight: little room for fragmentation)" if fits and result.peak > TIGHT * capacity else ""
    print(f"\n{word} on {name} ({result.peak / GIB:.1f} of {capacity / GIB:.1f} GiB){tight}")
    verdict = {"gpu": name, "memory_bytes": capacity, "fits": fits, "suggestions": [], "more_gpus": None}
    if fits:
        return verdict
    steps = suggestions(arch, result.setup, capacity)
    if steps:
        print("  cheapest changes, each on top of the previous (estimate after each):")
    for i, step in enumerate(steps, 1):
        mark = "fits" if step.fits else "not yet"
        print(f"  {i}. {step.change}\n       {_settings_text([step])}  ->  {step.peak / GIB:.1f} GiB ({mark})")
        verdict["suggestions"].append({"change": step.change, "settings": step.settings, "peak_bytes": step.peak,
                                       "fits": step.fits})
    sharded = more_gpus(arch, result.setup, capacity) if result.setup.num_processes == 1 else None
    if sharded:
        n, setup = sharded
        peak = estimate(arch, setup).peak
        print(f"  or, unchanged, on {n} x {name} with FSDP (sftflow train --launch fsdp --num-processes {n}): "
              f"{peak / GIB:.1f} GiB per GPU")
        verdict["more_gpus"] = {"num_processes": n, "strategy": "fsdp", "peak_bytes": peak}
    return verdict


def _settings_text(steps) -> str:
    parts = []
    for step in steps:
        for key, value in step.settings.items():
            parts.append(f"{key} {value}" if key.startswith("--") else f"{key}: {_yaml(value)}")
    return ", ".join(parts)


def _yaml(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def describe(config, result: MemoryEstimate) -> str:
    """The breakdown table with the run's memory-relevant settings."""
    s = result.setup
    method = "full fine-tuning" if not s.peft else (
        f"{'QLoRA' if s.quantization == '4bit' else 'LoRA'} r={s.lora_r} on {', '.join(s.lora_targets)}")
    precision = f"{s.weight_dtype} weights" + (", bf16/fp16 autocast" if s.mixed_precision else "")
    lines = [f"plan: {config.model.get('model_name_or_path')} ({result.params / 1e9:.2f}B parameters, "
             f"{result.trainable / 1e6:.1f}M trainable; {method})",
             f"per device: batch {s.batch_size} x {s.seq_len} tokens (x{s.grad_accum} accumulation), "
             f"{precision}, {s.attention} attention, "
             f"gradient checkpointing {'on' if s.gradient_checkpointing else 'off'}, "
             f"{s.optimizer}, {s.num_processes} process(es), {s.strategy}", "",
             f"{'component':<46}{'GiB':>8}"]
    lines += [f"{label:<46}{value / GIB:8.2f}" for label, value in result.components()]
    lines += [f"{'peak (' + result.peak_phase + ')':<46}{result.peak / GIB:8.2f}",
              "  the peak is the largest total of the components alive together, not their sum"]
    lines += [f"  note: {note}" for note in result.notes]
    return "\n".join(lines)
