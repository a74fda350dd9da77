"""The prepared GPU run (bench/gpu/): its dry run on CPU, so that the script is known to work before GPU time is
spent, and the pieces that need no run at all (the bench's tokenizer, the slimmed bitsandbytes wheel)."""

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "gpu"
sys.path.insert(0, str(BENCH))
OUTPUT_FILES = ("versions.txt", "throughput.txt", "planner.txt", "qlora.txt", "scale.txt", "summary.txt",
                "results.json", "cases.log")
NUMBER = r"[0-9][0-9,]*(\.[0-9]+)?"


@pytest.fixture(scope="module")
def dry_run(tmp_path_factory) -> tuple[Path, str]:
    """One dry run for the module: (output folder, its stdout). The packages are importable in the dev venv, so
    no wheel is installed; a generous budget keeps a busy CI machine from skipping cases for time."""
    out, work = tmp_path_factory.mktemp("gpu-out"), tmp_path_factory.mktemp("gpu-work")
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--dry-run", "--out", str(out), "--work", str(work),
                           "--budget-s", "500", "--wheels", str(work / "no-wheels"),
                           "--sections", "throughput,baselines,planner,qlora,scale"],
                          check=False, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out, done.stdout


def summary_row(stdout: str, case: str) -> str:
    table = stdout.split("sftflow GPU acceptance: summary", 1)[1]
    return next(line for line in table.splitlines() if re.match(rf"\w+\s+{re.escape(case)}\s", line))


@pytest.mark.slow
def test_dry_run_writes_every_file_and_a_summary_row_with_numbers_per_case(dry_run):
    out, stdout = dry_run
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)  # the GPU call brings back at most 8
    assert "nothing installed: trl, datasets and sqlglot are importable already" in (out / "versions.txt").read_text()
    for case in ("gemma-defaults", "gemma-teaching", "gemma-defaults-padding-free"):
        assert re.search(rf"\sok\s+{NUMBER} tok/s, {NUMBER} trained tok/s", summary_row(stdout, case))
    assert re.search(rf"\sok\s+predicted {NUMBER} GiB", summary_row(stdout, "plan-full-nogc-256"))
    assert re.search(rf"\sok\s+predicted {NUMBER} GiB", summary_row(stdout, "plan-lora-gc-256"))
    assert re.search(r"\sok\s+trained 1 steps .* merge ok, parity passed", summary_row(stdout, "qlora-smollm2"))
    for case in ("gemma-defaults-liger-off", "plan-qlora-nogc-256"):
        assert "skipped" in summary_row(stdout, case)
    assert "needs CUDA" in summary_row(stdout, "gemma-defaults-liger-off")
    # the baselines: a bare PyTorch loop and plain TRL, and the headline divided by each at the same batch
    for case in ("bare-4x192", "trl-plain", "trl-plain-packing"):
        assert re.search(rf"\sok\s+{NUMBER} tok/s, {NUMBER} trained tok/s", summary_row(stdout, case))
    assert re.search(rf"{NUMBER}x trl, {NUMBER}x bare", summary_row(stdout, "gemma-defaults"))
    # scale: FSDP through `sftflow train --launch fsdp` runs on CPU too; ZeRO and QLoRA + FSDP wait for a GPU
    assert re.search(rf"\sok\s+trained \(loss {NUMBER}\), merge ok, parity passed",
                     summary_row(stdout, "fsdp-lora-smollm2"))
    for case in ("zero3-offload-smollm2", "qlora-fsdp-smollm2", "bare-4x192-compile"):
        assert "skipped    needs CUDA" in summary_row(stdout, case)
    assert (out / "summary.txt").read_text().strip() in stdout


@pytest.mark.slow
def test_dry_run_measured_tokens_and_planned_memory(dry_run):
    out, _ = dry_run
    cases = json.loads((out / "results.json").read_text())["cases"]
    headline = cases["gemma-defaults"]
    meter = headline["meter"]
    assert meter["trained_tokens"] > 0 and meter["real_tokens"] > meter["trained_tokens"]
    assert headline["params"] > 1_000_000  # the tiny Gemma-3 still carries SmolLM2's 49152-token vocabulary
    assert any("speed:" in line for line in headline["speed"])  # what sftflow chose, recorded per case
    plan = cases["plan-full-nogc-256"]["plan"]
    assert plan["peak"] > plan["overhead"] > 0
    assert cases["qlora-smollm2"]["merge"]["parity"]["passed"] is True
    assert "plan-full-nogc-256" in (out / "planner.txt").read_text()


def test_bench_tokenizer_ends_every_turn_with_its_eos_token():
    """ChatML: the assistant's reply ends with <|im_end|>, which is the EOS the trained model must learn to emit."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(BENCH / "model_configs" / "tokenizer")
    text = tokenizer.apply_chat_template([{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}],
                                         tokenize=False)
    assert tokenizer.eos_token == "<|im_end|>"
    assert text.endswith("<|im_start|>assistant\na<|im_end|>\n")


def test_slimmed_bitsandbytes_wheel_keeps_cuda13_and_cpu_libraries_and_a_consistent_record(tmp_path):
    import fetch_wheels

    wheel = tmp_path / "bitsandbytes-0.50.2-py3-none-manylinux_2_24_x86_64.whl"
    libraries = ["cuda118", "cuda128", "cuda130", "cuda132", "cpu", "rocm72", "xpu2026"]
    files = {f"bitsandbytes/libbitsandbytes_{lib}.so": lib.encode() * 1000 for lib in libraries}
    files["bitsandbytes/__init__.py"] = b"x = 1\n"
    record = "".join(f"{name},sha256=x,{len(data)}\n" for name, data in files.items())
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("bitsandbytes-0.50.2.dist-info/RECORD", record + "bitsandbytes-0.50.2.dist-info/RECORD,,\n")
    before, after = fetch_wheels.slim_bitsandbytes(wheel)
    assert after < before
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        listed = {line.split(",")[0] for line in archive.read("bitsandbytes-0.50.2.dist-info/RECORD").decode().split()}
        cuda130 = "bitsandbytes/libbitsandbytes_cuda130.so"
        assert archive.read(cuda130) == files[cuda130]
    kept = {f"bitsandbytes/libbitsandbytes_{lib}.so" for lib in ("cuda130", "cuda132", "cpu")}
    assert {n for n in names if ".so" in n} == kept
    assert listed == names  # RECORD lists exactly what the wheel holds
    assert fetch_wheels.slim_bitsandbytes(wheel) is None  # already slim: left alone


def test_wheel_versions_come_from_the_lock():
    import fetch_wheels

    versions = fetch_wheels.pinned_versions()
    lock = (REPO / "requirements" / "lock.txt").read_text()
    for name in ("trl", "datasets", "dill", "multiprocess", "peft", "sqlglot"):
        assert f"\n{name}=={versions[name]}\n" in lock
    assert set(fetch_wheels.PINNED) <= set(versions)


def test_gpu_tables_and_goals_from_gpu_shaped_results():
    """The report paths only a CUDA run takes (MFU, planner error, goals), on results shaped like child.py's."""
    import report

    gib = 2 ** 30
    probe = {"cuda": True, "device": "NVIDIA H100 80GB HBM3", "capability": "9.0", "multiprocessors": 132,
             "total_memory": 80 * gib, "torch": "2.11.0+cu130", "torch_cuda": "13.0", "bf16_matmul_tflops": 790.0,
             "imports": {"trl": "ok"}, "checks": {"datasets": "ok", "bitsandbytes": "ok: NF4 Linear"}}
    facts = {"dry_run": False, "peak_tflops": 989.0, "cuda": True, "probe": probe, "install": "installed 8 wheels",
             "versions": [("torch", "2.11.0", "machine")]}
    model = {"status": "ok", "params": 268_098_176, "embedding_params": 167_772_160}
    results = {
        "gemma-defaults": {**model, "case": "gemma-defaults", "section": "throughput", "what": "defaults",
                           "baseline": "gemma-teaching", "max_allocated": 5 * gib, "speed": ["speed: x"],
                           "against": ["trl-plain", "bare-4x192", "bare-4x192-compile"],
                           "meter": {"steps": 120, "seconds": 10.0, "real_tokens": 1_000_000,
                                     "trained_tokens": 200_000}},
        "gemma-teaching": {**model, "case": "gemma-teaching", "section": "throughput", "what": "teaching",
                           "baseline": "", "max_allocated": 9 * gib,
                           "meter": {"steps": 40, "seconds": 10.0, "real_tokens": 300_000, "trained_tokens": 60_000}},
        "plan-full-nogc-512": {"case": "plan-full-nogc-512", "section": "planner", "what": "full", "status": "ok",
                               "max_allocated": 2.4 * gib, "max_reserved": 2.6 * gib,
                               "plan": {"peak": 3 * gib, "overhead": 0.75 * gib, "phase": "start of backward",
                                        "params": 268e6, "trainable": 268e6}},
        "qlora-smollm2": {"case": "qlora-smollm2", "section": "qlora", "what": "qlora", "status": "ok", "loss": 9.1,
                          "meter": {"steps": 30}, "max_allocated": gib, "elapsed_s": 40,
                          "merge": {"status": "ok", "elapsed_s": 20, "dtype": "bfloat16",
                                    "trained_on_4bit_base": True,
                                    "parity": {"passed": True,
                                               "merge": {"dtype": "float32", "max_abs_diff": 2e-5, "atol": 1e-4,
                                                         "rtol": 1e-4, "passed": True}}}},
    }
    assert abs(report.mfu(results["gemma-defaults"], facts) - 6 * 268_098_176 * 1e5 / 989e12) < 1e-9
    executed = 6 * ((268_098_176 - 167_772_160) * 1e5 + 167_772_160 * 2e4) / 989e12
    assert abs(report.mfu(results["gemma-defaults"], facts, "executed") - executed) < 1e-9
    text = report.summary(results, facts, 480)
    assert "MFU 16.3%" in text and "3.33x teaching" in text
    assert "(trained tok/s) >= 3x: 3.33x -> met" in text
    assert "MFU of gemma-defaults (bf16) >= 35%: 16.3% -> not met" in text
    assert "planner error within 10%: 1 of 1 cases -> met (worst -6.2%, plan-full-nogc-512)" in text
    assert "parity passed" in text
    row = r"gemma-defaults\s+ok\s+120\s+100000.0\s+20000.0\s+3.33\s+-\s+-\s+16.3%"
    assert re.search(row, report.throughput(results, facts))
    assert "trl-plain (trained tok/s, batch 4) >= 1.5x: n/a (baselines not run)" in text
    # with the baselines: plain TRL at 10,000 trained tok/s; the faster bare loop (compiled) at 250,000 tok/s
    results.update({
        "trl-plain": {**model, "case": "trl-plain", "section": "baselines", "what": "trl", "status": "ok",
                      "meter": {"steps": 50, "seconds": 10.0, "real_tokens": 500_000, "trained_tokens": 100_000}},
        "bare-4x192": {**model, "case": "bare-4x192", "section": "baselines", "what": "bare", "status": "ok",
                       "meter": {"steps": 900, "seconds": 10.0, "real_tokens": 1_500_000, "trained_tokens": 1_500_000}},
        "bare-4x192-compile": {**model, "case": "bare-4x192-compile", "section": "baselines", "what": "bare",
                               "status": "ok", "meter": {"steps": 990, "seconds": 10.0, "real_tokens": 2_500_000,
                                                         "trained_tokens": 2_500_000}}})
    text = report.summary(results, facts, 480)
    assert "3.33x teaching, 2.00x trl, 0.40x bare" in text
    assert "trl-plain (trained tok/s, batch 4) >= 1.5x: 2.00x -> met" in text
    assert "within 2x of the bare ceiling (batch 4): the bare loop is 2.50x as fast -> not met" in text
    row = r"gemma-defaults\s+ok\s+120\s+100000.0\s+20000.0\s+3.33\s+2.00\s+0.40\s+16.3%"
    assert re.search(row, report.throughput(results, facts))
    assert "-6.2%" in report.planner(results, facts)
    assert "parity of the merge (float32): max |difference| 2.00e-05" in report.qlora(results, facts)
    assert "NVIDIA H100" in report.versions(facts)
