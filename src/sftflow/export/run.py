"""`sftflow export RUN_DIR_OR_MODEL --format gguf|onnx|browser --out DIR`, and `sftflow export --serve DIR`.

The target becomes one merged model folder (a run directory's trained model, an adapter merged once and
parity-checked), which is converted, read back and compared; OUT is written whole or not at all (OUT.partial
until done) with export.json saying what it holds and how close it came to the model.
"""

import contextlib
import datetime
from pathlib import Path

from sftflow import run_dir as rd
from sftflow.errors import UserError
from sftflow.models.output import atomic_dir

FORMATS = ("gguf", "onnx", "browser")
EXPORT_MANIFEST = "export.json"
WHERE = "export"


def gguf_types(text: str) -> tuple[str, ...]:
    from sftflow.models.gguf_file import TYPES

    kinds = tuple(dict.fromkeys(kind.strip().lower() for kind in text.split(",") if kind.strip()))
    if not kinds or any(kind not in TYPES for kind in kinds):
        raise UserError(f"--gguf-types: choose from {', '.join(TYPES)} (got '{text}')", WHERE)
    return kinds


def run(config, run_dir, *, kind: str, out: Path, types: tuple[str, ...] = (), overwrite: bool = False) -> Path:
    """The export stage: `run_dir` (a run directory, adapter or model folder) as `kind` into `out`; returns the
    folder. `config` gives the prompt templates (None: the run directory's own config.yaml, if any)."""
    from sftflow.export.prompt import page_prompt, static_system

    target = str(run_dir)
    out = Path(out).expanduser().resolve()
    check_output(out, overwrite)
    config = config if config is not None else run_config(target, None)
    prompt = page_prompt(config) if kind == "browser" else None  # a template the page cannot fill fails here, early
    model = model_folder(target)
    if model == out or model.is_relative_to(out):
        raise UserError(f"the output folder {out} contains the model {model}; choose another --out", WHERE)
    with output_folder(out) as partial:
        if kind == "gguf":
            from sftflow.export.gguf import export_gguf

            checks = export_gguf(model, partial, types, static_system(config), WHERE)
        elif kind == "onnx":
            from sftflow.export.onnx import export_onnx

            checks = [export_onnx(model, partial, WHERE)]
        else:
            from sftflow.export.browser import export_browser

            title = "/".join(Path(target).resolve().parts[-2:])  # runs/demo/run -> demo/run
            checks = [export_browser(model, partial, prompt, f"{title}: fine-tuned model in the browser", WHERE)]
        rd.write_json(partial / EXPORT_MANIFEST, manifest(kind, target, model, checks, partial))
    print(f"[sftflow] exported ({kind}) to {out}")
    return out


def model_folder(target: str) -> Path:
    """The model folder a target means (sftflow.models.reference: a run directory's trained model; an adapter
    merged once into the cache and parity-checked; a model folder)."""
    from sftflow.models.lora_merge import full_model
    from sftflow.models.reference import resolve

    folder = Path(full_model(resolve(target, WHERE), WHERE))
    if not folder.is_dir():
        raise UserError(f"export needs a local model: '{target}' is neither a run directory nor a model folder "
                        "(download a Hub model first)", WHERE)
    return folder


def run_config(target: str, config_path: str | None):
    """The config whose templates describe the model's prompt: --config, else the run directory's own, else none."""
    from sftflow.config import load_config

    path = Path(config_path) if config_path else Path(target) / "config.yaml"
    if config_path and not path.is_file():
        raise UserError(f"config not found: {config_path}", WHERE)
    return load_config(path) if path.is_file() else None


def check_output(out: Path, overwrite: bool) -> None:
    """OUT may be absent, empty, an earlier export, or anything with --overwrite (a file never)."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; choose a folder", WHERE)
    if out.is_dir() and any(out.iterdir()) and not (out / EXPORT_MANIFEST).is_file() and not overwrite:
        raise UserError(f"{out} already holds other files; choose another --out or pass --overwrite", WHERE)


@contextlib.contextmanager
def output_folder(out: Path):
    """Yield a fresh partial folder beside OUT; when the block succeeds it replaces OUT, when it fails it is removed
    and OUT stays. Only folders this run made are removed (a user's OUT.partial/ or OUT.old/ stay)."""
    with atomic_dir(out) as partial:
        yield partial


def manifest(kind: str, target: str, model: Path, checks: list[dict], folder: Path) -> dict:
    return {
        "format": kind,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "source": str(target), "model": str(model),
        "files": sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()),
        "checks": checks,
        "versions": rd.versions(),
    }
