"""Paths and manifest of a run directory: the contract every stage reads and writes.

Everything inside a run directory is named relative to it (manifest paths like "final", "checkpoint-40"; the
run's config.yaml stands for the folder that holds it), so a run directory can be moved or copied: the copy
is a run of its own, never a pointer to the original.

RUN_DIR/
  manifest.json        what is where: base model, chat template hash, last/best checkpoint, status
  config.yaml          the resolved config
  versions.json        library versions
  data.json            data fingerprint, templates hash, split sizes, token statistics
  checkpoint-N/        Trainer checkpoints; `.sftflow-complete` marks a fully written one
  final/               the trained model or adapter, with tokenizer and chat template
  log_history.json     the Trainer's logged losses and metrics, written at the end
  progress.jsonl       the same records, one JSON line each, appended as training goes
"""

import datetime
import hashlib
import json
import os
import platform
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import yaml

from sftflow.errors import UserError

COMPLETE_MARKER = ".sftflow-complete"
MANIFEST = "manifest.json"
PROGRESS = "progress.jsonl"
RUN_PATHS = ("final_model", "last_checkpoint", "best_checkpoint", "merged_model")  # stored relative to the run
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
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:  # truncated by a full disk, or edited by hand
        raise UserError(f"the run's manifest is damaged ({' '.join(str(e).split())[:120]}); restore it or start "
                        "the run in another output_dir", str(path)) from None
    if not isinstance(manifest, dict):
        raise UserError("the run's manifest is not a JSON object", str(path))
    return manifest


def update_manifest(run_dir: Path, **changes) -> dict:
    """Merge `changes` into the manifest; paths inside the run directory are written relative to it."""
    for key in RUN_PATHS:
        if changes.get(key):
            changes[key] = relative_to_run(run_dir, changes[key])
    manifest = read_manifest(run_dir) or {}
    manifest.update(changes, updated=_now())
    write_json(Path(run_dir) / MANIFEST, manifest)
    return manifest


def relative_to_run(run_dir: Path, path) -> str:
    """'final' for RUN_DIR/final; a path outside the run directory stays as it is."""
    path, run_dir = Path(path), Path(run_dir).resolve()
    try:
        return str(path.resolve().relative_to(run_dir))
    except ValueError:
        return str(path)


def run_path(run_dir: Path, value) -> Path | None:
    """A manifest path as a folder of this run directory. Older manifests hold absolute paths: the run's own
    folder of that name is preferred, so a copied run never reads the original's files."""
    if not value:
        return None
    path = Path(value)
    if not path.is_absolute() or (Path(run_dir) / path.name).exists():
        return (Path(run_dir) / (path if not path.is_absolute() else path.name)).resolve()
    return path


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


def checkpoint_problem(checkpoint: Path) -> str | None:
    """Why a checkpoint cannot be resumed from, or None: not a Trainer checkpoint, or a file its completeness
    marker lists is missing or changed size (deleted optimizer.pt, truncated weights)."""
    if not (checkpoint / "trainer_state.json").is_file():
        return f"{checkpoint} is not a training checkpoint (no trainer_state.json)"
    marker = checkpoint / COMPLETE_MARKER
    if not marker.is_file():
        return None  # written by another tool, or before sftflow marked checkpoints: resumed as it is
    for name, size in json.loads(marker.read_text())["files"].items():
        path = checkpoint / name
        if not path.is_file():
            return f"{name} is missing from {checkpoint} (its completeness marker lists it)"
        if path.stat().st_size != size:
            return f"{name} in {checkpoint} has {path.stat().st_size} bytes, {size} when it was written"
    return None


def trained_model(run_dir: Path, where: str) -> Path:
    """The model a run directory stands for: its best checkpoint when a metric chose one, else its final model."""
    manifest = read_manifest(run_dir) or {}
    chosen = manifest.get("best_checkpoint") if manifest.get("best_metric") is not None else None
    target = run_path(run_dir, chosen or manifest.get("final_model"))
    if target is None or not target.is_dir():
        raise UserError(f"run directory has no trained model yet (status: {manifest.get('status')}): {run_dir}",
                        where)
    return target


@contextmanager
def output_lock(out: Path, where: str):
    """One process at a time per output folder: an exclusive lock (the filelock library) held while the block runs.
    Kept in sftflow's cache, keyed by the folder's resolved path, so nothing is added to the user's folders; the
    holder (pid, host, since, command) is written beside it and named when a second run is refused."""
    from filelock import FileLock, Timeout

    from sftflow.paths import cache_root

    key = hashlib.sha256(str(Path(out).resolve()).encode()).hexdigest()[:24]
    folder = cache_root() / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    lock, holder = FileLock(str(folder / f"{key}.lock")), folder / f"{key}.json"
    try:
        lock.acquire(timeout=0)
    except Timeout:
        try:
            who = json.loads(holder.read_text())
            by = f"process {who['pid']} on {who['host']} since {who['since']} ({who['command']})"
        except (OSError, ValueError, KeyError):
            by = "another process"
        raise UserError(f"{out} is in use by {by}; wait for it, or choose another output_dir", where) from None
    try:
        holder.write_text(json.dumps({"pid": os.getpid(), "host": platform.node(), "since": _now(),
                                      "command": " ".join(sys.argv)[:300], "folder": str(out)}))
        yield
    finally:
        lock.release()
