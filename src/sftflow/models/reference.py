"""Which model does this name mean: a Hub id, a model folder, a GGUF file, a run directory or an adapter.

Every stage resolves a model name here, once, into a ModelRef: a run directory stands for its best checkpoint
when a metric chose one, else its final model; a GGUF file for its converted safetensors folder; an adapter
knows its base. `lora_merge.full_model(ref)` is the one way to get a plain transformers model folder from any of
them: an adapter is merged into its base once (parity-checked) into the one merged-adapter cache.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from sftflow import run_dir as rd
from sftflow.errors import UserError
from sftflow.paths import looks_like_path, resolve_local

HUB, MODEL, ADAPTER = "hub", "model", "adapter"


@dataclass(frozen=True)
class ModelRef:
    """A resolved model name. `location` is a Hub id or an absolute folder (a model's or an adapter's)."""

    spec: str  # as the user wrote it
    kind: str  # HUB, MODEL or ADAPTER
    location: str
    run_dir: Path | None = None  # the run directory it belongs to, if any

    @property
    def is_adapter(self) -> bool:
        return self.kind == ADAPTER

    @property
    def folder(self) -> Path | None:
        return None if self.kind == HUB else Path(self.location)

    def adapter_settings(self) -> dict:
        return json.loads((Path(self.location) / "adapter_config.json").read_text()) if self.is_adapter else {}

    def base(self, where: str | None = None) -> "ModelRef":
        """The model an adapter was trained on (itself for a full model)."""
        if not self.is_adapter:
            return self
        name = self.adapter_settings().get("base_model_name_or_path")
        if not name:
            raise UserError(f"the adapter {self.location} does not name its base model; set peft_base_model_path",
                            where)
        return resolve_base(name, where)

    def tokenizer_location(self) -> str:
        """Where the tokenizer (with the chat template used in training) is: an adapter folder saves its own."""
        if self.is_adapter and not (Path(self.location) / "tokenizer_config.json").is_file():
            return self.base().location
        return self.location

    def check_reachable(self, where: str | None = None) -> None:
        """A Hub id must be in the local Hugging Face cache, or the Hub must answer within seconds: a server
        would otherwise wait minutes for a download that cannot happen (offline machines)."""
        if self.kind != HUB:
            return
        from huggingface_hub import model_info, try_to_load_from_cache

        if isinstance(try_to_load_from_cache(self.location, "config.json"), str):
            return
        reason = "HF_HUB_OFFLINE is set" if os.environ.get("HF_HUB_OFFLINE") == "1" else None
        if reason is None:
            try:
                model_info(self.location, timeout=10)
                return
            except Exception as e:  # noqa: BLE001 - offline, unknown id, gated: the same advice
                reason = f"{type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"
        raise UserError(f"'{self.location}' is not a local folder, not in the Hugging Face cache, and the Hub "
                        f"cannot be reached ({reason}); give the path of a model folder or run directory", where)


def resolve(spec: str | None, where: str | None = None, folder: Path | None = None) -> ModelRef:
    """Resolve a model name as written (relative to the working directory, else to `folder`, the folder of the
    file that names it). A name that can only be a path and does not exist is an error, never a Hub id."""
    if not spec:
        raise UserError("no model given: set 'model_name_or_path'", where)
    spec = str(spec)
    path = resolve_local(spec, folder) if folder is not None else _existing(spec)
    if path is None:
        if looks_like_path(spec, (".gguf", ".safetensors", ".bin")):
            raise UserError(f"model not found: {spec}", where)
        return ModelRef(spec, HUB, spec)
    if path.is_file():
        if path.suffix != ".gguf":
            raise UserError(f"{spec} is a file, not a model folder, run directory, adapter or .gguf file", where)
        from sftflow.models.gguf_file import gguf_to_safetensors

        return ModelRef(spec, MODEL, str(gguf_to_safetensors(path)))
    run_dir = None
    if rd.read_manifest(path) is not None:
        run_dir, path = path, rd.trained_model(path, where)
    elif rd.read_manifest(path.parent) is not None:
        run_dir = path.parent  # a checkpoint or final/ inside a run directory
    if (path / "adapter_config.json").is_file():
        return ModelRef(spec, ADAPTER, str(path), run_dir)
    if (path / "config.json").is_file():
        return ModelRef(spec, MODEL, str(path), run_dir)
    raise UserError(f"{path} is neither a model folder (no config.json), an adapter (no adapter_config.json) nor "
                    "an sftflow run directory", where)


def resolve_base(name: str, where: str | None = None) -> ModelRef:
    """An adapter's base model: a folder that still exists, else a Hub id."""
    path = _existing(name)
    if path is not None:
        return resolve(str(path), where)
    if looks_like_path(name):
        raise UserError(f"base model not found: {name}; set peft_base_model_path to where it is now", where)
    return ModelRef(name, HUB, name)


def _existing(spec: str) -> Path | None:
    path = Path(spec).expanduser()
    return path.resolve() if path.exists() else None
