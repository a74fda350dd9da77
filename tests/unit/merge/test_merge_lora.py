"""LoRA merge on the tiny Llama: logit parity, loading without peft, overwrite refusal, nothing left on failure."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from sftflow.errors import UserError
from sftflow.models import lora_stream
from sftflow.models.lora_merge import merge_adapter, resolve_adapter
from sftflow.models.output import MERGE_MANIFEST
from sftflow.models.parity import parity_prompts

MODEL_FILES = {"model.safetensors", "config.json", "generation_config.json", "tokenizer.json",
               "tokenizer_config.json", "chat_template.jinja", MERGE_MANIFEST}


def adapter_model(adapter):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = json.loads((adapter / "adapter_config.json").read_text())["base_model_name_or_path"]
    return PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32), adapter)


def all_logits(model, prompts):
    with torch.no_grad():
        return [model(input_ids=torch.tensor([ids])).logits[0] for ids in prompts]


@pytest.fixture(scope="module")
def merged(lora_adapter, tmp_path_factory):
    out = tmp_path_factory.mktemp("merged") / "model"
    return out, merge_adapter(lora_adapter, None, out, overwrite=False, parity_check=True, where="test")


def test_merged_logits_equal_the_adapter_models(merged, lora_adapter, tiny_model_dir, tiny_tokenizer):
    from transformers import AutoModelForCausalLM

    out, result = merged
    assert {p.name for p in out.iterdir()} == MODEL_FILES
    assert not list(out.parent.glob(".model.partial-*"))
    weights = load_file(out / "model.safetensors")
    assert not [name for name in weights if "lora" in name]
    prompts = parity_prompts(tiny_tokenizer) + [tiny_tokenizer("SELECT name FROM users")["input_ids"]]
    adapter = all_logits(adapter_model(lora_adapter), prompts)
    base = all_logits(AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32), prompts)
    merged_logits = all_logits(AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32), prompts)
    for a, m, b in zip(adapter, merged_logits, base):
        assert torch.allclose(m, a, atol=1e-4, rtol=0)
        assert (a - b).abs().max() > 1e-2  # the adapter really changes the model: parity is not trivial
    manifest = json.loads((out / MERGE_MANIFEST).read_text())
    parity = manifest["parity"]  # streamed: every merged weight against the adapter's layer, within its bound
    assert parity["passed"] is True and parity["merged_tensors"] == 14 and parity["copied_mismatched"] == []
    assert parity["merge"]["max_ratio_to_bound"] < 1 and parity["merge"]["max_abs_diff"] < 1e-5
    assert parity["written"]["dtype"] == "float32" and parity["written"]["max_abs_diff"] < 1e-5
    assert manifest["dtype"] == "float32" and manifest["sources"]["base_model"] == str(tiny_model_dir)
    template = (lora_adapter / "chat_template.jinja").read_text()
    assert manifest["chat_template_sha256"] == hashlib.sha256(template.encode()).hexdigest()
    assert (out / "chat_template.jinja").read_text() == template
    assert result["path"] == str(out)


def test_merged_model_loads_and_generates_without_peft(merged, lora_adapter, tiny_tokenizer):
    out, _ = merged
    prompt = parity_prompts(tiny_tokenizer)[1]
    script = (
        "import sys, json; sys.modules['peft'] = None\n"  # any `import peft` now fails
        "import torch; from transformers import AutoModelForCausalLM\n"
        f"model = AutoModelForCausalLM.from_pretrained({str(out)!r}, dtype=torch.float32)\n"
        "assert not any('lora' in n for n, _ in model.named_parameters())\n"
        f"ids = model.generate(torch.tensor([{prompt}]), max_new_tokens=8, do_sample=False, min_new_tokens=8)\n"
        "assert sys.modules['peft'] is None  # nothing imported peft behind our back\n"
        "print(json.dumps(ids[0].tolist()))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    from_merged = json.loads(done.stdout.strip().splitlines()[-1])
    with torch.no_grad():
        expected = adapter_model(lora_adapter).generate(input_ids=torch.tensor([prompt]), max_new_tokens=8,
                                                         min_new_tokens=8, do_sample=False)
    assert from_merged == expected[0].tolist() and len(from_merged) == len(prompt) + 8


def test_refuses_a_different_model_unless_overwrite(merged, lora_adapter, tiny_model_dir, tmp_path):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(tiny_model_dir, out)
    with pytest.raises(UserError, match=f"{out} already holds a different model"):
        merge_adapter(lora_adapter, None, out, overwrite=False, parity_check=False, where="test")
    assert not (out / MERGE_MANIFEST).exists() and (out / "model.safetensors").is_file()  # untouched
    merge_adapter(lora_adapter, None, out, overwrite=True, parity_check=False, where="test")
    assert load_file(out / "model.safetensors")["lm_head.weight"].equal(
        load_file(merged[0] / "model.safetensors")["lm_head.weight"])
    # the same merge again is not "a different model": no overwrite needed
    merge_adapter(lora_adapter, None, out, overwrite=False, parity_check=False, where="test")
    with pytest.raises(UserError, match="contains the input"):
        merge_adapter(lora_adapter, None, lora_adapter.parent, overwrite=True, parity_check=False, where="test")


def test_failure_midway_leaves_nothing(lora_adapter, tmp_path, monkeypatch):
    def broken_write(self, name, tensor):
        self.handle.write(b"half a tensor")
        raise OSError("disk full")

    monkeypatch.setattr(lora_stream.ShardWriter, "write", broken_write)
    with pytest.raises(OSError, match="disk full"):
        merge_adapter(lora_adapter, None, tmp_path / "out", overwrite=False, parity_check=True, where="test")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_merge_killed_while_writing_is_cleaned_up_by_the_next(lora_adapter, tmp_path):
    """SIGKILL leaves the hidden partial folder of a dead process; the next merge into the same folder removes it,
    and never touches the partial folder of a merge that is still running, nor a folder without sftflow's marker."""
    from sftflow.models.output import STAGING_MARKER

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".out.partial-{dead.stdout.strip()}-k1"
    running = tmp_path / f".out.partial-{os.getppid()}-r2"
    lookalike = tmp_path / f".out.partial-{dead.stdout.strip()}"  # the user's, or an older sftflow's: no marker
    for folder, pid in ((stale, dead.stdout.strip()), (running, str(os.getppid())), (lookalike, None)):
        folder.mkdir()
        (folder / "model.safetensors").write_bytes(b"half a file")
        if pid:
            (folder / STAGING_MARKER).write_text(pid)
    merge_adapter(lora_adapter, None, tmp_path / "out", overwrite=False, parity_check=False, where="test")
    assert not stale.exists() and running.exists() and lookalike.exists()
    assert (tmp_path / "out" / "model.safetensors").is_file()


@pytest.mark.parametrize("streamed", [True, False])
def test_failed_parity_check_is_a_user_error_and_writes_nothing(lora_adapter, tmp_path, monkeypatch, streamed):
    from peft.tuners.tuners_utils import BaseTuner

    # a merge that drops the adapter instead of folding it in: the written model is the plain base
    if streamed:
        monkeypatch.setattr(lora_stream, "delta", lambda a, b, scale: torch.zeros(b.shape[0], a.shape[1]))
    else:
        monkeypatch.setattr(lora_stream, "plan", lambda adapter, base: (None, "a test"))
        monkeypatch.setattr(BaseTuner, "merge_and_unload", lambda self, *args, **kwargs: self.unload())
    with pytest.raises(UserError, match="parity check failed"):
        merge_adapter(lora_adapter, None, tmp_path / "out", overwrite=False, parity_check=True, where="test")
    assert list(tmp_path.iterdir()) == []


def test_run_directory_gives_best_checkpoint_only_when_a_metric_chose_it(fake_run):
    def located(path):
        ref = resolve_adapter(path, "test")
        return Path(ref.location), ref.run_dir

    run = fake_run(best_metric=None)
    assert located(run) == (run / "final", run)
    (run / "manifest.json").write_text(json.dumps({**json.loads((run / "manifest.json").read_text()),
                                                   "best_metric": 0.5}))
    assert located(run) == (run / "checkpoint-2", run)
    assert located(run / "final") == (run / "final", run)  # a folder inside a run knows its run


def test_adapter_trained_on_4bit_base_merges_into_full_precision(fake_run, tmp_path, capsys):
    run = fake_run(config={"load_in_4bit": True, "use_peft": True})
    result = merge_adapter(run, None, tmp_path / "out", overwrite=False, parity_check=True, where="test")
    assert "trained on a 4-bit base: merging it into the base loaded in float32" in capsys.readouterr().out
    assert result["trained_on_4bit_base"] is True and result["parity"]["passed"] is True
    config = json.loads((tmp_path / "out" / "config.json").read_text())
    assert "quantization_config" not in config


def test_quantized_base_is_refused(lora_adapter, tiny_model_dir, tmp_path):
    import shutil

    base = tmp_path / "base-4bit"
    shutil.copytree(tiny_model_dir, base)
    config = json.loads((base / "config.json").read_text())
    config["quantization_config"] = {"quant_method": "bitsandbytes", "load_in_4bit": True}
    (base / "config.json").write_text(json.dumps(config))
    with pytest.raises(UserError, match="stored quantized"):
        merge_adapter(lora_adapter, str(base), tmp_path / "out", overwrite=False, parity_check=True, where="test")
    assert not (tmp_path / "out").exists()


def test_not_an_adapter_is_refused(tiny_model_dir, tmp_path):
    with pytest.raises(UserError, match="holds no LoRA adapter"):
        merge_adapter(tiny_model_dir, None, tmp_path / "out", overwrite=False, parity_check=True, where="test")


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_half_precision_run_is_merged_in_float32_and_written_in_its_dtype(fake_run, tmp_path, dtype):
    run = fake_run(config={"dtype": dtype})
    result = merge_adapter(run, None, tmp_path / "out", overwrite=False, parity_check=True, where="test")
    assert {str(t.dtype) for t in load_file(tmp_path / "out" / "model.safetensors").values()} == {f"torch.{dtype}"}
    assert json.loads((tmp_path / "out" / "config.json").read_text())["dtype"] == dtype
    parity = result["parity"]
    assert parity["merge"]["dtype"] == "float32" and parity["merge"]["max_abs_diff"] < 1e-4
    assert parity["written"]["dtype"] == dtype and parity["written"]["max_abs_diff"] > 0
    assert parity["written"]["max_ratio_to_bound"] < 1
