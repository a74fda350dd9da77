"""Eval generation on CPU: vLLM's CPU build against the batched transformers path, in one run, on the demo's test
split (the same 60 prompts `sftflow demo` scores, the same prompt token ids, greedy, 96 new tokens).

    .venv/bin/python bench/eval_throughput.py [--model PATH_OR_RUN_DIR] [--examples 60] [--batch-size 16]
                                              [--out bench/results/eval_throughput_cpu.txt]

Prints for each engine the time to first answer-ready state (model load or engine start), the generation time
and tokens/s, the ratio, and how many answers are identical between the two (with the first that differ).
"""

import argparse
import datetime
import os
import tempfile
import time
from pathlib import Path

from sftflow.config import load_config
from sftflow.data.prepare import check_templates, load_splits
from sftflow.data.tokenize import prompt_ids
from sftflow.demo.run import demo_model
from sftflow.demo.sql_data import write_splits
from sftflow.models.engine import vllm_python
from sftflow.models.generate import generate
from sftflow.models.loading import load_tokenizer
from sftflow.models.reference import resolve
from sftflow.models.vllm_offline import generate_vllm
from sftflow.paths import examples_dir


def demo_prompts(model: str, examples: int) -> tuple[list[list[int]], object, object]:
    """The demo's test prompts as token ids (its config, data and templates), and the model's reference."""
    data = Path(tempfile.mkdtemp(prefix="eval-bench-"))
    write_splits(data, n_train=600, n_test=100, seed=0)  # what `sftflow demo` writes
    config = load_config(examples_dir() / "text_to_sql" / "demo.yaml",
                         {"model_name_or_path": model, "dataset_name": str(data), "output_dir": str(data / "run")})
    splits = load_splits(config)
    templates = check_templates(config, splits)
    test = splits[config.eval.split]
    rows = [test[i] for i in range(min(examples, len(test)))]
    ref = resolve(model)
    tokenizer = load_tokenizer(ref.tokenizer_location(), False, "bench")
    messages = [templates.render(row, i, roles=("system", "user")) for i, row in enumerate(rows)]
    return [prompt_ids(tokenizer, m, config.workflow.fine_tuning_data_format) for m in messages], tokenizer, ref


def with_transformers(ref, tokenizer, prompts, max_tokens: int, batch_size: int) -> dict:
    from sftflow.eval.run import load_model_for_eval

    started = time.perf_counter()
    model = load_model_for_eval(ref, False)
    loaded = time.perf_counter()
    answers = generate(model, tokenizer, prompts, max_tokens, batch_size)
    done = time.perf_counter()
    tokens = sum(len(tokenizer(a, add_special_tokens=False)["input_ids"]) for a in answers)
    return {"answers": answers, "load_s": loaded - started, "generate_s": done - loaded, "tokens": tokens}


def with_vllm(ref, prompts, max_tokens: int) -> dict:
    timings: dict = {}
    answers = generate_vllm(ref, prompts, max_tokens, "bench", timings=timings)
    return {"answers": answers, **timings}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="model folder or run directory (default: the demo's base model)")
    parser.add_argument("--examples", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-new-tokens", type=int, default=96)
    parser.add_argument("--out", default="bench/results/eval_throughput_cpu.txt")
    args = parser.parse_args()
    if vllm_python() is None:
        raise SystemExit("vLLM is not installed: ./setup.sh --vllm")
    model = args.model or str(demo_model(download=False))
    prompts, tokenizer, ref = demo_prompts(model, args.examples)
    hf = with_transformers(ref, tokenizer, prompts, args.max_new_tokens, args.batch_size)
    vl = with_vllm(ref, prompts, args.max_new_tokens)
    lines = [f"model: {Path(model).name if args.model else 'SmolLM2-135M-Instruct (the demo base model)'}; "
             f"{len(prompts)} prompts of the demo's test split, greedy, max_new_tokens {args.max_new_tokens}",
             f"CPU, {os.cpu_count()} cores, {datetime.date.today().isoformat()}",
             f"{'engine':<28}{'load/start s':>13}{'generate s':>11}{'tokens':>8}{'tokens/s':>10}{'total s':>9}"]
    for name, r in (("transformers (batch " + str(args.batch_size) + ")", hf), ("vLLM CPU (offline engine)", vl)):
        lines.append(f"{name:<28}{r['load_s']:>13.1f}{r['generate_s']:>11.1f}{r['tokens']:>8}"
                     f"{r['tokens'] / r['generate_s']:>10.1f}{r['load_s'] + r['generate_s']:>9.1f}")
    lines.append(f"generation: vLLM {hf['generate_s'] / vl['generate_s']:.2f}x faster; end to end (load included): "
                 f"{(hf['load_s'] + hf['generate_s']) / (vl['load_s'] + vl['generate_s']):.2f}x")
    same = [i for i, (a, b) in enumerate(zip(hf["answers"], vl["answers"])) if a == b]
    lines.append(f"identical answers: {len(same)}/{len(prompts)}")
    for i in [i for i in range(len(prompts)) if i not in same][:3]:
        a, b = hf["answers"][i], vl["answers"][i]
        cut = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
        lines.append(f"  #{i}: the same for {cut} characters, then transformers {a[cut:cut + 40]!r} / vLLM "
                     f"{b[cut:cut + 40]!r}")
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines) + f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
