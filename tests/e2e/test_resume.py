"""Kill a training process with SIGKILL mid-run, resume it, and get the uninterrupted run's result."""

import json
import os
import signal
import subprocess
import sys
import time

from safetensors.torch import load_file

from sftflow import run_dir as rd

# Runs the real CLI, slowed after each step so the test can kill it between checkpoints.
SLOW_CLI = """
import sys, time
from sftflow.train.callbacks import CheckpointMarker
CheckpointMarker.on_step_end = lambda self, args, state, control, **kw: time.sleep(0.4)
from sftflow.cli import main
sys.exit(main(sys.argv[1:]))
"""


def train(config_path, *extra, slow=False):
    code = SLOW_CLI if slow else "import sys; from sftflow.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, "train", str(config_path), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def final_state(run_dir):
    history = json.loads((run_dir / "log_history.json").read_text())
    return load_file(run_dir / "final" / "adapter_model.safetensors"), [e["loss"] for e in history if "loss" in e]


def test_sigkill_then_resume_matches_uninterrupted_run(make_config, tmp_path):
    settings = dict(max_steps=12, save_steps=2, lora_dropout=0.1, learning_rate=2e-3)
    reference = train(make_config("a.yaml", output_dir=str(tmp_path / "a"), **settings))
    assert reference.wait(timeout=600) == 0, reference.stderr.read()

    killed_dir = tmp_path / "b"
    config_b = make_config("b.yaml", output_dir=str(killed_dir), **settings)
    process = train(config_b, slow=True)
    deadline = time.time() + 600
    while not (killed_dir / "checkpoint-6" / rd.COMPLETE_MARKER).exists():
        assert process.poll() is None and time.time() < deadline, "training ended before it could be killed"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not (killed_dir / "final").exists()
    # a checkpoint caught half-written must never be picked for resuming
    (killed_dir / "checkpoint-10").mkdir(exist_ok=True)
    (killed_dir / "checkpoint-10" / "adapter_model.safetensors").write_bytes(b"truncated")
    assert rd.newest_checkpoint(killed_dir).name in ("checkpoint-6", "checkpoint-8")

    resumed = train(config_b, "--resume_from_checkpoint", "true")
    assert resumed.wait(timeout=600) == 0, resumed.stderr.read()
    weights_a, losses_a = final_state(tmp_path / "a")
    weights_b, losses_b = final_state(killed_dir)
    assert abs(losses_a[-1] - losses_b[-1]) <= 1e-6
    assert max((weights_a[k] - weights_b[k]).abs().max().item() for k in weights_a) <= 1e-6
    assert rd.read_manifest(killed_dir)["status"] == "completed"
