"""The plan stage: `sftflow plan CONFIG --gpu A5000 ...` prints the memory breakdown, the verdict per GPU and,
when it does not fit, the cheapest changes that make it fit (sftflow.memory.fit gives `train` the same check)."""

from pathlib import Path

from sftflow.errors import UserError
from sftflow.memory.estimate import GIB, MemoryEstimate, estimate, plan_inputs
from sftflow.memory.fit import settings_text
from sftflow.memory.gpus import gpu_memory, gpu_name
from sftflow.memory.setup import STRATEGIES
from sftflow.memory.suggest import more_gpus, suggestions
from sftflow.settings import plan_request

DEFAULT_GPUS = ("24GB", "40GB", "80GB")
TIGHT = 0.9  # above this share of the GPU, allocator fragmentation and long rows can still run out


def run(config, run_dir: Path | None = None, *, gpus: list[str] = (), num_processes: int = 1,
        strategy: str | None = None) -> dict:
    """The plan stage: print the plan for each GPU (default: this machine's GPU, else 24/40/80 GB) and return it as
    a dict. `run_dir` is not read: the plan is made from the config before anything is written.

    strategy: ddp (also 'single'), fsdp, zero1, zero2, zero3, or *-offload; None reads the config's
    `fsdp` / `deepspeed` keys (ddp when neither is set)."""
    strategy = _check(strategy, num_processes)
    arch, setup = plan_inputs(plan_request(config, cuda=True), num_processes, strategy)
    result = estimate(arch, setup)
    print(describe(config, result))
    out = {"model": config.model_name, "params": result.params, "trainable": result.trainable,
           "components": dict(result.components()), "peak_bytes": result.peak, "peak_phase": result.peak_phase,
           "phases": result.phases(), "notes": result.notes, "gpus": []}
    for gpu in gpus or _default_gpus():
        out["gpus"].append(_verdict(arch, result, gpu))
    return out


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
        print(f"  {i}. {step.change}\n       {settings_text([step])}  ->  {step.peak / GIB:.1f} GiB ({mark})")
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


def describe(config, result: MemoryEstimate) -> str:
    """The breakdown table with the run's memory-relevant settings."""
    s = result.setup
    method = "full fine-tuning" if not s.peft else (
        f"{'QLoRA' if s.quantization == '4bit' else 'LoRA'} r={s.lora_r} on {', '.join(s.lora_targets)}")
    precision = f"{s.weight_dtype} weights" + (", bf16/fp16 autocast" if s.mixed_precision else "")
    lines = [f"plan: {config.model_name} ({result.params / 1e9:.2f}B parameters, "
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
