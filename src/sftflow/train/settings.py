"""A training run's settings, worked out once before anything loads, in one typed, frozen object.

`resolve(config, machine, ...)` goes through the steps in order, each once: the config's keys adapted to this
machine (sftflow.settings.effective: GPU-only options off on CPU), the memory plan from those settings
(sftflow.memory.fit), the speed defaults the plan allows (train.speed), the trackers (train.trackers), and
then TRL's SFTConfig and the model's loading arguments. The run (train.run) reads only the result.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sftflow.errors import UserError
from sftflow.settings import effective, plan_request
from sftflow.train import speed, trackers
from sftflow.train.peft_setup import last_layers

# We build masks/labels ourselves (render_conversation); TRL must not rebuild or re-check them.
OWNED_BY_SFTFLOW = ("assistant_only_loss", "completion_only_loss", "resume_from_checkpoint", "model_init_kwargs")


@dataclass(frozen=True)
class Machine:
    """Where this process trains: a CUDA device or not, and its place among the launched processes."""

    cuda: bool
    world_size: int = 1
    rank: int = 0

    @property
    def main(self) -> bool:
        return self.rank == 0

    @classmethod
    def here(cls) -> "Machine":
        """This process: torch's view of CUDA, and the rank and world size the launcher set (1 process if none)."""
        from sftflow.device import has_cuda

        return cls(has_cuda(), int(os.environ.get("WORLD_SIZE", "1")), int(os.environ.get("RANK", "0")))


@dataclass(frozen=True)
class TrainSettings:
    """Everything a run trains with. Read-only: a stage that needs another setting asks resolve for it."""

    args: Any  # trl.SFTConfig: the Trainer's arguments, speed choices and trackers included
    model: Mapping[str, Any]  # the ModelConfig keys in effect on this machine (PEFT, quantization, dtype)
    load_kwargs: Mapping[str, Any]  # from_pretrained's keyword arguments for the model
    plan: tuple | None  # (Architecture, Setup) of the memory planner; None when config.json cannot be read
    choices: tuple[speed.Choice, ...]  # the faster defaults taken, each with why
    notes: tuple[str, ...]  # what this machine turned off, and why
    tracker_callbacks: tuple  # sftflow's own tracker callbacks (the Trainer sets up the rest from report_to)
    trained_tokens_head: bool  # the LM head on trained positions only: patched into the model classes before loading
    cpu_threads: int | None  # torch's threads on a CPU other processes share (None: torch's own choice)

    @property
    def train_dtype(self) -> str:
        return self.model.get("dtype") or "float32"

    def lines(self) -> list[str]:
        """What the run prints about its settings before it starts."""
        return [f"[sftflow] turned off: {note}" for note in self.notes] + [c.line() for c in self.choices]


def resolve(config, machine: Machine, lengths: list[int], out: Path, resume_step: int | None,
            tracker_names: list[str]) -> TrainSettings:
    """The run's settings on `machine`. `lengths`: the training rows' token counts (the micro-batch budget);
    `resume_step`: the checkpoint's step when resuming (the trackers continue their runs)."""
    from sftflow.memory.fit import training_plan

    adapted = effective(config, machine.cuda, machine.world_size)
    plan = training_plan(plan_request(config, machine.cuda, adapted))  # the one memory plan of this run
    if plan and adapted.model.get("use_peft"):  # refuse train.lora_last_layers before loading or writing anything
        last_layers(plan[0].layers, config.train, adapted.model.get("lora_target_modules"), config.where)
    sft, choices = speed.choose(config.train, frozenset(config.sft), adapted.sft, adapted.model, machine.cuda,
                                lengths, plan)
    threads, thread_choices = speed.cpu_threads(config.train, machine.cuda, machine.world_size,
                                                        config.where)
    if machine.main:
        out.mkdir(parents=True, exist_ok=True)
    sft, callbacks = trackers.prepare(tracker_names, sft, out, resume_step, machine.main)
    args = build_sft_config(sft, out, config.where)
    return TrainSettings(args=args, model=MappingProxyType(dict(adapted.model)),
                         load_kwargs=MappingProxyType(model_kwargs(adapted.model, sft, machine.cuda)), plan=plan,
                         choices=(*choices, *thread_choices), notes=tuple(adapted.notes),
                         tracker_callbacks=tuple(callbacks), cpu_threads=threads,
                         trained_tokens_head=speed.head_on_trained_tokens(config.train, machine.cuda))


def check_settings(config) -> list[str]:
    """Build the training arguments without loading anything; returns the device notes."""
    adapted = effective(config)
    build_sft_config(adapted.sft, config.output_dir(), config.where)
    return adapted.notes


def build_sft_config(sft: dict, out: Path, where: str):
    from trl import SFTConfig

    kwargs = {k: v for k, v in sft.items() if k not in OWNED_BY_SFTFLOW}
    if kwargs.get("eval_strategy", "no") != "no" and not kwargs.get("metric_for_best_model"):
        kwargs["metric_for_best_model"] = "eval_loss"  # so the manifest's best checkpoint means something
    try:
        return SFTConfig(**{**kwargs, "output_dir": str(out)})
    except (ValueError, TypeError) as e:
        raise UserError(f"invalid training settings: {e}", where) from e


def model_kwargs(model_kw: dict, sft: dict, has_cuda: bool) -> dict:
    """from_pretrained's arguments: dtype, attention, revision, remote code, and quantization on CUDA."""
    import torch

    kwargs = dict(sft.get("model_init_kwargs") or {})
    dtype = model_kw.get("dtype") or "float32"
    kwargs["dtype"] = dtype if dtype == "auto" else getattr(torch, dtype)
    for key in ("attn_implementation", "model_revision"):
        if model_kw.get(key):
            kwargs["revision" if key == "model_revision" else key] = model_kw[key]
    kwargs["trust_remote_code"] = bool(sft.get("trust_remote_code"))
    if has_cuda and (model_kw.get("load_in_4bit") or model_kw.get("load_in_8bit")):
        from trl import ModelConfig, get_quantization_config

        kwargs["quantization_config"] = get_quantization_config(ModelConfig(**model_kw))
    return kwargs
