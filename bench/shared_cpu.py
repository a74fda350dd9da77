"""Training and generation on a CPU shared with another CPU-bound process: OpenMP's default wait policy (threads
spin long while they wait) against the one sftflow sets (brief spinning) and PASSIVE, alone and with a competitor.

    .venv/bin/python bench/shared_cpu.py [--steps 4] [--competitor matmul|python] [--out FILE]
    ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 .venv/bin/python bench/shared_cpu.py ...   # the AVX2 class

Workloads, each in a fresh child process:
  train     `sftflow train` of SmolLM2-135M with LoRA on generated text-to-SQL (the demo's settings, global batch 4),
            --steps optimizer steps; seconds per step from the run's own train_runtime
  generate  greedy generation of 48 new tokens for 4 prompts, one at a time, with transformers; tokens per second
Policies (--policies; torch imported before sftflow could set anything, except for sftflow's own):
  default   libgomp's default: a waiting thread spins (GOMP_SPINCOUNT 300,000 iterations), then sleeps
  sftflow   `python -m sftflow`, which sets GOMP_SPINCOUNT=10000 when the user has not chosen: spin briefly, sleep
  sftflowN  the same with OMP_NUM_THREADS=N (torch's thread count; N=1: one core left to the other process)
  passive   OMP_WAIT_POLICY=PASSIVE: sleep at once
  spinN     GOMP_SPINCOUNT=N
Competitor (started before each "shared" case, stopped after): `matmul`, another PyTorch process multiplying 512x512
fp32 matrices on all cores with the default policy (a second training job); `python`, one pure-Python busy loop per
core (a build, a test run).
Printed: each case's figure and its ratio to the same workload alone with the default policy, and the CPU class.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from train_throughput import base_config, write_data  # noqa: E402 - the same rows and settings as that bench

DEFAULT_POLICY = "import sys, torch; from sftflow.cli import main; sys.exit(main(sys.argv[1:]))"
GENERATE = """
import sys, time, torch
from transformers import AutoModelForCausalLM, AutoTokenizer
path = sys.argv[1]
tok, model = AutoTokenizer.from_pretrained(path), AutoModelForCausalLM.from_pretrained(path).eval()
prompts = ["SELECT the names of", "How many customers", "List every order", "Which table holds"]
with torch.inference_mode():
    model.generate(**tok("warm up", return_tensors="pt"), max_new_tokens=4, do_sample=False)
    started, made = time.perf_counter(), 0
    for p in prompts:
        ids = tok(p, return_tensors="pt")
        out = model.generate(**ids, max_new_tokens=48, min_new_tokens=48, do_sample=False)
        made += out.shape[1] - ids["input_ids"].shape[1]
print("TOKS", made / (time.perf_counter() - started))
"""
COMPETITORS = {
    "matmul": [sys.executable, "-c", "import torch\na = torch.randn(512, 512)\nwhile True: a = (a @ a).tanh()"],
    "python": [sys.executable, "-c", "while True: pass"],
}


POLICIES = {"default": {}, "sftflow": {"GOMP_SPINCOUNT": "10000"}, "passive": {"OMP_WAIT_POLICY": "PASSIVE"}}


def child_env(policy: str) -> dict[str, str]:
    """The policy's environment; `spinN` is GOMP_SPINCOUNT=N."""
    drop = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "SFTFLOW_SET_GOMP_SPINCOUNT", "OMP_NUM_THREADS")
    threads = {}
    if policy.startswith("sftflow") and policy != "sftflow":  # sftflowN
        policy, threads = "sftflow", {"OMP_NUM_THREADS": policy.removeprefix("sftflow")}
    chosen = {"GOMP_SPINCOUNT": policy[4:]} if policy.startswith("spin") else POLICIES[policy]
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **chosen, **threads}


def train(policy: str, config: Path, work: Path) -> float:
    """Seconds per optimizer step of one `sftflow train` child."""
    out = work / f"run-{policy}-{time.monotonic_ns()}"
    ours = policy.startswith("sftflow")
    head = [sys.executable, "-m", "sftflow"] if ours else [sys.executable, "-c", DEFAULT_POLICY]
    log = out.with_suffix(".log")
    env = child_env(policy)
    if ours:
        env.pop("GOMP_SPINCOUNT")  # the CLI sets its own
    with open(log, "w") as f:
        status = subprocess.call([*head, "train", str(config), "--output_dir", str(out)], stdout=f,
                                 stderr=subprocess.STDOUT, cwd=REPO, env=env)
    if status:
        raise SystemExit(f"training failed; its log: {log}")
    history = json.loads((out / "log_history.json").read_text())
    summary = next(e for e in history if "train_runtime" in e)
    return summary["train_runtime"] / summary["step"] if "step" in summary else summary["train_runtime"]


def generate(policy: str, model: Path) -> float:
    """Generated tokens per second of one child."""
    out = subprocess.run([sys.executable, "-c", GENERATE, str(model)], capture_output=True, text=True,
                         env=child_env(policy), cwd=REPO)
    line = next((x for x in out.stdout.splitlines() if x.startswith("TOKS")), None)
    if line is None:
        raise SystemExit(f"generation failed:\n{out.stderr[-2000:]}")
    return float(line.split()[1])


def measure(workload, policy: str, shared: bool, competitor: str) -> float:
    rivals = []
    if shared:
        count = 1 if competitor == "matmul" else os.cpu_count() or 1
        rivals = [subprocess.Popen(COMPETITORS[competitor], stdout=subprocess.DEVNULL) for _ in range(count)]
        time.sleep(2)  # the competitor is running before the measured process starts, as a user's other job is
    try:
        return workload(policy)
    finally:
        for rival in rivals:
            rival.kill()
            rival.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=4, help="optimizer steps per training case")
    parser.add_argument("--competitor", choices=sorted(COMPETITORS), default="matmul")
    parser.add_argument("--workloads", default="train,generate")
    parser.add_argument("--policies", default="default,sftflow,passive")
    parser.add_argument("--machines", default="quiet,shared")
    parser.add_argument("--repeats", type=int, default=1, help="runs per case, interleaved; each run is printed")
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "shared_cpu.txt"))
    args = parser.parse_args()

    import yaml

    from sftflow.demo.run import demo_model
    from sftflow.device import cpu_class

    work = Path(tempfile.mkdtemp(prefix="sftflow-shared-cpu-"))
    model = demo_model(download=False)
    config = base_config(model, write_data(work / "data", 4 * args.steps), work / "run", 4 * args.steps, False)
    config.update(eval_strategy="no", save_strategy="no", logging_steps=1)
    config_path = work / "train.yaml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    workloads = {"train": (lambda policy: train(policy, config_path, work), "s/step", False),
                 "generate": (lambda policy: generate(policy, model), "tok/s", True)}
    lines = [f"sftflow shared_cpu: {cpu_class()}; competitor: {args.competitor}; {time.strftime('%Y-%m-%d')}",
             f"command: {' '.join([Path(sys.argv[0]).name] + sys.argv[1:])}",
             f"{'workload':<10}{'policy':<9}{'machine':<8}{'figure':>10} {'unit':<7}{'speed x quiet default':>22}"]
    print("\n".join(lines), flush=True)
    for name in args.workloads.split(","):
        workload, unit, higher_is_faster = workloads[name]
        base = None
        for machine in args.machines.split(","):
            runs: dict[str, list[float]] = {}
            for _ in range(args.repeats):  # interleaved, so that a slow minute of the machine hits every policy
                for policy in args.policies.split(","):
                    runs.setdefault(policy, []).append(measure(workload, policy, machine == "shared",
                                                               args.competitor))
            for policy, figures in runs.items():
                figure = max(figures) if higher_is_faster else min(figures)  # the best run: noise only slows
                base = base or figure
                speed = figure / base if higher_is_faster else base / figure
                lines.append(f"{name:<10}{policy:<9}{machine:<8}{figure:>10.2f} {unit:<7}{speed:>22.2f}"
                             + (f"   runs: {', '.join(f'{x:.2f}' for x in figures)}" if len(figures) > 1 else ""))
                print(lines[-1], flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
