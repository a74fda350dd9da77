"""One process against two: DDP, FSDP2, ZeRO-2 and ZeRO-3 through `sftflow train --launch MODE --num-processes 2`
on CPU, with the global batch of the one-process run, from the same start.

    .venv/bin/python bench/multiprocess_cpu.py [--model demo|tiny] [--steps 6] [--optim sgd|adamw_torch] [--out FILE]

`demo`: SmolLM2-135M-Instruct with the demo's LoRA (examples/text_to_sql/demo.yaml); `tiny`: a 4-layer Llama (hidden
128) with random weights, fully fine-tuned. The rows are the demo generator's. Each run trains --steps optimizer
steps of global batch 4 (one process: 4 rows; two: 2 each; the random sampler), logs every step, writes
final/. Printed per mode:
the loss at each step, the largest |difference| of any final weight from the one-process run's (and that run's own
largest change from the start, for scale), and the wall time of the command. SGD by default: its update is
proportional to the gradient, so the weights show what the processes computed together; Adam divides by the
gradient's own size, which magnifies rounding on near-zero gradients.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from train_throughput import base_config, tiny_model, write_data  # noqa: E402 - the same rows and settings

MODES = ("single", "ddp", "fsdp", "zero2", "zero3")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=("demo", "tiny"), default="tiny")
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--optim", default="sgd", help="the Trainer's optim (sgd, adamw_torch, ...)")
    parser.add_argument("--lr", type=float, help="default: 0.5 with sgd, the demo's 1e-3 otherwise")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--out", help="also write the table here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sftflow-multiprocess-"))
    from sftflow.demo.run import demo_model

    demo = demo_model()
    model = demo if args.model == "demo" else tiny_model(work / "tiny", demo)
    data = write_data(work / "data", 4 * args.steps)
    lines = [header(args)]
    print(lines[0], flush=True)
    runs = {}
    for mode in args.modes.split(","):
        runs[mode] = train(mode, args, model, data, work)
        lines.append(row(mode, runs[mode], runs.get("single"), model))
        print(lines[-1], flush=True)
    text = "\n".join(lines)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0


def header(args) -> str:
    import torch

    from sftflow.device import cpu_class

    return (f"# {' '.join(['.venv/bin/python bench/multiprocess_cpu.py', *sys.argv[1:]])}   "
            f"({time.strftime('%Y-%m-%d')})\n# CPU: {cpu_class()}; "
            f"torch {torch.__version__}\n# model {args.model}, {args.steps} steps of global batch 4, optim "
            f"{args.optim}; max|dw| = largest |final weight - one process's|; one process moved its weights by up "
            f"to max|w-w0|\n{'mode':<8}{'wall s':>8}{'max|dw|':>11}  losses per step")


def train(mode: str, args, model: Path, data: Path, work: Path) -> dict:
    config = base_config(model, data, work / mode, 4 * args.steps, full=args.model == "tiny")
    lr = args.lr or (0.5 if args.optim == "sgd" else config["learning_rate"])
    config.update(per_device_train_batch_size=4 if mode == "single" else 2, max_steps=args.steps, optim=args.optim,
                  learning_rate=lr, warmup_steps=0, eval_strategy="no", report_to="none",
                  # the same batches in every mode: no micro-batch split, and the random sampler (the length-grouped
                  # one sftflow picks with sdpa groups by the per-device batch, so 4 and 2 x 2 would differ)
                  train_sampling_strategy="random", train={"micro_batch_tokens": 100_000})
    path = work / f"{mode}.yaml"
    path.write_text(yaml.safe_dump(config))
    launch = [] if mode == "single" else ["--launch", mode, "--num-processes", "2"]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "sftflow", "train", str(path), *launch], capture_output=True,
                          text=True, cwd=REPO)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        return {"wall": wall, "error": (done.stdout + done.stderr).strip().splitlines()[-1][:200]}
    history = json.loads((work / mode / "log_history.json").read_text())
    return {"wall": wall, "losses": [e["loss"] for e in history if "loss" in e], "final": work / mode / "final"}


def row(mode: str, run: dict, single: dict | None, model: Path) -> str:
    if "error" in run:
        return f"{mode:<8}{run['wall']:>8.1f}{'-':>11}  failed: {run['error']}"
    diff = "-"
    if single and "final" in single and mode != "single":
        diff = f"{largest_difference(single['final'], run['final']):.2e}"
    moved = ""
    if mode == "single":
        start = largest_difference(model, run["final"])  # nan for an adapter: no tensor of the base to compare
        moved = f"  (max|w-w0| {start:.2e})" if start == start else "  (an adapter: its start was not saved)"
    losses = " ".join(f"{loss:.4f}" for loss in run["losses"])
    return f"{mode:<8}{run['wall']:>8.1f}{diff:>11}  {losses}{moved}"


def largest_difference(a: Path, b: Path) -> float:
    """The largest |difference| over the tensors both folders hold (an adapter: its LoRA weights)."""
    from safetensors.torch import load_file

    def tensors(folder: Path) -> dict:
        return {k: v for f in sorted(folder.glob("*.safetensors")) for k, v in load_file(f).items()}

    left, right = tensors(a), tensors(b)
    shared = [k for k in left if k in right and left[k].shape == right[k].shape]
    return max((float((left[k].float() - right[k].float()).abs().max()) for k in shared), default=float("nan"))


if __name__ == "__main__":
    raise SystemExit(main())
