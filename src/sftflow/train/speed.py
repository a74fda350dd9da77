"""Faster defaults: each switched on only where it is correct for the model, attention and device, and said.

Only keys the config leaves unset are decided here: a key written in the file is kept as written, so the
teaching workflow's files (batch 4, gradient checkpointing on) train as they say. The one exception keeps
what the file means: the examples per optimizer step (per_device_train_batch_size x gradient_accumulation_steps)
may be split into smaller micro-batches with more accumulation, never changed. `train.speedups: off`
keeps TRL's defaults for everything. What each choice buys on this machine is measured one at a time in
bench/train_throughput.py.
"""

import os
from collections.abc import Collection
from contextlib import contextmanager
from dataclasses import dataclass

from sftflow.data.prepare import p95
from sftflow.device import memory_capacity
from sftflow.errors import UserError
from sftflow.settings import trl_defaults

MEMORY_SHARE = 0.8  # leave room for the allocator and long rows
CPU_MICRO_BATCH_TOKENS = 512


@dataclass
class Choice:
    what: str  # the setting, as the user would write it
    why: str

    def line(self) -> str:
        return f"[sftflow] speed: {self.what} ({self.why})"


def choose(options, written: Collection[str], sft: dict, model_kw: dict, has_cuda: bool,
           lengths: list[int] | None = None, plan=None) -> tuple[dict, list[Choice]]:
    """(sft, choices): a copy of the training settings with the faster defaults filled in where unset.
    `options`: the config's train: section (speedups, micro_batch_tokens, trained_tokens_head); `written`: the
    training keys the config file sets (kept as written); `lengths`: token counts of the training rows (for the
    micro-batch token budget); `plan`: the run's memory plan (sftflow.memory.fit.training_plan), None when the
    model's config.json could not be read."""
    sft, choices = dict(sft), []
    if head_on_trained_tokens(options, has_cuda):
        choices.append(Choice("LM head on trained tokens only", "TRL projects only label positions on CUDA; on "
                              "CPU nothing is compiled, so the same compact path is taken and prompt positions "
                              "skip the vocabulary projection"))
    if options.speedups == "off":
        return sft, choices + [Choice("no other speed-ups", "train.speedups: off")]
    user = written
    attention = str(model_kw.get("attn_implementation") or "sdpa")

    if "gradient_checkpointing" not in user:
        sft["gradient_checkpointing"], why = _checkpointing(plan, has_cuda)
        choices.append(Choice(f"gradient_checkpointing: {str(sft['gradient_checkpointing']).lower()}", why))

    choices += _micro_batch(options.micro_batch_tokens, sft, lengths or [], has_cuda, plan)

    one_row = sft.get("per_device_train_batch_size") == 1  # one row per micro-batch: nothing padded or grouped
    if not one_row and not any(k in user for k in ("packing", "padding_free", "train_sampling_strategy")):
        if "flash" in attention:  # flash_attention_2/3, kernels-community/flash-attn: variable-length kernels
            sft["padding_free"] = True
            choices.append(Choice("padding_free: true", f"{attention} attends within each example of a "
                                  "concatenated row (position_ids), so no pad tokens are computed"))
        else:
            sft["train_sampling_strategy"] = "group_by_length"
            choices.append(Choice("train_sampling_strategy: group_by_length",
                                  f"{attention} has no variable-length kernel: a packed row would cost attention "
                                  "over its whole length, so batches are formed from rows of similar length instead"))

    if has_cuda and "use_liger_kernel" not in user and _importable("liger_kernel"):
        sft["use_liger_kernel"] = True
        choices.append(Choice("use_liger_kernel: true", "installed and a CUDA GPU is present (fused RMSNorm, "
                              "SwiGLU, RoPE kernels)"))

    if "dataloader_num_workers" not in user and has_cuda:
        sft["dataloader_num_workers"] = min(4, os.cpu_count() or 1)
        choices.append(Choice(f"dataloader_num_workers: {sft['dataloader_num_workers']}",
                              "collation overlaps the GPU's work"))
    return sft, choices


def _micro_batch(budget_set: int | None, sft: dict, lengths: list[int], has_cuda: bool, plan) -> list[Choice]:
    """Split the examples per optimizer step into micro-batches that hold about `micro_batch_tokens` tokens,
    with gradient accumulation making up the rest: the examples per optimizer step are kept exactly (the
    Trainer normalises the loss by the tokens of the whole accumulated batch, so the gradient is the same).

    CPU: a budget of 512 tokens. Measured on SmolLM2-135M LoRA (bench/train_throughput.py): one row of
    ~200-400 tokens already keeps both cores busy, so smaller micro-batches only drop padding and activation
    memory. GPU: no budget unless set; the memory plan splits a micro-batch that would not fit."""
    trl = trl_defaults("sft")  # for the keys the config leaves unset
    per_device = int(sft.get("per_device_train_batch_size") or trl["per_device_train_batch_size"])
    accumulation = int(sft.get("gradient_accumulation_steps") or trl["gradient_accumulation_steps"])
    if sft.get("packing") or sft.get("padding_free") or per_device == 1:
        return []  # a packed row is its own token budget; one row cannot be split
    budget = budget_set or (None if has_cuda else CPU_MICRO_BATCH_TOKENS)
    row = _p95(lengths, sft.get("max_length", trl["max_length"]))
    if budget and row:
        wanted, why = max(1, budget // row), (f"a budget of {budget} tokens per micro-batch"
                                              f"{'' if budget_set else ' on CPU'}, "
                                              f"95% of training rows have <= {row} tokens")
    elif has_cuda:
        wanted, why = _largest_fitting(plan, per_device)
    else:
        return []
    micro = max(d for d in range(1, per_device + 1) if per_device % d == 0 and d <= wanted)
    if micro == per_device:
        return []
    sft["per_device_train_batch_size"] = micro
    sft["gradient_accumulation_steps"] = accumulation * per_device // micro
    return [Choice(f"micro-batches of {micro} x {sft['gradient_accumulation_steps']} accumulation steps "
                   f"(was {per_device} x {accumulation}; {per_device * accumulation} examples per optimizer step "
                   "kept)", why)]


def _p95(lengths: list[int], max_length) -> int | None:
    if not lengths:
        return None
    row = p95(sorted(lengths))
    return min(row, int(max_length)) if max_length else row


def _largest_fitting(plan, per_device: int) -> tuple[int, str]:
    """The largest micro-batch the memory plan fits on this GPU (per_device when it fits or is unknown)."""
    from dataclasses import replace

    from sftflow.memory.estimate import estimate

    if plan is None:
        return per_device, ""
    arch, setup = plan
    capacity, name = memory_capacity(True)
    for micro in range(per_device, 0, -1):
        if per_device % micro == 0 and estimate(arch, replace(setup, batch_size=micro)).peak <= 0.9 * capacity:
            return micro, f"the memory plan fits {micro} rows per micro-batch on {name}, not {per_device}"
    return 1, f"the memory plan does not fit even 1 row per micro-batch on {name}"


def cpu_threads(options, has_cuda: bool, world_size: int, where: str | None = None
                ) -> tuple[int | None, list[Choice]]:
    """Torch's thread count for one training process on CPU, and the choice to print (None, []: torch's own).
    `train.cpu_threads` decides when set. Otherwise, measured on 2 cores with another PyTorch process running
    (bench/shared_cpu.py): a step took 3.0x its quiet time with 2 threads and 1.8x with 1; on a quiet machine 1 thread
    costs 1.5x; so the count is lowered only while other processes keep a core busy (sampled for a quarter second)."""
    from sftflow.device import busy_cores, training_threads

    if has_cuda or world_size > 1:  # launched processes are given their threads by the launcher
        return None, []
    if options.cpu_threads:
        cores = os.cpu_count() or 1
        if options.cpu_threads > cores:  # more threads than cores only take turns on them
            raise UserError(f"train.cpu_threads: {options.cpu_threads} is more than this machine's {cores} cores",
                            where)
        return options.cpu_threads, [Choice(f"torch threads: {options.cpu_threads}", "train.cpu_threads")]
    if options.speedups == "off":
        return None, []
    threads, why = training_threads(os.cpu_count() or 1, lambda: busy_cores(0.25))
    return threads, [Choice(f"torch threads: {threads}", why)] if threads else []


@contextmanager
def torch_threads(count: int | None):
    """Torch's intra-op threads set to `count` for the block, then put back (a sweep trains in one process)."""
    if not count:
        yield
        return
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def head_on_trained_tokens(options, has_cuda: bool) -> bool:
    """Whether the LM head runs on trained positions only (the CPU default; train.trained_tokens_head decides)."""
    wanted = options.trained_tokens_head
    return not has_cuda and (wanted if wanted is not None else options.speedups != "off")


def trained_tokens_head() -> None:
    """Let TRL's fused LM head project only positions whose label is trained, on CPU too.

    TRL 1.16 compacts to label positions only on Triton devices, because elsewhere (e.g. Neuron) a changing
    number of positions recompiles the graph; eager CPU training has no graph to recompile. The loss and
    gradients are the same (tests/unit/train/test_speed.py)."""
    import trl.trainer.utils as trl_utils

    original = trl_utils._use_triton
    if getattr(original, "sftflow", False):
        return

    def compact(device):
        return device.type == "cpu" or original(device)

    compact.sftflow = True
    trl_utils._use_triton = compact


def _checkpointing(plan, has_cuda: bool) -> tuple[bool, str]:
    """Off when the memory plan says the run fits without it; on (TRL's default) otherwise or when unknown."""
    from dataclasses import replace

    from sftflow.memory.estimate import GIB, estimate

    if plan is None:
        return True, "the model's config.json could not be read to plan memory; TRL's default"
    arch, setup = plan
    peak = estimate(arch, replace(setup, gradient_checkpointing=False)).peak
    capacity, where = memory_capacity(has_cuda)
    if capacity is None:
        return True, "the memory available could not be read; TRL's default"
    if peak <= MEMORY_SHARE * capacity:
        return False, (f"the plan needs {peak / GIB:.1f} GiB without it, {where} has {capacity / GIB:.1f} GiB: "
                       "recomputing activations would only cost time")
    return True, (f"the plan needs {peak / GIB:.1f} GiB without it, more than {MEMORY_SHARE:.0%} of {where}'s "
                  f"{capacity / GIB:.1f} GiB")


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def padding_free_inputs(tokenized: dict, args) -> dict:
    """TRL refuses `padding_free` without packing while `max_length` is set, because it would not truncate:
    truncate here exactly as TRL does (truncation_mode; rows left without trained tokens dropped), then hand
    TRL max_length None."""
    if not args.padding_free or args.packing or not args.max_length:
        return tokenized
    n = args.max_length
    cut = slice(None, n) if args.truncation_mode == "keep_start" else slice(-n, None)

    def truncate(batch):
        return {"input_ids": [ids[cut] for ids in batch["input_ids"]],
                "labels": [labels[cut] for labels in batch["labels"]]}

    out = {}
    for name, split in tokenized.items():
        split = split.map(truncate, batched=True, desc=f"truncating {name} to {n} tokens")
        out[name] = split.filter(lambda batch: [any(t != -100 for t in labels) for labels in batch["labels"]],
                                 batched=True)
    args.max_length = None
    return out
