"""Faster defaults: decided only for keys the config leaves unset, and correct where switched on."""

import pytest
import torch

from sftflow.config import load_config
from sftflow.errors import UserError
from sftflow.memory.fit import training_plan
from sftflow.settings import plan_request
from sftflow.train import speed


def choose(config, model_kw: dict, has_cuda: bool, **kwargs):
    """speed.choose with the config's own train: section, written keys and settings."""
    return speed.choose(config.train, set(config.sft), dict(config.sft), model_kw, has_cuda, **kwargs)

def test_unset_keys_get_faster_defaults_and_say_why(make_config):
    config = load_config(make_config(gradient_checkpointing=None))
    sft, choices = choose(config, dict(config.model), False, plan=training_plan(plan_request(config, False)))
    assert sft["gradient_checkpointing"] is False  # a tiny model fits many times over
    assert sft["train_sampling_strategy"] == "group_by_length"  # sdpa on CPU: no variable-length kernel
    text = "\n".join(c.line() for c in choices)
    assert "gradient_checkpointing: false (the plan needs" in text and "LM head on trained tokens only" in text


def test_keys_written_in_the_file_are_kept(make_config):
    config = load_config(make_config(gradient_checkpointing=True, padding_free=True))
    sft, choices = choose(config, dict(config.model), False, plan=training_plan(plan_request(config, False)))
    assert sft["gradient_checkpointing"] is True and sft["padding_free"] is True
    assert "train_sampling_strategy" not in sft
    assert not any("gradient_checkpointing" in c.what for c in choices)


def test_speedups_off_keeps_trl_defaults(make_config):
    config = load_config(make_config(gradient_checkpointing=None, train={"speedups": "off"}))
    sft, choices = choose(config, dict(config.model), False, plan=training_plan(plan_request(config, False)))
    assert sft == dict(config.sft)
    assert [c.line() for c in choices] == ["[sftflow] speed: no other speed-ups (train.speedups: off)"]


def test_flash_attention_gets_padding_free(make_config):
    config = load_config(make_config(attn_implementation="flash_attention_2"))
    sft, _ = choose(config, {"attn_implementation": "flash_attention_2"}, False,
                    plan=training_plan(plan_request(config, False)))
    assert sft["padding_free"] is True and "train_sampling_strategy" not in sft


def test_trained_tokens_head_gives_the_same_loss_and_gradients(tiny_model_dir):
    """TRL's compact path (label positions only) against its every-position path, on CPU."""
    import trl.trainer.utils as trl_utils
    from transformers import AutoModelForCausalLM
    from trl.trainer.utils import add_fused_lm_head

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    add_fused_lm_head(model)
    ids = torch.randint(3, model.config.vocab_size, (2, 24))
    labels = ids.clone()
    labels[:, :15] = -100  # a prompt: not trained
    labels[1, 20:] = -100

    def loss_and_grads():
        model.zero_grad()
        loss = model(input_ids=ids, labels=labels, fused_lm_head=True).loss
        loss.backward()
        return loss.item(), [p.grad.clone() for p in model.parameters() if p.grad is not None]

    original = trl_utils._use_triton
    try:
        full_loss, full_grads = loss_and_grads()
        speed.trained_tokens_head()
        assert trl_utils._use_triton(torch.device("cpu")) is True
        compact_loss, compact_grads = loss_and_grads()
    finally:
        trl_utils._use_triton = original
    assert compact_loss == pytest.approx(full_loss, rel=1e-6)
    assert len(compact_grads) == len(full_grads)
    for a, b in zip(compact_grads, full_grads):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-7)


def test_padding_free_without_packing_trains_with_max_length(make_config, tmp_path):
    """TRL refuses padding_free + max_length without packing; sftflow truncates first and trains."""
    from sftflow.train.run import run

    config = load_config(make_config(padding_free=True, max_length=200, max_steps=2, save_steps=2))
    out = run(config)
    assert (out / "final" / "adapter_config.json").is_file()


def test_padding_free_inputs_truncate_like_trl():
    from types import SimpleNamespace

    from datasets import Dataset

    rows = Dataset.from_dict({"input_ids": [[1, 2, 3, 4, 5], [6, 7, 8]],
                              "labels": [[-100, -100, -100, 4, 5], [-100, 7, 8]]})
    args = SimpleNamespace(padding_free=True, packing=False, max_length=3, truncation_mode="keep_start")
    out = speed.padding_free_inputs({"train": rows}, args)["train"]
    assert out["input_ids"] == [[6, 7, 8]]  # the first row kept no trained token: dropped, as TRL does
    assert args.max_length is None


def test_micro_batches_from_a_token_budget_keep_the_examples_per_step(make_config):
    config = load_config(make_config(gradient_accumulation_steps=2, max_length=512))  # 4 x 2 = 8 per step
    plan = training_plan(plan_request(config, False))
    sft, choices = choose(config, dict(config.model), False, lengths=[300] * 20, plan=plan)
    assert (sft["per_device_train_batch_size"], sft["gradient_accumulation_steps"]) == (1, 8)
    assert "train_sampling_strategy" not in sft  # one row per micro-batch: nothing to pad or group
    assert any("8 examples per optimizer step kept" in c.what for c in choices)
    budget = load_config(make_config(train={"micro_batch_tokens": 700})).train
    sft, _ = speed.choose(budget, set(config.sft), dict(config.sft), dict(config.model), False, lengths=[300] * 20)
    assert (sft["per_device_train_batch_size"], sft["gradient_accumulation_steps"]) == (2, 4)


def test_a_gpu_micro_batch_is_split_only_when_the_plan_says_it_does_not_fit(make_config, monkeypatch):
    from sftflow.memory.estimate import GIB

    config = load_config(make_config(per_device_train_batch_size=8, max_length=512))
    plan = training_plan(plan_request(config, True))
    monkeypatch.setattr(speed, "memory_capacity", lambda has_cuda: (80 * GIB, "a big GPU"))
    sft, _ = choose(config, dict(config.model), True, lengths=[300] * 20, plan=plan)
    assert sft["per_device_train_batch_size"] == 8
    monkeypatch.setattr(speed, "memory_capacity", lambda has_cuda: (int(0.05 * GIB), "a tiny GPU"))
    sft, _ = choose(config, dict(config.model), True, lengths=[300] * 20, plan=plan)
    assert sft["per_device_train_batch_size"] * sft["gradient_accumulation_steps"] == 8
    assert sft["per_device_train_batch_size"] < 8


def test_bf16_is_not_chosen_on_cpu(make_config):
    """bf16 autocast on a CPU with bf16 instructions is the user's call (`bf16: true`): measured 1.07-1.08x with a
    1.5% higher validation loss and 1.3x the memory on SmolLM2-135M LoRA (bench/train_throughput.py)."""
    config = load_config(make_config())
    sft, choices = choose(config, dict(config.model), False, plan=training_plan(plan_request(config, False)))
    assert not sft.get("bf16") and not any("bf16" in c.what for c in choices)


def test_cpu_threads_leave_busy_cores_to_other_processes(make_config, monkeypatch):
    from sftflow import device

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(device, "busy_cores", lambda seconds: 1.0)
    monkeypatch.setattr(speed.os, "cpu_count", lambda: 2)
    config = load_config(make_config())
    threads, choices = speed.cpu_threads(config.train, False, 1)
    assert threads == 1 and "torch threads: 1 (1 of 2 cores: other processes kept 1.0 cores busy" in choices[0].line()
    assert speed.cpu_threads(config.train, True, 1) == (None, [])  # a GPU run
    assert speed.cpu_threads(config.train, False, 2) == (None, [])  # launched processes
    assert speed.cpu_threads(load_config(make_config(train={"speedups": "off"})).train, False, 1) == (None, [])
    assert speed.cpu_threads(load_config(make_config(train={"cpu_threads": 2})).train, False, 1)[0] == 2
    with pytest.raises(UserError, match="train.cpu_threads: 3 is more than this machine's 2 cores"):
        speed.cpu_threads(load_config(make_config(train={"cpu_threads": 3})).train, False, 1)
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert speed.cpu_threads(config.train, False, 1) == (None, [])  # the user's choice
    monkeypatch.delenv("OMP_NUM_THREADS")
    monkeypatch.setattr(device, "busy_cores", lambda seconds: 0.2)
    assert speed.cpu_threads(config.train, False, 1) == (None, [])  # a quiet machine


def test_torch_threads_are_put_back_after_the_block():
    before = torch.get_num_threads()
    with speed.torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with speed.torch_threads(None):
        assert torch.get_num_threads() == before
