"""Training throughput: the teaching workflow's settings against sftflow's defaults, side by side, one run.

    .venv/bin/python bench/train_throughput.py [--models tiny,smollm2-lora,smollm2-full] [--examples 48]
                                               [--cases all|a,b,...] [--out bench/results/train_throughput_cpu.txt]

Every case trains the same model on the same generated text-to-SQL rows, each row exactly once
(max_steps x 4 examples = the training set), in a fresh process:

  a            the teaching workflow: per-device batch 4, padding to the longest row, no packing,
               gradient checkpointing on (`train.speedups: off`)
  b            sftflow's defaults for this model and machine (batch 4 kept: it is the global batch)
  a+<one>      the teaching settings plus one speed-up on its own, to see what each buys
  b+<one>      the defaults with one setting changed

a and b run again after the other cases (--repeats 2): each is reported as its fastest run, and the
trained tokens/s of every run are printed, so the machine's run-to-run noise is visible beside the ratios.

Printed per case: real (non-pad) tokens/s, trained (in-loss) tokens/s, peak RSS of the whole training
process (CPU) or torch.cuda.max_memory_allocated (GPU), the mean training loss, the validation loss after
training (same 32 held-out rows for every case), and ratios against case a. On a GPU, MFU =
6 x parameters x trained tokens/s / peak bf16 FLOP/s (--peak-tflops).

On a CPU, the machine's own ceiling is measured in the same run: the fp32 matmul rate at torch's thread count on
the model's shapes (tokens of one micro-batch x hidden -> intermediate), and the bf16 rate where the CPU has bf16
instructions. "eff" = model FLOPs per second of training / the rate of the precision the case trains in, where
model FLOPs = 6 x parameters x real tokens for full fine-tuning, and 4 x parameters x real tokens for LoRA (the
forward pass and the activation gradients; the frozen weights get no gradient, the adapters' own FLOPs are under
1% and not counted). Real tokens, not trained ones: every real token goes through the forward and backward pass.
The vocabulary projection is part of the parameter count, so where the LM head runs on trained tokens only (the
CPU default) "eff" counts FLOPs that were skipped: compare cases with the same head, or read it as an upper bound.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
GLOBAL_BATCH = 4  # the teaching workflow's batch size; every case keeps it so the optimisation is the same

TEACHING = {"train": {"speedups": "off"}, "gradient_checkpointing": True, "packing": False, "padding_free": False}
CASES = {
    "a": TEACHING,
    "b": {},
    "a+no_checkpointing": {**TEACHING, "gradient_checkpointing": False},
    "a+group_by_length": {**TEACHING, "train_sampling_strategy": "group_by_length"},
    "a+padding_free": {**TEACHING, "padding_free": True},
    "a+trained_tokens_head": {**TEACHING, "train": {"speedups": "off", "trained_tokens_head": True}},
    "a+micro_batch_1": {**TEACHING, "per_device_train_batch_size": 1, "gradient_accumulation_steps": GLOBAL_BATCH},
    "a+bf16_autocast": {**TEACHING, "bf16": True},  # kept on CPU only where it has bf16 instructions
    "b+checkpointing": {"gradient_checkpointing": True},
    "b+bf16_autocast": {"bf16": True},
    "b+padding_free": {"padding_free": True},
    "b+batch_4": {"train": {"micro_batch_tokens": 100_000}},  # no split: 4 rows per micro-batch
}
DEFAULT_CASES = {"tiny": ["a", "b"], "smollm2-lora": [c for c in CASES if c != "b+batch_4"],
                 "smollm2-full": ["a", "b"]}


def write_data(folder: Path, n_train: int) -> Path:
    from sftflow.demo.sql_data import generate_rows

    rows = generate_rows(n_train + 48, seed=11)
    folder.mkdir(parents=True, exist_ok=True)
    for name, part in (("train", rows[:n_train]), ("validation", rows[n_train:n_train + 32]),
                       ("test", rows[n_train + 32:])):
        with open(folder / f"{name}.jsonl", "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in part)
    return folder


def tiny_model(folder: Path, tokenizer_source: Path) -> Path:
    """A 4-layer Llama (hidden 128) with random weights and SmolLM2's tokenizer."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_source)
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=128, intermediate_size=384, num_hidden_layers=4,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
                         tie_word_embeddings=True)
    LlamaForCausalLM(config).save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    return folder


def base_config(model: Path, data: Path, out: Path, n_train: int, full: bool) -> dict:
    config = yaml.safe_load((REPO / "examples" / "text_to_sql" / "demo.yaml").read_text())
    for key in ("gradient_checkpointing", "per_device_train_batch_size", "gradient_accumulation_steps"):
        config.pop(key, None)  # decided per case
    steps = n_train // GLOBAL_BATCH
    config.update({"model_name_or_path": str(model), "dataset_name": str(data), "output_dir": str(out),
                   "prompts_path": str(REPO / "examples" / "text_to_sql" / "prompts"),
                   "per_device_train_batch_size": GLOBAL_BATCH, "max_steps": steps, "warmup_steps": 2,
                   "logging_steps": 1, "save_strategy": "no", "eval_strategy": "steps", "eval_steps": steps,
                   "per_device_eval_batch_size": 8, "dataloader_num_workers": 0, "seed": 42})
    config.pop("data", None)
    config.pop("eval", None)
    if full:
        config["use_peft"] = False
        config["learning_rate"] = 5.0e-5
    return config


def merge(base: dict, changes: dict) -> dict:
    out = {**base}
    for key, value in changes.items():
        out[key] = {**out.get(key, {}), **value} if isinstance(value, dict) else value
    return out


def token_counts(config_path: Path) -> tuple[int, int]:
    """(real tokens, trained tokens) of the training split, tokenized exactly as training does."""
    from sftflow.config import load_config
    from sftflow.data.prepare import check_templates, load_splits
    from sftflow.data.sources import fingerprint
    from sftflow.models.loading import tokenizer_for
    from sftflow.train.run import prepare_tokens

    config = load_config(config_path)
    splits = load_splits(config)
    templates = check_templates(config, splits)
    ref, tokenizer = tokenizer_for(config)
    train = prepare_tokens(config, splits, templates, tokenizer, ref.location, fingerprint(config))["train"]
    real = sum(len(ids) for ids in train["input_ids"])
    trained = sum(sum(1 for t in labels if t != -100) for labels in train["labels"])
    return real, trained


def run_case(name: str, config: dict, work: Path, cuda: bool) -> dict:
    out = Path(config["output_dir"])
    path = work / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    log = work / f"{name}.log"
    command = [sys.executable, "-m", "sftflow.cli", "train", str(path)]
    if cuda:  # the child reports torch.cuda.max_memory_allocated through this file
        command = [sys.executable, str(Path(__file__)), "--child", str(path)]
    with open(log, "w") as f:
        child = subprocess.Popen(command, stdout=f, stderr=subprocess.STDOUT, cwd=REPO)
        _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"case {name} failed; its log: {log}\n" + log.read_text()[-3000:])
    history = json.loads((out / "log_history.json").read_text())
    summary = next(e for e in history if "train_runtime" in e)
    evals = [e for e in history if "eval_loss" in e]
    seconds = summary["train_runtime"] - sum(e.get("eval_runtime", 0.0) for e in evals)
    peak = json.loads((work / f"{name}.cuda.json").read_text())["peak"] if cuda else usage.ru_maxrss * 1024
    speed_lines = [line for line in log.read_text().splitlines() if "[sftflow] speed:" in line]
    return {"case": name, "seconds": seconds, "peak_bytes": peak, "train_loss": summary["train_loss"],
            "eval_loss": evals[-1]["eval_loss"], "speed": speed_lines, "bf16": bool(config.get("bf16"))}


def child(config_path: str) -> None:
    """Train in this process (GPU runs), then record the peak CUDA memory beside the config."""
    import torch

    from sftflow.config import load_config
    from sftflow.train.run import run

    run(load_config(Path(config_path)))
    peak = torch.cuda.max_memory_allocated()
    Path(config_path).with_suffix(".cuda.json").write_text(json.dumps({"peak": peak}))


def cpu_ceiling(model: Path, tokens: int = 512) -> dict[str, float]:
    """FLOP/s of (tokens x hidden) @ (hidden x intermediate) on this CPU at torch's thread count: fp32 always,
    bf16 where the CPU has bf16 instructions (sftflow trains in bf16 on a CPU only there)."""
    import torch

    from sftflow.device import cpu_bf16

    shape = json.loads((Path(model) / "config.json").read_text())
    hidden, inner = shape["hidden_size"], shape["intermediate_size"]
    rates = {}
    for dtype in (torch.float32, torch.bfloat16) if cpu_bf16() else (torch.float32,):
        a, b = torch.randn(tokens, hidden, dtype=dtype), torch.randn(hidden, inner, dtype=dtype)
        for _ in range(3):
            a @ b
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < 1.0:
            a @ b
            count += 1
        rates[str(dtype).removeprefix("torch.")] = 2 * tokens * hidden * inner * count / (time.perf_counter() - started)
    return rates


def table(model: str, results: list[dict], real: int, trained: int, params: int, peak_flops: float | None,
          ceiling: dict[str, float] | None = None) -> str:
    base = results[0]
    lines = [f"model: {model}; {real} real tokens, {trained} trained tokens per case",
             f"{'case':<24}{'tok/s':>9}{'trained/s':>11}{'x a':>7}{'peak GiB':>10}{'x a':>7}"
             f"{'train loss':>12}{'val loss':>10}{'x a':>7}" + ("   MFU" if peak_flops else "")
             + ("    eff" if ceiling else "")]
    for r in results:
        tps, ttps = real / r["seconds"], trained / r["seconds"]
        row = (f"{r['case']:<24}{tps:>9.1f}{ttps:>11.1f}{base['seconds'] / r['seconds']:>7.2f}"
               f"{r['peak_bytes'] / 2**30:>10.2f}{r['peak_bytes'] / base['peak_bytes']:>7.2f}"
               f"{r['train_loss']:>12.4f}{r['eval_loss']:>10.4f}{r['eval_loss'] / base['eval_loss']:>7.3f}")
        if peak_flops:
            row += f"{6 * params * ttps / peak_flops:>6.1%}"
        if ceiling:
            per_token = (6 if model.endswith("full") else 4) * params
            rate = ceiling["bfloat16"] if r.get("bf16") and "bfloat16" in ceiling else ceiling["float32"]
            row += f"{per_token * tps / rate:>7.1%}"
        lines.append(row)
    for r in results:
        if len(r["runs"]) > 1:
            lines.append(f"  {r['case']}: fastest of {len(r['runs'])} runs; trained tok/s per run "
                         + ", ".join(f"{trained / s:.1f}" for s in r["runs"]))
    for r in results:
        if r["speed"]:
            lines.append(f"  {r['case']}: " + "; ".join(s.split("speed: ", 1)[1] for s in r["speed"]))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="tiny,smollm2-lora,smollm2-full")
    parser.add_argument("--examples", type=int, default=48, help="training rows, each trained on once")
    parser.add_argument("--cases", default="default", help="comma-separated case names, or 'all'")
    parser.add_argument("--repeats", type=int, default=2, help="runs of cases a and b (the fastest is reported)")
    parser.add_argument("--peak-tflops", type=float, help="GPU peak bf16 TFLOP/s for MFU (H100 SXM: 989)")
    parser.add_argument("--gemma-270m", action="store_true", help="(GPU) add a random-weight Gemma-3 270M config")
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "train_throughput_cpu.txt"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)

    import torch

    from sftflow.demo.run import demo_model

    cuda = torch.cuda.is_available()
    work = Path(tempfile.mkdtemp(prefix="sftflow-bench-"))
    data = write_data(work / "data", args.examples)
    smollm2 = demo_model(download=False)
    models = {"tiny": lambda: tiny_model(work / "tiny", smollm2), "smollm2-lora": lambda: smollm2,
              "smollm2-full": lambda: smollm2}
    if args.gemma_270m:
        models["gemma3-270m-full"] = lambda: gemma_270m(work / "gemma", smollm2)
    header = (f"sftflow train_throughput: {args.examples} rows of generated text-to-SQL, global batch "
              f"{GLOBAL_BATCH}, {'CUDA ' + torch.cuda.get_device_name(0) if cuda else 'CPU'}, "
              f"torch threads {torch.get_num_threads()}, cores {os.cpu_count()}, {time.strftime('%Y-%m-%d')}\n"
              f"command: {' '.join([Path(sys.argv[0]).name] + sys.argv[1:])}")
    if not cuda:
        from sftflow.device import cpu_class

        header += f"\nCPU: {cpu_class()}"
    print(header, flush=True)
    report = [header]
    for model_name in args.models.split(","):
        path = models[model_name]()
        full = model_name.endswith("full")
        cases = DEFAULT_CASES.get(model_name, ["a", "b"]) if args.cases == "default" else \
            list(CASES) if args.cases == "all" else args.cases.split(",")
        # a and b again after the others (--repeats): the baseline alone varied by over 20% between runs
        order = cases + [c for _ in range(args.repeats - 1) for c in cases if c in ("a", "b")]
        runs: dict[str, list[dict]] = {}
        for i, case in enumerate(order):
            name = f"{model_name}-{case}" + (f"-{i}" if case in order[:i] else "")
            config = merge(base_config(path, data, work / model_name / name, args.examples, full), CASES[case])
            started = time.perf_counter()
            runs.setdefault(case, []).append(run_case(name, config, work, cuda))
            print(f"  {model_name} {case}: {time.perf_counter() - started:.0f} s", flush=True)
        results = [{**min(runs[case], key=lambda r: r["seconds"]), "case": case,
                    "runs": [r["seconds"] for r in runs[case]]} for case in cases]
        config_path = work / f"{model_name}-{cases[0]}.yaml"
        real, trained = token_counts(config_path)
        params = _params(path) if args.peak_tflops or not cuda else 0
        ceiling = None if cuda else cpu_ceiling(path)
        text = table(model_name, results, real, trained, params, args.peak_tflops and args.peak_tflops * 1e12,
                     ceiling)
        if ceiling:
            text += "\n  ceiling (matmul 512 tokens x the model's hidden -> intermediate, torch threads): " + \
                ", ".join(f"{k} {v / 1e9:.1f} GFLOP/s" for k, v in ceiling.items()) + f"; {params / 1e6:.1f}M params"
        print(text, flush=True)
        report.append(text)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    report.append(f"(bench process itself: peak RSS {usage.ru_maxrss / 2**20:.2f} GiB)")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n\n".join(report) + "\n")
    print(f"written: {args.out}")


def gemma_270m(folder: Path, tokenizer_source: Path) -> Path:
    """Gemma-3 270M's text configuration (18 layers, hidden 640) with random weights; SmolLM2's tokenizer
    stands in for Gemma's (the Hub is unreachable), which shrinks the vocabulary from 262k to 49k."""
    import torch
    from transformers import AutoTokenizer, Gemma3ForCausalLM, Gemma3TextConfig

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_source)
    torch.manual_seed(0)
    config = Gemma3TextConfig(vocab_size=len(tokenizer), hidden_size=640, intermediate_size=2048,
                              num_hidden_layers=18, num_attention_heads=4, num_key_value_heads=1, head_dim=256,
                              max_position_embeddings=32768, sliding_window=512,
                              eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    Gemma3ForCausalLM(config).save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    return folder


def _params(path: Path) -> int:
    from sftflow.sweep.trials import tensor_count  # the numbers stored in the model's safetensors

    return tensor_count(Path(path))


if __name__ == "__main__":
    main()
