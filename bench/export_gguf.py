"""The GGUF round trip of a fine-tune on real prompts: how far each exported file's logits are from the merged model's,
and how many greedy answers the quantized file changes, on the demo's test prompts.

    .venv/bin/python bench/export_gguf.py [RUN_DIR] [--gguf DIR] [--types f32,f16,q8_0]
                                          [--out bench/results/export_gguf_cpu.txt]

RUN_DIR defaults to runs/demo/run (`sftflow demo --out runs/demo`); it is exported to --gguf first unless that
holds an export. Each file is loaded by transformers (`gguf_file=`, dequantized to float32), as is the merged model
`sftflow export` converted. Prompts: the run's test split as `sftflow eval` scores it (the demo: 60), rendered with
the run's templates and chat template. Answers: greedy, `eval.max_new_tokens`, the eval stage's batched generation
for every model alike; scored with the run's metric.
"""

import argparse
import datetime
import json
from pathlib import Path

import torch
from sftflow.eval.generate import generate
from sftflow.eval.metrics import METRICS
from transformers import AutoModelForCausalLM, AutoTokenizer

from sftflow.config import load_config
from sftflow.data.prepare import load_splits
from sftflow.data.templates import load_templates
from sftflow.data.tokenize import prompt_ids
from sftflow.export.gguf import file_name
from sftflow.export.run import EXPORT_MANIFEST
from sftflow.export.run import run as export


def eval_prompts(config, tokenizer) -> tuple[list[dict], list[list[int]]]:
    split = load_splits(config)[config.eval.split]
    rows = [split[i] for i in range(min(len(split), config.eval.num_examples or len(split)))]
    templates = load_templates(config)
    fmt = config.workflow.fine_tuning_data_format
    return rows, [prompt_ids(tokenizer, templates.render(row, i, ("system", "user")), fmt)
                  for i, row in enumerate(rows)]


def correct(score: dict) -> int:
    return round(score["accuracy"] * score["n"])


def logit_gap(model, reference: list, prompts: list[list[int]]) -> tuple[float, float]:
    """(max |logit difference|, mean relative difference) over every position of every prompt."""
    worst, diff_sum, ref_sum = 0.0, 0.0, 0.0
    with torch.no_grad():
        for ids, ref in zip(prompts, reference):
            logits = model(input_ids=torch.tensor([ids])).logits[0]
            worst = max(worst, (logits - ref).abs().max().item())
            diff_sum += (logits - ref).abs().sum().item()
            ref_sum += ref.abs().sum().item()
    return worst, diff_sum / ref_sum


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir", nargs="?", default="runs/demo/run")
    parser.add_argument("--gguf", default="runs/demo-gguf")
    parser.add_argument("--types", default="f32,f16,q8_0")
    parser.add_argument("--out", default="bench/results/export_gguf_cpu.txt")
    args = parser.parse_args()
    run_dir, folder = Path(args.run_dir).resolve(), Path(args.gguf).resolve()
    kinds = tuple(args.types.split(","))
    if not all((folder / file_name(kind)).is_file() for kind in kinds):
        export(None, run_dir, kind="gguf", out=folder, types=kinds)
    merged = Path(json.loads((folder / EXPORT_MANIFEST).read_text())["model"])
    config = load_config(run_dir / "config.yaml")
    tokenizer = AutoTokenizer.from_pretrained(merged)
    rows, prompts = eval_prompts(config, tokenizer)
    metric, options = METRICS.get(config.eval.metric, "bench"), config.eval
    model = AutoModelForCausalLM.from_pretrained(merged, dtype=torch.float32).eval()
    with torch.no_grad():
        reference = [model(input_ids=torch.tensor([ids])).logits[0] for ids in prompts]
    baseline = generate(model, tokenizer, prompts, options.max_new_tokens, options.batch_size)
    base_score = metric(rows, baseline, options)
    positions = sum(len(p) for p in prompts)
    lines = [f"run: {run_dir}", f"merged model: {merged}",
             (f"{len(prompts)} prompts of the test split ({positions} prompt positions), greedy answers of up to "
             f"{options.max_new_tokens} tokens, {datetime.date.today().isoformat()}"),
             (f"{'file':<18} {'MB':>6} {'max |dlogit|':>12} {'mean rel':>9} {'same answer':>12} "
             f"{config.eval.metric:>14}"),
             (f"{'merged (float32)':<18} {'':>6} {'':>12} {'':>9} {'':>12} "
             f"{correct(base_score):>6}/{len(rows)} ({100 * base_score['accuracy']:.1f}%)")]
    print("\n".join(lines), flush=True)
    del model
    for kind in kinds:
        path = folder / file_name(kind)
        gguf = AutoModelForCausalLM.from_pretrained(folder, gguf_file=path.name, dtype=torch.float32).eval()
        worst, relative = logit_gap(gguf, reference, prompts)
        answers = generate(gguf, tokenizer, prompts, options.max_new_tokens, options.batch_size)
        same = sum(a == b for a, b in zip(answers, baseline))
        score = metric(rows, answers, options)
        line = (f"{path.name:<18} {path.stat().st_size / 1e6:>6.0f} {worst:>12.2e} {relative:>9.2e} "
                f"{same:>5}/{len(rows)} ({100 * same / len(rows):.0f}%) "
                f"{correct(score):>6}/{len(rows)} ({100 * score['accuracy']:.1f}%)")
        print(line, flush=True)
        lines.append(line)
        del gguf
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
