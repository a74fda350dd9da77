"""Effective training settings: TRL's defaults for the keys a config leaves unset, then what this machine
changes (sftflow.device). Computed once per command and handed to the stages, so no stage keeps its own
copy of a TRL default (`.get("max_length", 1024)` in two places was a second source of truth)."""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType


@cache
def trl_defaults(bucket: str) -> dict:
    """TRL's defaults for SFTConfig ("sft") or ModelConfig ("model") fields that have one."""
    from trl import ModelConfig, SFTConfig

    cls = SFTConfig if bucket == "sft" else ModelConfig
    return {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}


def setting(config, key: str):
    """What a run uses for one top-level key: the config's value, else TRL's default (SFTConfig, then
    ModelConfig), else None. The one place a default of TRL's is looked up for a single key."""
    for values in (config.sft, config.model):
        if key in values:
            return values[key]
    return trl_defaults("sft").get(key, trl_defaults("model").get(key))


def with_defaults(values: dict, bucket: str) -> dict:
    return {**trl_defaults(bucket), **values}


@dataclass
class Effective:
    """The settings a run trains with: `sft` and `model` hold the keys the user set (and the machine's changes);
    `value()` answers for any key, TRL's default included."""

    sft: dict
    model: dict
    notes: list[str] = field(default_factory=list)  # what the machine turned off, and why

    def value(self, key: str):
        if key in self.sft:
            return self.sft[key]
        if key in self.model:
            return self.model[key]
        return trl_defaults("sft").get(key, trl_defaults("model").get(key))

    @property
    def max_length(self) -> int | None:
        return self.value("max_length")

    @property
    def truncation_mode(self) -> str:
        return str(getattr(self.value("truncation_mode"), "value", self.value("truncation_mode")))


def effective(config, cuda: bool | None = None, world_size: int = 1) -> Effective:
    """The config's training settings on this machine (cuda: None asks torch)."""
    from sftflow import device

    cuda = device.has_cuda() if cuda is None else cuda
    sft, model, notes = device.adapt_to_device(config.sft, config.model, cuda, world_size)
    return Effective(sft, model, notes)


@dataclass(frozen=True)
class PlanRequest:
    """What the memory planner (sftflow.memory) reads of a config, taken from it here once: the planner never
    sees the config itself."""

    model_name: str | None  # model_name_or_path as written
    model_path: Path | None  # the same on this machine, where it names a local file or folder
    loads_vision: bool  # the model class loads the vision tower (AutoModelForImageTextToText)
    device: str  # "cuda" or "cpu": the device the settings are adapted to and the plan is for
    sft: Mapping  # SFTConfig keys in effect on that device (TRL's defaults not filled in)
    model: Mapping  # ModelConfig keys, the same way
    deepspeed_path: Path | None  # the file a `deepspeed` key names, where it names one that exists
    where: str  # the config's file, for messages


def plan_request(config, cuda: bool, adapted: Effective | None = None) -> PlanRequest:
    """The planner's view of `config` on a CUDA device or a CPU; `adapted`: the run's settings already adapted to
    this machine (a training run works them out once), else they are adapted here for `cuda`."""
    adapted = adapted if adapted is not None else effective(config, cuda)
    name = config.model_name
    deepspeed = adapted.sft.get("deepspeed")
    return PlanRequest(
        model_name=name, model_path=config.resolve_path(name) if name else None,
        loads_vision=config.workflow.model_class == "AutoModelForImageTextToText", device="cuda" if cuda else "cpu",
        sft=MappingProxyType(dict(adapted.sft)), model=MappingProxyType(dict(adapted.model)),
        deepspeed_path=config.resolve_path(deepspeed) if isinstance(deepspeed, str) else None, where=config.where)
