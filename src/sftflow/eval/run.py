"""The eval stage: generate answers for a split with each model, score them, print one comparison table."""

import json
import math
import re
from pathlib import Path

from sftflow import run_dir as rd
from sftflow.data.prepare import check_templates, load_splits
from sftflow.data.tokenize import prompt_ids
from sftflow.errors import UserError
from sftflow.eval.generate import generate
from sftflow.eval.metrics import METRICS, PROPORTION_METRICS, check_options
from sftflow.train.model import load_tokenizer, resolve_model


def run(config, models: list[str] | None = None) -> list[dict]:
    """Evaluate each model (run dir, adapter, model folder or Hub id) on the configured split."""
    options = config.eval
    metric = METRICS.get(options.metric, config.where)
    splits = load_splits(config)
    templates = check_templates(config, splits)
    if options.split not in splits:
        raise UserError(f"eval.split '{options.split}' is not one of {', '.join(splits)}", config.where)
    split = splits[options.split]
    rows = [split[i] for i in range(min(len(split), options.num_examples or len(split)))]
    check_options(options, rows, config.where)
    messages = [templates.render(row, i, roles=("system", "user")) for i, row in enumerate(rows)]
    models = models or [config.workflow.evaluate_vllm_model_name_or_path or str(config.output_dir())]
    max_tokens = config.workflow.evaluate_vllm_sampling_params_max_tokens or options.max_new_tokens
    results = []
    for spec in models:
        print(f"[sftflow] evaluating {spec} on {len(rows)} {options.split} examples (backend: transformers)")
        model, tokenizer = load_for_eval(spec, config)
        prompts = [prompt_ids(tokenizer, m, config.workflow.fine_tuning_data_format) for m in messages]
        answers = generate(model, tokenizer, prompts, max_tokens, options.batch_size)
        scored = metric(rows, answers, options)
        results.append(save_results(config, spec, rows, answers, scored))
    print(format_table(results, options.metric))
    return results


def load_for_eval(spec: str, config):
    """Model + tokenizer for a run directory (its final model), an adapter folder, a model folder or a Hub id."""
    import torch
    from transformers import AutoModelForCausalLM

    path = Path(spec)
    manifest = rd.read_manifest(path) if path.is_dir() else None
    if manifest is not None:
        path = Path(manifest.get("final_model") or manifest.get("best_checkpoint") or "")
        if not path.is_dir():
            raise UserError(f"run directory has no trained model yet (status: {manifest.get('status')})", spec)
    target = str(path) if path.is_dir() else resolve_model(spec, config)
    trust = bool(config.sft.get("trust_remote_code", False))
    tokenizer = load_tokenizer(target, trust, spec)
    adapter = Path(target) / "adapter_config.json"
    if adapter.is_file():
        from peft import PeftModel

        base = json.loads(adapter.read_text())["base_model_name_or_path"]
        model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32, trust_remote_code=trust)
        return PeftModel.from_pretrained(model, target), tokenizer
    return AutoModelForCausalLM.from_pretrained(target, dtype=torch.float32, trust_remote_code=trust), tokenizer


def save_results(config, spec: str, rows: list[dict], answers: list[str], scored: dict) -> dict:
    out = config.output_dir() / "eval" / _slug(spec)
    out.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"id": row.get("id", i), "prediction": answer, **score})
             for i, (row, answer, score) in enumerate(zip(rows, answers, scored.pop("per_example")))]
    rd.write_atomic(out / "predictions.jsonl", "\n".join(lines) + "\n")
    # A binomial interval only means something when accuracy is a share of correct answers.
    proportion = config.eval.metric in PROPORTION_METRICS
    summary = {"model": spec, **scored, "ci95": wilson_interval(scored["accuracy"], scored["n"]) if proportion else None}
    rd.write_json(out / "metrics.json", summary)
    return summary


def wilson_interval(p: float, n: int, z: float = 1.96) -> list[float]:
    """95% confidence interval of an accuracy measured on n examples (Wilson score interval)."""
    if n == 0:
        return [0.0, 0.0]
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


def format_table(results: list[dict], metric: str) -> str:
    lines = [f"{'model':<48}{'n':>6}  {metric + ' accuracy':<28}{'95% CI':<16}{'errors':>8}"]
    for r in results:
        correct = round(r["accuracy"] * r["n"])
        # A mean score (rouge, chrf) has no "k of n correct" and no CI.
        accuracy = f"{100 * r['accuracy']:.2f}%" + (f" ({correct}/{r['n']})" if r.get("ci95") else "")
        ci = f"{100 * r['ci95'][0]:.1f}-{100 * r['ci95'][1]:.1f}%" if r.get("ci95") else "-"
        lines.append(f"{_short(r['model']):<48}{r['n']:>6}  {accuracy:<28}{ci:<16}"
                     f"{100 * r.get('error_rate', 0):>7.1f}%")
    return "\n".join(lines)


def _short(spec: str) -> str:
    return spec if len(spec) <= 46 else "..." + spec[-43:]


def _slug(spec: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", spec.strip("/"))[-80:]
