"""GPU acceptance in one command, sized for a short GPU loan (bench/gpu/README.md says how to run it).

    python3 bench/gpu/run.py --out DIR [--dry-run] [--peak-tflops 989] [--budget-s 540] [--sections ...]

1. installs the carried wheels (bench/gpu/wheels, made by fetch_wheels.py) into a private folder, unless what
   the run needs is importable already, and writes the versions it relies on;
2. builds models with random weights from model_configs/ (Gemma-3 270M, SmolLM2-135M; --dry-run: the same
   architectures, 2 layers of width 64) and generates the data with sftflow's own generator;
3. runs the cases of cases.py, each in its own process with its own time limit (so a crash or a hang costs
   only that case): the throughput bench, the memory planner against torch.cuda.max_memory_allocated, and
   QLoRA -> merge -> parity. Cases that mean nothing without CUDA are skipped there and say so;
4. writes every figure to text files in --out as the cases finish, and the summary table last.
"""

import argparse
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE), str(REPO / "src")]
import cases as bench_cases  # noqa: E402 - beside this file, after the path
import report  # noqa: E402

NEEDED = ("trl", "datasets", "sqlglot")  # not on the GPU machine: when one is missing, the carried wheels go in
RELIED_ON = ("torch", "triton", "transformers", "trl", "datasets", "peft", "accelerate", "huggingface_hub",
             "tokenizers", "safetensors", "liger_kernel", "bitsandbytes", "sqlglot", "numpy", "pandas", "pyarrow",
             "fsspec", "dill", "multiprocess", "xxhash", "jinja2", "pyyaml", "matplotlib", "psutil", "filelock",
             "packaging", "regex", "tqdm", "requests", "deepspeed")
RESERVE_S = 5  # kept back for the tables at the end
# throughput cases stop after `seconds` of timed steps (max_steps is only a bound); memory cases run plan_steps
# pool_s: kept for the planner and QLoRA cases, which run `jobs` at a time after the throughput cases
GPU = {"rows": 3000, "max_steps": 400, "warmup": 5, "seconds": 8.0, "plan_steps": 3, "qlora_steps": 30,
       "logging_steps": 5, "jobs": 4, "budget_s": 540, "min_start_s": 30, "pool_s": 160}
DRY = {"rows": 32, "max_steps": 1, "warmup": 0, "seconds": 0.0, "plan_steps": 1, "qlora_steps": 1,
       "logging_steps": 1, "jobs": 3, "budget_s": 115, "min_start_s": 8, "pool_s": 0}


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    size = DRY if args.dry_run else GPU
    deadline = started + (args.budget_s or size["budget_s"])
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(args.work or tempfile.mkdtemp(prefix="sftflow-gpu-")).resolve()
    run = Run(args, size, out, work, deadline)
    try:
        run.prepare()
        named = set(args.cases.split(",")) if args.cases else None
        run.execute([c for c in bench_cases.schedule(args.dry_run) if c.section in args.sections.split(",")
                     and (named is None or c.name in named)])
    finally:  # the summary of whatever was measured, also after an interruption
        text = report.summary(run.results, run.facts, time.monotonic() - started)
        (out / "summary.txt").write_text(text + "\n")
        print("\n" + text, flush=True)
    return 0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="folder for the result files (on the GPU machine: $OUT)")
    parser.add_argument("--dry-run", action="store_true", help="tiny models, a few steps: the same code on CPU")
    parser.add_argument("--peak-tflops", type=float, default=989.0, help="dense bf16 peak for MFU (H100/H200: 989)")
    parser.add_argument("--budget-s", type=float, help="whole run, install included (default 540; dry run 115)")
    parser.add_argument("--sections", default="throughput,planner,qlora",
                        help="of throughput, planner, qlora, baselines, scale (the default fits one 9-minute call; "
                             "baselines and scale are a second and third)")
    parser.add_argument("--cases", help="only these cases (comma-separated names), e.g. to rerun what failed")
    parser.add_argument("--wheels", default=f"{HERE / 'wheels'},{HERE / 'wheels-ds'}",
                        help="folders of carried wheels, comma-separated (fetch_wheels.py; wheels-ds: --deepspeed)")
    # "site-packages" in the path: dill (datasets' fingerprints) pickles modules found elsewhere by value, and fails
    # on pyarrow's (seen: PicklingError on MonthDayNano with the wheels, pyarrow among them, in /tmp/site)
    parser.add_argument("--site", default="/tmp/sftflow-gpu/site-packages", help="where the wheels are installed")
    parser.add_argument("--work", help="models, data and run folders (default: a new temporary folder)")
    return parser.parse_args()


class Run:
    """The run's state: where things are, what the machine is, and every case's result as it comes."""

    def __init__(self, args, size: dict, out: Path, work: Path, deadline: float):
        self.args, self.size, self.out, self.work, self.deadline = args, size, out, work, deadline
        self.env = dict(os.environ)
        self.facts = {"dry_run": args.dry_run, "peak_tflops": args.peak_tflops, "work": str(work), "probe": {},
                      "cuda": False, "install": "not reached", "versions": []}
        self.results: dict[str, dict] = {}
        self.models: dict[str, dict] = {}
        self.lock = threading.Lock()  # cases finish in several threads; the files are rewritten one at a time

    def prepare(self) -> None:
        folders = [Path(folder) for folder in self.args.wheels.split(",") if folder]
        self.facts["install"] = install_wheels(folders, Path(self.args.site), self.env)
        self.env.update(PYTHONPATH=os.pathsep.join(p for p in (self.env.get("PYTHONPATH"), str(REPO / "src")) if p),
                        SFTFLOW_CACHE=str(self.work / "cache"), HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1",
                        TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false", PYTHONUNBUFFERED="1",
                        TQDM_DISABLE="1", WANDB_DISABLED="true", MPLBACKEND="Agg")
        names = sorted({c.model for c in bench_cases.schedule(self.args.dry_run)})
        build = ["build", *names, str(self.work / "models")] + (["--tiny"] if self.args.dry_run else [])
        with ThreadPoolExecutor(max_workers=2) as pool:  # two processes: a crash in the probe spares the models
            probe, built = pool.map(lambda job: self.child(*job), [("probe", ["probe"], 120), ("build", build, 240)])
        self.facts.update(probe=probe, cuda=bool(probe.get("cuda")), versions=versions(Path(self.args.site)))
        (self.out / "versions.txt").write_text(report.versions(self.facts) + "\n")
        print(report.versions(self.facts), flush=True)
        self.data = write_data(self.work / "data", self.size["rows"])
        for name in names:
            self.models[name] = {**built.get("models", {}).get(name, {}), "status": built["status"]}
            print(f"[bench] model {name}: {self.models[name].get('params', 0) / 1e6:.1f}M parameters, "
                  f"{built['status']} {built.get('error', '')[-300:]}", flush=True)
        self.facts["models"] = self.models

    def child(self, name: str, argv: list[str], timeout: float) -> dict:
        """Run child.py in its own process (and process group); its JSON result, or what went wrong."""
        result_file = self.work / "results" / f"{name}.json"
        result_file.parent.mkdir(parents=True, exist_ok=True)
        log = self.work / "logs" / f"{name}.log"
        status = run_process([sys.executable, str(HERE / "child.py"), *argv, "--result", str(result_file)], log,
                             self.env, timeout)
        result = json.loads(result_file.read_text()) if result_file.is_file() else {}
        if status != "ok":
            result.setdefault("error", f"{status}; the end of its log:\n" + tail(log, 40))
        return {**result, "status": status, "log": str(log)}

    def execute(self, schedule: list) -> None:
        """Throughput cases one at a time (they time the GPU); the others, which measure memory and correctness,
        `jobs` at a time (torch.cuda.max_memory_allocated is per process). The dry run times nothing that
        matters: all its cases go `jobs` at a time."""
        for case in schedule:  # the tables list every case in schedule order, pending ones too
            self.results[case.name] = {"case": case.name, "section": case.section, "what": case.what,
                                       "status": "pending"}
        alone = [c for c in schedule if c.section == "scale" or not self.args.dry_run and c.section in
                 bench_cases.SEQUENTIAL]
        self.pooled = any(c not in alone for c in schedule)  # no pooled cases: nothing to keep time for
        for case in alone:
            self.run_case(case)
        with ThreadPoolExecutor(max_workers=self.size["jobs"]) as pool:
            list(pool.map(self.run_case, [c for c in schedule if c not in alone]))

    def run_case(self, case) -> None:
        result = {"case": case.name, "section": case.section, "what": case.what, "method": case.method,
                  "baseline": case.baseline, "against": list(case.against)}
        skip = self.skip_reason(case)
        if skip:
            result["status"] = "skipped: " + skip
        else:
            try:
                result.update(self.train_case(case))
            except Exception as e:  # a fault of the bench itself costs this case, not the summary
                result.update(status=f"failed (bench: {type(e).__name__})", error=traceback.format_exc()[-2000:])
        with self.lock:
            self.results[case.name] = result
            print(report.case_line(result, self.results, self.facts), flush=True)
            self.write_results()

    def skip_reason(self, case) -> str:
        if self.args.dry_run and not case.in_dry_run:
            return "not in the dry run"
        if case.needs_cuda and not self.facts["cuda"]:
            return f"needs CUDA ({case.needs_cuda})"
        checks = self.facts["probe"].get("checks", {})
        for need in case.needs:
            if need not in checks:
                return f"{need} was not checked: the probe stopped before (versions.txt, cases.log)"
            if checks[need].startswith("FAILED"):
                return f"{need} does not work here ({checks[need]})"
        if self.models[case.model].get("status") != "ok":
            return f"model {case.model} was not built"
        if self.time_left(case) < self.size["min_start_s"]:
            return "out of time (the run's budget)"
        return ""

    def train_case(self, case) -> dict:
        if case.kind != "sftflow":
            return self.baseline_case(case)
        steps = {"planner": self.size["plan_steps"], "qlora": self.size["qlora_steps"],
                 "scale": self.size["qlora_steps"]}.get(case.section, self.size["max_steps"])
        config = bench_cases.config_for(case, Path(self.models[case.model]["folder"]), self.data,
                                        self.work / "runs" / case.name, steps, self.size["logging_steps"])
        if self.args.dry_run and not self.facts["cuda"] and case.section == "throughput":
            # on CPU sftflow splits batches into 512-token micro-batches, and a 1-row micro-batch needs no sampler;
            # unsplit, as on a GPU, the dry run also takes the length-grouped sampler's path
            config.setdefault("train", {})["micro_batch_tokens"] = 100_000
        path = self.work / "configs" / f"{case.name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        timed = case.section in bench_cases.TIMED
        argv = ["train", str(path), "--warmup", str(self.size["warmup"] if timed else 0),
                "--seconds", str(self.size["seconds"] if timed else 1e9)]
        if case.section == "planner":
            argv += ["--plan", "H100"]  # the GPU only names the verdict's capacity; the estimate is the same
        if case.merge:
            argv.append("--merge")
        if case.launch:
            argv += ["--launch", case.launch]
        if case.accelerate or case.deepspeed:
            launch_file = path.with_suffix(".accelerate.yaml")
            launch_file.write_text(yaml.safe_dump(bench_cases.accelerate_config(case, path.parent), sort_keys=False))
            argv += ["--accelerate-config", str(launch_file)]
        started = time.monotonic()
        result = self.child(case.name, argv, self.time_for(case))
        model = self.models[case.model]
        result.update(config=str(path), elapsed_s=time.monotonic() - started, params=model["params"],
                      embedding_params=model["embedding_params"],
                      speed=speed_lines(Path(result["log"])), loss=final_loss(Path(config["output_dir"])))
        if "--merge" in argv:
            result["merge"] = merge_result(result, Path(config["output_dir"]))
        return result

    def baseline_case(self, case) -> dict:
        """A bare PyTorch loop or plain TRL on the same model and rows: what sftflow's speed is divided by."""
        folder = self.models[case.model]["folder"]
        timing = ["--warmup", str(self.size["warmup"]), "--seconds", str(self.size["seconds"])]
        if case.kind == "bare":
            argv = ["bare", folder, *map(str, case.shape), *timing] + (["--compile"] if case.compiled else [])
        else:
            out = self.work / "runs" / case.name
            argv = ["trl", folder, str(self.data), str(out), str(case.shape[0]), *timing,
                    "--max-steps", str(self.size["max_steps"])] + (["--packing"] if case.packing else [])
        started = time.monotonic()
        result = self.child(case.name, argv, self.time_for(case))
        model = self.models[case.model]
        result.update(elapsed_s=time.monotonic() - started, params=model["params"],
                      embedding_params=model["embedding_params"])
        return result

    def time_left(self, case) -> float:
        """Until the run's deadline; throughput cases stop earlier, leaving pool_s to the cases after them."""
        keep = self.size["pool_s"] if case.section in bench_cases.SEQUENTIAL and getattr(self, "pooled", True) else 0
        end = self.deadline - RESERVE_S - keep
        return end - time.monotonic()

    def time_for(self, case) -> float:
        return max(1.0, min(case.budget_s, self.time_left(case)))

    def write_results(self) -> None:
        """Every file again after each case: an interrupted run keeps what it measured."""
        sections = {"throughput": report.throughput, "planner": report.planner, "qlora": report.qlora,
                    "scale": report.scale}
        for section, table in sections.items():
            (self.out / f"{section}.txt").write_text(table(self.results, self.facts) + "\n")
        (self.out / "results.json").write_text(json.dumps({"facts": self.facts, "cases": self.results}, indent=1,
                                                          default=str))
        logs = [f"===== {name}: {r['status']}\n{tail(Path(r['log']), 80)}" for name, r in self.results.items()
                if r.get("log")]
        (self.out / "cases.log").write_text("\n\n".join(logs) + "\n")


def install_wheels(folders: list[Path], site: Path, env: dict) -> str:
    """pip-install the carried wheels into `site` (first on PYTHONPATH) when a package the run needs is missing,
    or DeepSpeed is carried (the scale section's ZeRO cases) and missing."""
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    found = sorted(wheel for folder in folders for wheel in folder.glob("*.whl"))
    if importlib.util.find_spec("deepspeed") is None and any(w.name.startswith("deepspeed-") for w in found):
        missing.append("deepspeed")
    if not missing:
        return "nothing installed: trl, datasets and sqlglot are importable already"
    if not found:
        return (f"WARNING: {', '.join(missing)} missing and no wheels in {', '.join(map(str, folders))}: "
                "training cases will fail")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-compile",
                           "--no-cache-dir", "--upgrade", "--target", str(site), *map(str, found)],
                          check=False, capture_output=True, text=True, timeout=180)
    if done.returncode != 0:
        return f"WARNING: pip install failed ({done.returncode}): {done.stderr[-2000:]}"
    sys.path.insert(0, str(site))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), env.get("PYTHONPATH")) if p)
    return (f"installed {len(found)} wheels into {site} in {time.monotonic() - started:.0f} s "
            f"({', '.join(w.name.split('-')[0] + ' ' + w.name.split('-')[1] for w in found)})")


def versions(site: Path) -> list[tuple[str, str, str]]:
    """(distribution, version, 'carried' or 'machine') for what the run relies on, as `pip list` would say."""
    from importlib import metadata

    rows = []
    for name in RELIED_ON:
        try:
            dist = metadata.distribution(name.replace("_", "-"))
        except metadata.PackageNotFoundError:
            rows.append((name, "-", "not installed"))
            continue
        where = "carried" if str(dist.locate_file("")).startswith(str(site)) else "machine"
        rows.append((dist.metadata["Name"], dist.version, where))
    return rows


def write_data(folder: Path, rows: int) -> Path:
    """Generated text-to-SQL rows (the demo's generator): train, plus 16 validation and 16 test rows."""
    from sftflow_api import generate_rows

    generated = generate_rows(rows + 32, seed=11)
    folder.mkdir(parents=True, exist_ok=True)
    for name, part in (("train", generated[:rows]), ("validation", generated[rows:rows + 16]),
                       ("test", generated[rows + 16:])):
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in part))
    return folder


def run_process(command: list[str], log: Path, env: dict, timeout: float) -> str:
    """'ok', 'failed (exit N)' or 'timed out after N s'; the process group is killed on time-out."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as f:
        process = subprocess.Popen(command, stdout=f, stderr=subprocess.STDOUT, env=env, cwd=REPO,
                                   start_new_session=True)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return f"timed out after {timeout:.0f} s"
    return "ok" if code == 0 else f"failed (exit {code})"


def tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def speed_lines(log: Path) -> list[str]:
    """What sftflow chose and why ([sftflow] speed / turned off / batch lines of the training log)."""
    keep = ("[sftflow] speed:", "[sftflow] turned off:", "[sftflow] batch:")
    return [line.split("] ", 1)[1] for line in tail(log, 100_000).splitlines() if line.startswith(keep)]


def merge_result(trained: dict, run_dir: Path) -> dict:
    """What `sftflow merge` recorded in the merged model's manifest (its parity check above all)."""
    if "merge_exit" not in trained:
        return {"status": "not run (training failed)"}
    manifest_file = run_dir / "merged" / "merge_manifest.json"
    manifest = json.loads(manifest_file.read_text()) if manifest_file.is_file() else {}
    return {"status": "ok" if trained["merge_exit"] == 0 else f"failed (exit {trained['merge_exit']})",
            "elapsed_s": trained.get("merge_s"), "parity": manifest.get("parity"), "dtype": manifest.get("dtype"),
            "trained_on_4bit_base": manifest.get("trained_on_4bit_base")}


def final_loss(run_dir: Path) -> float | None:
    try:
        history = json.loads((run_dir / "log_history.json").read_text())
    except (OSError, ValueError):
        return None
    losses = [entry["loss"] for entry in history if "loss" in entry]
    return losses[-1] if losses else None


if __name__ == "__main__":
    raise SystemExit(main())
