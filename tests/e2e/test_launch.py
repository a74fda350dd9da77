"""Two processes on CPU (torchrun, gloo) train like one process with the same global batch."""

import json
from pathlib import Path

import pytest

from sftflow.cli import main
from sftflow.serve.launch import free_port
from sftflow.train.launch import LaunchOptions, command

# Two processes with the global batch of one: float32 rounding apart (reductions in another order). Measured on
# the tiny model, 4 SGD steps at lr 0.5: final weights 1.2e-7 (DDP) and 2.7e-6 (FSDP2) apart, losses equal to
# 4 digits; before use_cpu and token averaging across processes (sftflow.device), 3e-3 (FSDP2) and 3e-2 (DDP).
# In these tests' runs (Adam): weights 4e-8 (DDP, FSDP2, ZeRO-2) to 1.5e-6 (ZeRO-3) apart, losses 8e-8 (relative).
TRAJECTORY, WEIGHTS = 1e-4, 1e-4


def losses(run_dir):
    history = json.loads((run_dir / "log_history.json").read_text())
    return {e["step"]: e["loss"] for e in history if "loss" in e}


def test_two_processes_match_one_and_resume_in_one(make_config, tmp_path, capsys):
    import torch

    settings = dict(max_steps=4, save_steps=2, lora_dropout=0.0, learning_rate=5e-3)
    one = make_config("one.yaml", output_dir=str(tmp_path / "one"), per_device_train_batch_size=8, **settings)
    two = make_config("two.yaml", output_dir=str(tmp_path / "two"), per_device_train_batch_size=4, **settings)
    assert main(["train", str(one)]) == 0
    capsys.readouterr()
    assert main(["train", str(two), "--launch", "ddp", "--num-processes", "2",
                 "--main-process-port", str(free_port())]) == 0
    out = capsys.readouterr().out  # the launcher's output (its workers write to the file descriptors): it reports
    assert out.count("[sftflow] loss curves:") == 1 and (tmp_path / "two" / "report.png").is_file()
    assert "launching 2 process(es)" in out
    a, b = losses(tmp_path / "one"), losses(tmp_path / "two")
    assert sorted(a) == sorted(b) == [1, 2, 3, 4]
    for step in a:
        assert b[step] == pytest.approx(a[step], rel=TRAJECTORY), (step, a, b)
    # the same weights, not only a near loss: a worker that trained alone on its half of each batch (what
    # transformers 5.24 made of a CPU worker without use_cpu) ended 0.03 away from one process, here 1e-7
    final_one, final_two = weights(tmp_path / "one" / "final"), weights(tmp_path / "two" / "final")
    for name, tensor in final_one.items():
        assert torch.allclose(final_two[name], tensor, rtol=0, atol=WEIGHTS), name
    assert {p.name for p in (tmp_path / "two" / "checkpoint-2").iterdir()} >= {"rng_state_0.pth",
                                                                              "rng_state_1.pth"}
    # a checkpoint of the two-process run resumes in one process, with the one-process batch
    resumed = make_config("resumed.yaml", output_dir=str(tmp_path / "resumed"), per_device_train_batch_size=8,
                          resume_from_checkpoint=str(tmp_path / "two" / "checkpoint-2"), **settings)
    assert main(["train", str(resumed)]) == 0
    c = losses(tmp_path / "resumed")
    assert sorted(c) == [1, 2, 3, 4]  # the Trainer restores the log history of steps 1-2 from the checkpoint
    assert c[3] == pytest.approx(a[3], rel=TRAJECTORY) and c[4] == pytest.approx(a[4], rel=TRAJECTORY)


def test_launcher_commands():
    cpu = command(LaunchOptions("ddp", 2, 2, 1, "10.0.0.1", 29555), ["c.yaml"], has_cuda=False)
    assert cpu[1:3] == ["-m", "torch.distributed.run"] and "--nproc_per_node=2" in cpu
    assert "--nnodes=2" in cpu and "--node_rank=1" in cpu and "--master_addr=10.0.0.1" in cpu
    assert cpu[-4:] == ["-m", "sftflow", "train", "c.yaml"]
    gpu = command(LaunchOptions("zero3", 8, 2, 0, "10.0.0.1"), ["c.yaml"], has_cuda=True)
    assert gpu[gpu.index("--config_file") + 1].endswith("accelerate/zero3.yaml")
    assert gpu[gpu.index("--num_processes") + 1] == "16"  # accelerate counts processes over all machines
    from sftflow.errors import UserError

    with pytest.raises(UserError, match="needs GPUs"):
        command(LaunchOptions("zero3", 2, accelerate_config="mine.yaml"), ["c.yaml"], has_cuda=False)
    fsdp = command(LaunchOptions("fsdp", 2), ["c.yaml"], has_cuda=False)
    assert fsdp[1:3] == ["-m", "torch.distributed.run"]  # FSDP2 on gloo: train/cpu_fsdp.py


def test_zero_on_cpu_goes_through_accelerate_in_float32_or_says_deepspeed_is_missing(monkeypatch):
    from sftflow.errors import UserError
    from sftflow.train import launch

    monkeypatch.setattr(launch, "deepspeed_installed", lambda: True)
    cpu = command(LaunchOptions("zero2", 2), ["c.yaml"], has_cuda=False)
    assert cpu[1:3] == ["-m", "accelerate.commands.launch"] and cpu[cpu.index("--mixed_precision") + 1] == "no"
    assert cpu[cpu.index("--config_file") + 1].endswith("accelerate/zero2.yaml")
    monkeypatch.setattr(launch, "deepspeed_installed", lambda: False)
    with pytest.raises(UserError, match="needs DeepSpeed, which is not installed"):
        command(LaunchOptions("zero3", 2), ["c.yaml"], has_cuda=False)


def test_the_plan_for_the_strategy_is_printed_before_launch(make_config, tmp_path, capsys):
    from sftflow.config import load_config
    from sftflow.train.launch import before_launch

    config = load_config(make_config("c.yaml", output_dir=str(tmp_path / "run")))
    before_launch(config, LaunchOptions("ddp", 2), cuda=False)
    printed = capsys.readouterr().out
    assert "memory plan for ddp on 2 process(es):" in printed and "GiB per process at its peak" in printed
    from sftflow.memory.estimate import estimate, plan_inputs
    from sftflow.settings import plan_request

    request = plan_request(config, cuda=True)
    weights = [estimate(*plan_inputs(request, 2, mode)).weights for mode in ("ddp", "zero3", "fsdp")]
    assert weights[1] < weights[0] and weights[2] < weights[0]  # per GPU: sharding the weights divides them


@pytest.mark.parametrize("model, options, fragment", [
    ({}, LaunchOptions("ddp", 4096), "more processes than this machine's"),
    ({}, LaunchOptions("zero2", 2, accelerate_config="mine.yaml"), "needs GPUs"),
    ({"use_cpu": False}, LaunchOptions("ddp", 2), "each process would train alone"),
])
def test_a_launch_this_machine_cannot_run_is_one_line(make_config, tmp_path, model, options, fragment):
    from sftflow.config import load_config
    from sftflow.errors import UserError
    from sftflow.train.launch import before_launch

    config = load_config(make_config("c.yaml", output_dir=str(tmp_path / "run"), **model))
    with pytest.raises(UserError, match=fragment):
        before_launch(config, options, cuda=False)


@pytest.mark.parametrize("model, fragment", [
    ({"load_in_4bit": True, "dtype": "bfloat16"}, "set bnb_4bit_quant_storage: bfloat16"),
    ({"load_in_8bit": True}, "cannot shard 8-bit weights"),
])
def test_a_quantized_base_a_sharding_strategy_cannot_split_is_one_line(make_config, tmp_path, monkeypatch, model,
                                                                      fragment):
    import torch

    from sftflow.config import load_config
    from sftflow.errors import UserError
    from sftflow.train.launch import before_launch

    monkeypatch.setattr(torch.cuda, "device_count", lambda: 8)
    config = load_config(make_config("c.yaml", output_dir=str(tmp_path / "run"), **model))
    with pytest.raises(UserError, match=fragment):
        before_launch(config, LaunchOptions("fsdp", 2), cuda=True)
    with pytest.raises(UserError, match="more processes than this machine's 8 GPU"):
        before_launch(config, LaunchOptions("ddp", 16), cuda=True)


def weights(folder):
    from safetensors.torch import load_file

    files = sorted(folder.glob("*.safetensors"))
    assert files, f"no weights in {folder}"
    return {k: v for f in files for k, v in load_file(f).items()}


def run_sharded(make_config, tmp_path, capsys, launch: list[str], peft: bool) -> Path:
    """Train one process (global batch 8) and two launched ones (4 each) the same way: the same losses and final
    weights within float32 rounding, final/ in the normal format, and a run killed with kill -9 once its first
    checkpoint is complete resumes to the same final weights as the uninterrupted one. Returns the checkpoint of
    the two-process run for the caller's format checks."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import torch

    from sftflow import run_dir as rd

    settings = dict(max_steps=8, save_steps=2, lora_dropout=0.0, learning_rate=5e-3, use_peft=peft)
    if not peft:
        settings.update(lora_r=None, lora_alpha=None, lora_target_modules=None, learning_rate=1e-3)
    one = make_config("one.yaml", output_dir=str(tmp_path / "one"), per_device_train_batch_size=8, **settings)
    two = make_config("two.yaml", output_dir=str(tmp_path / "two"), per_device_train_batch_size=4, **settings)
    assert main(["train", str(one)]) == 0
    assert main(["train", str(two), *launch, "--main-process-port", str(free_port())]) == 0
    printed = capsys.readouterr().out
    assert f"memory plan for {launch[1]} on 2 process(es)" in printed
    a, b = losses(tmp_path / "one"), losses(tmp_path / "two")
    assert sorted(a) == sorted(b) == list(range(1, 9))
    for step in a:
        assert b[step] == pytest.approx(a[step], rel=TRAJECTORY), (step, a, b)
    final_one, final_two = weights(tmp_path / "one" / "final"), weights(tmp_path / "two" / "final")
    assert sorted(final_one) == sorted(final_two)  # the same format: adapter or whole model, same names
    for name, tensor in final_one.items():  # the loss is normalised over both processes' tokens, as in one process
        assert final_two[name].shape == tensor.shape
        assert torch.allclose(final_two[name], tensor, rtol=0, atol=WEIGHTS), name
    # kill -9 once the first checkpoint is complete, then resume: the same final weights as run "two"
    killed = make_config("killed.yaml", output_dir=str(tmp_path / "killed"), per_device_train_batch_size=4,
                         **settings)
    process = subprocess.Popen([sys.executable, "-m", "sftflow", "train", str(killed), *launch,
                                "--main-process-port", str(free_port())], start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marker = tmp_path / "killed" / "checkpoint-2" / rd.COMPLETE_MARKER
    try:
        deadline = time.monotonic() + 300
        while not marker.is_file() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.is_file(), "the run ended or timed out before its first checkpoint"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert not (tmp_path / "killed" / "final").exists()
    resumed = make_config("killed.yaml", output_dir=str(tmp_path / "killed"), per_device_train_batch_size=4,
                          resume_from_checkpoint=True, **settings)
    assert main(["train", str(resumed), *launch, "--main-process-port", str(free_port())]) == 0
    final_resumed = weights(tmp_path / "killed" / "final")
    for name, tensor in final_two.items():
        assert torch.equal(final_resumed[name], tensor), name
    return tmp_path / "two" / "checkpoint-2"


@pytest.mark.parametrize("peft", [True, False], ids=["lora", "full"])
def test_fsdp2_on_two_cpu_processes_matches_one_and_resumes_bit_exact(make_config, tmp_path, capsys, peft):
    """FSDP2 (gloo): checkpoints sharded with torch.distributed.checkpoint."""
    checkpoint = run_sharded(make_config, tmp_path, capsys, ["--launch", "fsdp", "--num-processes", "2"], peft)
    assert (checkpoint / "pytorch_model_fsdp_0").is_dir(), sorted(p.name for p in checkpoint.iterdir())


@pytest.mark.parametrize("mode,peft", [("zero2", True), ("zero3", False)], ids=["zero2-lora", "zero3-full"])
def test_deepspeed_zero_on_two_cpu_processes_matches_one_and_resumes_bit_exact(make_config, tmp_path, capsys, mode,
                                                                                peft):
    """DeepSpeed ZeRO through accelerate on CPU (its CPU accelerator, gloo): checkpoints in DeepSpeed's format."""
    pytest.importorskip("deepspeed", reason="DeepSpeed is installed by ./setup.sh --dev (lock-deepspeed.txt)")
    checkpoint = run_sharded(make_config, tmp_path, capsys, ["--launch", mode, "--num-processes", "2"], peft)
    assert (checkpoint / "global_step2").is_dir(), sorted(p.name for p in checkpoint.iterdir())
