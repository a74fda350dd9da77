"""Does a training step slow down as the run goes on? Step times under glibc's malloc, under tcmalloc and jemalloc
(what sftflow preloads where installed: sftflow.device.preload_allocator), and under glibc with a fixed mmap
threshold (the first fix tried).

    .venv/bin/python bench/malloc_cpu.py [--steps 40] [--variants glibc,tcmalloc,jemalloc,threshold=262144]
        [--config examples/text_to_sql/transfer.yaml] [--emulate-avx2] [--out bench/results/malloc_cpu.txt]

Each variant is a fresh `sftflow train` of the transfer recipe (LoRA on SmolLM2-135M, the demo's model, bf16
autocast where the CPU has bf16 instructions) on the same generated wide rows, in its own process: a heap's state
is the process's. glibc: SFTFLOW_ALLOCATOR=system; tcmalloc / jemalloc: SFTFLOW_ALLOCATOR naming it (a variant
whose library is not installed says so); threshold=N: glibc with MALLOC_MMAP_THRESHOLD_=N (glibc then no longer
raises the threshold each time a mapped block is freed). Printed per variant: the seconds a step over the first 10
steps after the first, over the last 10, their ratio (the drift), the wall time and the peak resident memory.
--emulate-avx2 runs every variant as on a CPU without bf16 instructions (ATEN_CPU_CAPABILITY=avx2,
ONEDNN_MAX_CPU_ISA=AVX2, fp32: the emulation README's CPU table names). Run on a quiet machine: another process on
the cores moves every figure.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROGRESS = re.compile(r"(\d+)/(\d+) \[(?:(\d+):)?(\d+):(\d+)<")


def step_times(log: str) -> dict[int, float]:
    """{step: seconds since training began} from the progress bar's `N/M [mm:ss<` marks (1 s resolution)."""
    seen = {}
    for match in PROGRESS.finditer(log):
        hours, minutes, seconds = (int(g or 0) for g in match.groups()[2:])
        seen[int(match.group(1))] = 3600 * hours + 60 * minutes + seconds
    return seen


def run(variant: str, args, data: Path, out: Path) -> str:
    from sftflow.device import PRELOADED, fast_allocator

    env = {**os.environ, "SFTFLOW_ALLOCATOR": "system"}
    for name in ("LD_PRELOAD", "SFTFLOW_PRELOADED"):  # each variant chooses its own; none inherited from the caller
        env.pop(name, None)
    if args.emulate_avx2:
        env.update(ATEN_CPU_CAPABILITY="avx2", ONEDNN_MAX_CPU_ISA="AVX2")
    if variant.startswith("threshold="):
        env["MALLOC_MMAP_THRESHOLD_"] = variant.split("=", 1)[1]
    elif variant in PRELOADED:
        if fast_allocator({"SFTFLOW_ALLOCATOR": variant}) is None:  # the lookup sftflow's own preload makes
            return f"{variant:15} not installed (no lib{'/lib'.join(PRELOADED[variant])} the dynamic linker finds)"
        env["SFTFLOW_ALLOCATOR"] = variant
    command = [str(ROOT / ".venv" / "bin" / "sftflow"), "train", args.config, "--model_name_or_path", args.model,
               "--dataset_name", str(data), "--output_dir", str(out / variant), "--max_steps", str(args.steps),
               "--save_strategy", "no", "--logging_steps", str(args.steps), "--report_to", "none"]
    command += ["--bf16", "false"] if args.emulate_avx2 else []
    start = time.perf_counter()
    with open(out / f"{variant}.log", "w+") as log:
        child = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)  # the child's own peak memory, not the largest of all children
        wall = time.perf_counter() - start
        log.seek(0)
        text = log.read()
    if os.waitstatus_to_exitcode(status) != 0:
        return f"{variant:15} failed (exit {os.waitstatus_to_exitcode(status)}): {text.strip().splitlines()[-1:]}"
    at = step_times(text)
    n = args.steps
    first = (at[11] - at[1]) / 10
    last = (at[n] - at[n - 10]) / 10
    return f"{variant:15} {first:8.2f} {last:8.2f} {last / first:7.2f}x {wall:8.0f} {usage.ru_maxrss / 2**20:8.2f}"


def main() -> None:
    from sftflow.demo import sql_wide
    from sftflow.demo.run import demo_model
    from sftflow.device import cpu_class

    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--variants", default="glibc,tcmalloc,jemalloc,threshold=262144")
    parser.add_argument("--config", default=str(ROOT / "examples" / "text_to_sql" / "transfer.yaml"))
    parser.add_argument("--model", default=None, help="the demo's model unless given")
    parser.add_argument("--emulate-avx2", action="store_true", help="as on a CPU without bf16 (fp32, AVX2 kernels)")
    parser.add_argument("--out", help="also write the table to this file")
    args = parser.parse_args()
    if args.steps < 21:
        sys.exit("--steps must be at least 21 (the first and the last 10 steps are compared)")
    args.model = args.model or str(demo_model(download=False))
    lines = [f"sftflow malloc_cpu: {cpu_class()}, {args.steps} steps of "
             f"{Path(args.config).name}, {time.strftime('%Y-%m-%d')}",
             f"command: malloc_cpu.py --steps {args.steps} --variants {args.variants}"
             + (" --emulate-avx2" if args.emulate_avx2 else ""),
             f"{'variant':15} {'first 10':>8} {'last 10':>8} {'drift':>8} {'wall s':>8} {'peak GiB':>8}"
             "   (seconds a step)"]
    print("\n".join(lines), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        sql_wide.write_splits(data, n_train=4 * args.steps + 100, n_test=10, seed=0)
        for variant in args.variants.split(","):
            lines.append(run(variant, args, data, Path(tmp)))
            print(lines[-1], flush=True)
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
