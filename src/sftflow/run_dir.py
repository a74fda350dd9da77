"""Paths and manifest of a run directory: the contract every stage reads and writes.

RUN_DIR/
  manifest.json        what is where: base model, chat template hash, last/best checkpoint, status
  config.yaml          the resolved config
  versions.json        library versions
  data.json            data fingerprint, templates hash, split sizes, token statistics
  checkpoint-N/        Trainer checkpoints; `.sftflow-complete` marks a fully written one
  final/               the trained model or adapter, with tokenizer and chat template
  log_history.json     the Trainer's logged losses and metrics
"""

import datetime
import hashlib
import json
import os
import platform
import re
from pathlib import Path

import yaml

from sftflow.errors import UserError

COMPLETE_MARKER = ".sftflow-complete"
MANIFEST = "manifest.json"
_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write a file (text or bytes) so that a crash leaves either the old or the new content, never half of it."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    data = content.encode("utf-8") if isinstance(content, str) else content
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_json(path: Path, data) -> None:
    write_atomic(path, json.dumps(data, indent=2, default=str) + "\n")


def read_manifest(run_dir: Path) -> dict | None:
    path = Path(run_dir) / MANIFEST
    return json.loads(path.read_text()) if path.is_file() else None


def update_manifest(run_dir: Path, **changes) -> dict:
    manifest = read_manifest(run_dir) or {}
    manifest.update(changes, updated=_now())
    write_json(Path(run_dir) / MANIFEST, manifest)
    return manifest


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def config_hash(config_dict: dict) -> str:
    """Hash of the resolved config minus keys that may change between a run and its resumption."""
    volatile = {"resume_from_checkpoint", "output_dir", "overwrite_output_dir", "max_steps", "num_train_epochs"}
    stable = {k: v for k, v in config_dict.items() if k not in volatile}
    return hashlib.sha256(json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()


def chat_template_hash(tokenizer) -> str | None:
    template = getattr(tokenizer, "chat_template", None)
    return hashlib.sha256(template.encode()).hexdigest() if isinstance(template, str) else None


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("sftflow", "torch", "transformers", "trl", "peft", "datasets", "accelerate"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def write_config(run_dir: Path, config_dict: dict) -> None:
    write_atomic(Path(run_dir) / "config.yaml", yaml.safe_dump(config_dict, sort_keys=False))


def checkpoints(run_dir: Path, complete_only: bool = True) -> list[Path]:
    """checkpoint-N folders by step; only fully written ones unless complete_only=False."""
    found = []
    for path in Path(run_dir).iterdir() if Path(run_dir).is_dir() else []:
        match = _CHECKPOINT.match(path.name)
        if match and path.is_dir() and (not complete_only or (path / COMPLETE_MARKER).is_file()):
            found.append((int(match.group(1)), path))
    return [path for _, path in sorted(found)]


def newest_checkpoint(run_dir: Path) -> Path | None:
    complete = checkpoints(run_dir)
    return complete[-1] if complete else None


def mark_complete(checkpoint: Path) -> None:
    """Called once every file of the checkpoint is on disk: records their names and sizes."""
    files = {str(p.relative_to(checkpoint)): p.stat().st_size
             for p in sorted(checkpoint.rglob("*")) if p.is_file() and p.name != COMPLETE_MARKER}
    for path in checkpoint.rglob("*"):  # make the files durable before the marker says they are
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    write_json(checkpoint / COMPLETE_MARKER, {"files": files, "completed": _now()})


def trained_model(run_dir: Path, where: str) -> Path:
    """The model a run directory stands for: its best checkpoint when a metric chose one, else its final model."""
    manifest = read_manifest(run_dir) or {}
    chosen = manifest.get("best_checkpoint") if manifest.get("best_metric") is not None else None
    target = Path(chosen or manifest.get("final_model") or "")
    if target.name and not target.is_dir():
        target = run_dir / target.name  # the run directory was moved since it was written
    if not target.name or not target.is_dir():
        raise UserError(f"run directory has no trained model yet (status: {manifest.get('status')}): {run_dir}",
                        where)
    return target.resolve()
