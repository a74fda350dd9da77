"""Real training steps of a tiny Llama on CPU: run-directory files, falling loss, changed parameters."""

import json
import math
import os
import subprocess
import sys
import time

import pytest
from safetensors.torch import load_file

from sftflow.config import load_config
from sftflow.flows import train as run

CHECKPOINT_FILES = {"adapter_config.json", "adapter_model.safetensors", "chat_template.jinja", "README.md",
                    "optimizer.pt", "rng_state.pth", "scheduler.pt", "tokenizer.json", "tokenizer_config.json",
                    "trainer_state.json", "training_args.bin", ".sftflow-complete"}


def losses(run_dir):
    return [e["loss"] for e in json.loads((run_dir / "log_history.json").read_text()) if "loss" in e]


def test_lora_run_directory_and_learning(make_config, capsys):
    run_dir = run(load_config(make_config(max_steps=8, save_steps=4)))
    said = [line for line in capsys.readouterr().out.splitlines() if " s a step on " in line]
    assert len(said) == 1 and "the remaining 4 steps take about" in said[0]  # measured on steps 2-4
    assert {p.name for p in run_dir.iterdir()} == {
        "manifest.json", "config.yaml", "versions.json", "data.json", "log_history.json", "progress.jsonl", "README.md",
        "report.png", "report.html", "summary.txt",
        "checkpoint-4", "checkpoint-8", "final"}
    for step in (4, 8):
        assert {p.name for p in (run_dir / f"checkpoint-{step}").iterdir()} == CHECKPOINT_FILES
    assert {"adapter_model.safetensors", "adapter_config.json", "chat_template.jinja", "tokenizer.json"} <= {
        p.name for p in (run_dir / "final").iterdir()}
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["last_checkpoint"].endswith("checkpoint-8")
    assert manifest["best_checkpoint"].endswith("checkpoint-8") and len(manifest["chat_template_sha256"]) == 64
    assert manifest["peft"] is True and len(manifest["data_fingerprint"]) == 64
    assert manifest["seconds_per_step"] > 0
    data = json.loads((run_dir / "data.json").read_text())
    assert data["splits"]["train"]["rows"] == 48 and data["splits"]["validation"]["rows"] == 16
    values = losses(run_dir)
    assert len(values) == 8 and all(math.isfinite(v) for v in values)
    assert sum(values[-2:]) < sum(values[:2])  # loss falls
    before = load_file(run_dir / "checkpoint-4" / "adapter_model.safetensors")
    after = load_file(run_dir / "checkpoint-8" / "adapter_model.safetensors")
    unchanged = [name for name in before if before[name].equal(after[name])]
    assert len(before) == 2 * 7 * 2 and unchanged == []  # every LoRA matrix of 7 linears x 2 layers moved


def test_full_fine_tuning_changes_every_parameter(make_config, tiny_model_dir):
    run_dir = run(load_config(make_config(use_peft=False, max_steps=3, save_steps=3, learning_rate=1e-3)))
    base = load_file(tiny_model_dir / "model.safetensors")
    tuned = load_file(run_dir / "final" / "model.safetensors")
    assert set(base) == set(tuned)
    assert [name for name in base if base[name].equal(tuned[name])] == []
    assert json.loads((run_dir / "manifest.json").read_text())["peft"] is False


@pytest.mark.parametrize("data_format", ["language_modeling", "prompt_completion",
                                         "conversational_language_modeling"])
def test_other_data_formats_train(make_config, data_format):
    run_dir = run(load_config(make_config(fine_tuning_data_format=data_format, max_steps=2, save_steps=2)))
    assert all(math.isfinite(v) for v in losses(run_dir))


def test_refuses_when_end_of_turn_is_not_trained(make_config, capsys, tmp_path):
    from sftflow.cli import main

    # a chat template that never emits the end-of-turn token after a reply: the model could not learn to stop
    template = tmp_path / "no_eos.jinja"
    template.write_text("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
                        "{% if add_generation_prompt %}assistant: {% endif %}")
    path = make_config(chat_template_path=str(template), max_steps=1, save_steps=1)
    assert main(["train", str(path)]) == 2
    err = capsys.readouterr().err
    assert "48 of 48 training rows do not have the end-of-turn token ('<|im_end|>')" in err
    assert not (tmp_path / "run").exists()  # refused before anything was written
    assert main(["train", str(path), "--data.allow_eos_outside_loss", "true"]) == 0
    assert "48 training rows do not train the end-of-turn token" in capsys.readouterr().out


def test_second_run_on_the_same_data_skips_tokenization(make_config, tmp_path, capsys):
    own = {"system_template": "Answer in SQL (cache test)."}  # no other test renders this template
    run(load_config(make_config("a.yaml", output_dir=str(tmp_path / "a"), max_steps=1, save_steps=1, data=own)))
    assert "tokenized data: cached as" in capsys.readouterr().out
    run(load_config(make_config("b.yaml", output_dir=str(tmp_path / "b"), max_steps=1, save_steps=1, data=own)))
    assert "tokenized data: cache hit" in capsys.readouterr().out
    # a different template renders different tokens: no hit
    run(load_config(make_config("c.yaml", output_dir=str(tmp_path / "c"), max_steps=1, save_steps=1,
                                data={"system_template": "Only SQL."})))
    assert "cache hit" not in capsys.readouterr().out


# The exact losses of a short LoRA run of the tiny model (seed 7, 4 steps, batch 4): a change in numerics (a new
# default, a changed collator, a library upgrade) shows here, not only whether the loss falls. Measured on an AMD
# EPYC with AVX-512 and again with ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 (the AVX2-only class): the same
# to the last bit. The tolerance (1e-5 relative) leaves room for another CPU's summation order only.
PINNED_LOSSES = [6.384734153747559, 6.366547107696533, 6.357943534851074, 6.360771179199219]


def test_a_short_run_gives_the_pinned_losses(make_config):
    values = losses(run(load_config(make_config(max_steps=4, save_strategy="no"))))
    assert values == pytest.approx(PINNED_LOSSES, rel=1e-5), values


@pytest.mark.skipif((os.cpu_count() or 1) < 2 or "OMP_NUM_THREADS" in os.environ,
                    reason="needs 2 cores, and torch's thread count left to sftflow (OMP_NUM_THREADS is set)")
def test_training_beside_a_busy_process_leaves_it_its_core(make_config, capsys):
    import torch

    before = torch.get_num_threads()
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)
        run(load_config(make_config(max_steps=2, save_strategy="no")))
    finally:
        busy.kill()
        busy.wait()
    said = [line for line in capsys.readouterr().out.splitlines() if "speed: torch threads:" in line]
    assert len(said) == 1 and "other processes kept" in said[0]
    threads = int(said[0].split("torch threads: ")[1].split()[0])
    assert 1 <= threads < os.cpu_count()
    assert torch.get_num_threads() == before  # put back after the run
