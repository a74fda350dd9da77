"""Which engine `sftflow serve` takes, and why: vLLM where installed, llama.cpp for a GGUF file, else transformers."""

import sys

import pytest


def test_the_engine_is_chosen_with_its_reason(monkeypatch, tmp_path):
    from sftflow.errors import UserError
    from sftflow.models.engine import choose_serve_engine

    monkeypatch.setenv("SFTFLOW_VLLM_PYTHON", str(tmp_path / "none"))  # neither vLLM ...
    monkeypatch.setenv("SFTFLOW_LLAMACPP_PYTHON", str(tmp_path / "none"))  # ... nor llama.cpp
    assert choose_serve_engine("auto", gguf=False, where=None)[0] == "transformers"
    engine, why = choose_serve_engine("auto", gguf=True, where=None)
    assert engine == "transformers" and "./setup.sh --llamacpp" in why
    with pytest.raises(UserError, match="llama-cpp-python is not installed"):
        choose_serve_engine("llamacpp", gguf=True, where=None)
    monkeypatch.setenv("SFTFLOW_LLAMACPP_PYTHON", sys.executable)  # any file that exists
    assert choose_serve_engine("auto", gguf=True, where=None) == ("llamacpp", "a GGUF file, and llama.cpp is installed")
    assert choose_serve_engine("auto", gguf=False, where=None)[0] == "transformers"  # a folder: not converted unasked
