"""Which engine `eval` generates with: auto takes vLLM where it pays for its start, an explicit choice is kept."""

import sys

import pytest

from sftflow.errors import UserError
from sftflow.models.engine import VLLM_CPU_MIN_PROMPTS, choose_eval_engine


@pytest.fixture
def vllm_found(monkeypatch):
    """vLLM 'installed': $SFTFLOW_VLLM_PYTHON names an existing Python (this one)."""
    monkeypatch.setenv("SFTFLOW_VLLM_PYTHON", sys.executable)


def test_auto_keeps_transformers_for_a_few_prompts_on_cpu(vllm_found, capsys):
    assert choose_eval_engine("auto", VLLM_CPU_MIN_PROMPTS - 1, None, cuda=False) == "transformers"
    assert "costs more than it saves" in capsys.readouterr().out


def test_auto_takes_vllm_for_many_prompts_or_on_a_gpu(vllm_found):
    assert choose_eval_engine("auto", VLLM_CPU_MIN_PROMPTS, None, cuda=False) == "vllm"
    assert choose_eval_engine("auto", 4, None, cuda=True) == "vllm"


def test_an_explicit_choice_is_kept(vllm_found):
    assert choose_eval_engine("vllm", 4, None, cuda=False) == "vllm"
    assert choose_eval_engine("transformers", 10_000, None, cuda=True) == "transformers"


def test_auto_without_vllm_is_transformers_and_vllm_without_it_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("SFTFLOW_VLLM_PYTHON", str(tmp_path / "missing" / "python"))
    assert choose_eval_engine("auto", 10_000, None, cuda=False) == "transformers"
    with pytest.raises(UserError, match="eval.backend: vllm"):
        choose_eval_engine("vllm", 10, None, cuda=False)
