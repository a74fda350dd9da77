"""Effective training settings: TRL's defaults for the keys a config leaves unset, then what this machine
changes (sftflow.device). Computed once per command and handed to the stages, so no stage keeps its own
copy of a TRL default (`.get("max_length", 1024)` in two places was a second source of truth)."""

import dataclasses
from dataclasses import dataclass, field
from functools import cache


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
