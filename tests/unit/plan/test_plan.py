"""The planner's verdicts from config alone, its sharding arithmetic and its suggestions."""

from dataclasses import replace
from pathlib import Path

import pytest

from sftflow.config import load_config
from sftflow.errors import UserError
from sftflow.memory.architecture import KNOWN_CONFIGS, architecture
from sftflow.memory.estimate import GIB, estimate, plan_inputs
from sftflow.memory.fit import oom_warning
from sftflow.memory.gpus import gpu_memory
from sftflow.memory.setup import Setup, setup_from_request
from sftflow.memory.suggest import more_gpus, suggestions
from sftflow.plan.run import run
from sftflow.settings import plan_request

QLORA = Path(__file__).resolve().parents[3] / "examples" / "court_headnotes" / "qlora.yaml"
FULL_FT = {"use_peft": "false", "load_in_4bit": "false", "optim": "adamw_torch_fused"}  # bf16, batch 1, 8192
GEMMA_4B = architecture(KNOWN_CONFIGS["google/gemma-3-4b-it"])


def gpu_plan(config, num_processes: int = 1, strategy: str | None = None):
    """(Architecture, Setup) of a config planned for a CUDA device, as `sftflow plan` makes it."""
    return plan_inputs(plan_request(config, cuda=True), num_processes, strategy)


def test_gemma_4b_full_finetune_at_8k_does_not_fit_on_24gb():
    result = estimate(*gpu_plan(load_config(QLORA, FULL_FT)))
    s = result.setup
    assert (s.peft, s.quantization, s.weight_dtype, s.batch_size, s.seq_len) == (False, None, "bfloat16", 1, 8192)
    assert result.trainable == result.params == pytest.approx(4.3e9, rel=0.01)
    # bf16 weights + gradients + AdamW's two bf16 states alone are ~32 GiB
    assert result.weights + result.gradients + result.optimizer > 30 * GIB
    assert result.peak > gpu_memory("A5000") and result.peak > gpu_memory("24GB")


def test_gemma_4b_qlora_r32_with_checkpointing_fits_on_24gb():
    result = estimate(*gpu_plan(load_config(QLORA)))
    s = result.setup
    assert (s.quantization, s.double_quant, s.peft, s.lora_r) == ("4bit", True, True, 32)
    assert s.gradient_checkpointing and s.optimizer == "paged_adamw_8bit"
    assert result.weights < 3.5 * GIB  # 3.6B quantized linear weights at ~0.52 byte + bf16 embeddings
    assert 60e6 < result.trainable < 90e6  # r=32 on every linear layer, text and vision
    assert result.peak < gpu_memory("A5000")


def test_run_prints_both_verdicts(capsys):
    fits = run(load_config(QLORA), gpus=["A5000"])
    fails = run(load_config(QLORA, FULL_FT), gpus=["A5000", "H100"])
    printed = capsys.readouterr().out
    assert "fits on A5000" in printed and "does NOT fit on A5000" in printed
    assert fits["gpus"][0]["fits"] and not fails["gpus"][0]["fits"] and fails["gpus"][1]["fits"]
    assert fails["gpus"][0]["suggestions"][-1]["fits"]
    assert "weights" in fits["components"] and fits["peak_bytes"] == pytest.approx(sum(
        v for k, v in fits["phases"].items() if k == fits["peak_phase"]))


def test_suggestions_make_a_non_fitting_config_fit():
    arch, setup = gpu_plan(load_config(QLORA, {**FULL_FT, "gradient_checkpointing": "false",
                                              "per_device_train_batch_size": "4",
                                              "gradient_accumulation_steps": "4"}))
    capacity = gpu_memory("A5000")
    assert estimate(arch, setup).peak > capacity
    steps = suggestions(arch, setup, capacity)
    assert steps and steps[-1].fits and not any(step.fits for step in steps[:-1])
    peaks = [estimate(arch, setup).peak] + [step.peak for step in steps]
    assert peaks == sorted(peaks, reverse=True)  # every step lowers the estimate
    settings = {k: v for step in steps for k, v in step.settings.items()}
    assert settings.get("gradient_checkpointing") is True  # the cheapest change is tried first


def test_suggestions_keep_only_what_is_needed():
    """A small model at a batch that is too large: smaller micro-batches alone are enough."""
    arch = architecture(KNOWN_CONFIGS["HuggingFaceTB/SmolLM2-135M-Instruct"])
    setup = Setup(weight_dtype="bfloat16", mixed_precision=True, batch_size=64, seq_len=4096,
                  gradient_checkpointing=True, attention="sdpa")
    steps = suggestions(arch, setup, gpu_memory("T4"))
    assert [list(step.settings) for step in steps] == [["per_device_train_batch_size", "gradient_accumulation_steps"]]
    assert steps[0].fits and steps[0].settings["per_device_train_batch_size"] * steps[0].settings[
        "gradient_accumulation_steps"] == 64


def test_more_gpus_shard_the_unchanged_run():
    arch, setup = gpu_plan(load_config(QLORA, FULL_FT))
    n, sharded = more_gpus(arch, setup, gpu_memory("A100-40GB"))
    assert n == 2 and sharded.strategy == "fsdp" and estimate(arch, sharded).peak <= gpu_memory("A100-40GB")


@pytest.mark.parametrize("strategy, weights, grads, optimizer", [
    ("ddp", 1, 1, 1), ("zero1", 1, 1, 4), ("zero2", 1, 4, 4), ("zero3", 4, 4, 4), ("fsdp", 4, 4, 4)])
def test_sharding_divides_what_each_strategy_shards(strategy, weights, grads, optimizer):
    single = Setup(weight_dtype="bfloat16", mixed_precision=True, optimizer="adamw_torch_fused")
    one = estimate(GEMMA_4B, single)
    four = estimate(GEMMA_4B, replace(single, strategy=strategy, num_processes=4))
    assert four.weights == pytest.approx(one.weights / weights)
    assert four.gradients == pytest.approx(one.gradients / grads)
    if strategy.startswith("zero"):  # DeepSpeed: fp32 Adam states and an fp32 master copy of bf16 weights
        assert four.optimizer == pytest.approx(GEMMA_4B.total_params * 8 / optimizer)
        assert four.master_weights == pytest.approx(GEMMA_4B.total_params * 4 / optimizer)
    else:
        assert four.optimizer == pytest.approx(one.optimizer / optimizer) and four.master_weights == 0
    assert four.ddp_buckets == (one.gradients if strategy == "ddp" else 0)  # DDP's second copy of the gradients
    assert (four.gathered > 0) == (weights == 4)  # sharded weights are gathered a layer at a time


def test_offload_moves_optimizer_and_zero3_params_off_the_gpu():
    base = Setup(weight_dtype="bfloat16", mixed_precision=True, num_processes=4)
    zero2 = estimate(GEMMA_4B, replace(base, strategy="zero2-offload"))
    zero3 = estimate(GEMMA_4B, replace(base, strategy="zero3-offload"))
    assert zero2.optimizer == zero2.master_weights == 0 and zero2.weights == GEMMA_4B.total_params * 2
    assert zero3.optimizer == 0 and zero3.weights == 0 and zero3.gathered > 0


@pytest.mark.parametrize("optim, per_param", [("adamw_torch_fused", 8), ("paged_adamw_8bit", 2.03),
                                              ("adamw_torch_4bit", 1.06), ("sgd", 0), ("paged_adamw_32bit", 8)])
def test_optimizer_state_bytes(optim, per_param):
    result = estimate(GEMMA_4B, Setup(weight_dtype="float32", optimizer=optim))
    assert result.optimizer / result.trainable == pytest.approx(per_param, abs=0.01)


def test_checkpointing_and_fused_loss_shrink_activations():
    plain = Setup(weight_dtype="bfloat16", mixed_precision=True, batch_size=4, seq_len=2048,
                  gradient_checkpointing=False, fused_lm_head=False)
    checkpointed = estimate(GEMMA_4B, replace(plain, gradient_checkpointing=True))
    fused = estimate(GEMMA_4B, replace(plain, fused_lm_head=True))
    assert checkpointed.activations < estimate(GEMMA_4B, plain).activations / 5
    full_logits = estimate(GEMMA_4B, plain).lm_head_backward
    assert full_logits >= 4 * 2048 * GEMMA_4B.vocab * 8 and fused.lm_head_backward < full_logits / 10


def test_cpu_mode_has_no_cuda_context_and_no_gpu_only_settings(monkeypatch):
    from sftflow import device

    monkeypatch.setattr(device, "cpu_bf16", lambda: None)  # a CPU without bf16 instructions
    setup = setup_from_request(plan_request(load_config(QLORA), cuda=False))
    assert (setup.quantization, setup.mixed_precision, setup.weight_dtype) == (None, False, "float32")
    assert estimate(GEMMA_4B, setup).overhead == 0
    monkeypatch.setattr(device, "cpu_bf16", lambda: "avx512_bf16")  # the file's bf16: true is kept there
    assert setup_from_request(plan_request(load_config(QLORA), cuda=False)).mixed_precision


def test_trl_defaults_fill_unset_keys():
    setup = gpu_plan(load_config(None, {"model_name_or_path": "google/gemma-3-270m-it"}))[1]
    assert (setup.gradient_checkpointing, setup.batch_size, setup.seq_len) == (True, 8, 1024)
    assert setup.mixed_precision  # bf16 unless told otherwise, on a GPU


def test_oom_warning_names_the_peak_the_gpu_and_a_change_that_fits():
    config = load_config(QLORA, FULL_FT)
    plan = gpu_plan(config)
    peak = estimate(*plan).peak
    assert oom_warning(plan, int(peak * 1.01), "a big GPU", "x.yaml") is None
    warning = oom_warning(plan, int(peak * 0.5), "a small GPU", "x.yaml")
    assert f"{peak / GIB:.1f} GiB" in warning and "a small GPU" in warning and "to fit:" in warning
    assert "`sftflow plan x.yaml`" in warning
    assert oom_warning(None, 1, "any GPU", "x.yaml") is None  # no config.json offline: nothing to say


def test_unknown_gpu_and_strategy_are_user_errors():
    with pytest.raises(UserError, match="did you mean 'A5000'"):
        gpu_memory("a500")
    assert gpu_memory("24GB") == 24 * GIB and gpu_memory("h100") == gpu_memory("H100")
    with pytest.raises(UserError, match="unknown strategy"):
        run(load_config(QLORA), gpus=["A5000"], strategy="zero4")


def test_a_deepspeed_file_sets_the_strategy_and_a_missing_one_is_named(tmp_path):
    (tmp_path / "zero3.json").write_text('{"zero_optimization": {"stage": 3, "offload_param": {"device": "cpu"}}}')
    config = load_config(None, {"model_name_or_path": "google/gemma-3-270m-it",
                                "deepspeed": str(tmp_path / "zero3.json")})
    assert gpu_plan(config, 2)[1].strategy == "zero3-offload"
    missing = load_config(None, {"model_name_or_path": "google/gemma-3-270m-it", "deepspeed": "nowhere.json"})
    with pytest.raises(UserError, match="deepspeed config not found: nowhere.json"):
        gpu_plan(missing, 2)
    assert gpu_plan(missing, 2, "fsdp")[1].strategy == "fsdp"  # a strategy given reads no file
