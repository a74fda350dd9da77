"""Which engine generates answers and serves models: vLLM where it is installed, transformers otherwise; and for
serving, llama.cpp (llama-cpp-python's server, ./setup.sh --llamacpp makes .venv-llamacpp) for GGUF files.

One decision for `eval` and `serve`, so the two never disagree about what "auto" means on a machine. vLLM's
CPU build pins its own transformers and torch, so it lives in an environment of its own (`./setup.sh --vllm`
makes .venv-vllm beside sftflow's .venv) and sftflow runs it as a separate process; on a GPU machine vLLM may
equally be installed in sftflow's own environment, as the teaching workflow does.
"""

import importlib.util
import os
import sys
from pathlib import Path

from sftflow.errors import UserError

ENGINES = ("auto", "transformers", "vllm")
SERVE_ENGINES = (*ENGINES, "llamacpp")
VLLM_PYTHON_ENV = "SFTFLOW_VLLM_PYTHON"
LLAMACPP_PYTHON_ENV = "SFTFLOW_LLAMACPP_PYTHON"


def vllm_python() -> str | None:
    """The Python of an environment where vLLM runs: $SFTFLOW_VLLM_PYTHON, else .venv-vllm beside this
    environment, else this Python when it imports vllm; None when there is none."""
    return _engine_python(VLLM_PYTHON_ENV, ".venv-vllm", "vllm")


def llamacpp_python() -> str | None:
    """The Python of an environment with llama-cpp-python's server: $SFTFLOW_LLAMACPP_PYTHON, else .venv-llamacpp
    beside this environment, else this Python when it imports llama_cpp; None when there is none."""
    return _engine_python(LLAMACPP_PYTHON_ENV, ".venv-llamacpp", "llama_cpp")


def _engine_python(variable: str, sibling: str, module: str) -> str | None:
    named = os.environ.get(variable)
    if named:
        return named if Path(named).is_file() else None
    beside = Path(sys.prefix).parent / sibling / "bin" / "python"
    if beside.is_file():
        return str(beside)
    return sys.executable if importlib.util.find_spec(module) is not None else None


def choose_serve_engine(wanted: str, gguf: bool, where: str | None) -> tuple[str, str]:
    """(engine, why) for `sftflow serve`: auto takes vLLM where it is installed, llama.cpp for a GGUF file, else
    transformers (continuous batching); a GGUF file with neither is converted for transformers."""
    if wanted not in SERVE_ENGINES:
        raise UserError(f"unknown engine '{wanted}'; choose one of {', '.join(SERVE_ENGINES)}", where)
    has_llamacpp = llamacpp_python() is not None
    if wanted == "llamacpp":
        if not has_llamacpp:
            raise UserError("engine llamacpp, but llama-cpp-python is not installed: run ./setup.sh --llamacpp "
                            f"(it builds llama.cpp; .venv-llamacpp) or set {LLAMACPP_PYTHON_ENV}", where)
        return "llamacpp", "asked for" + ("" if gguf else "; the model is converted to GGUF q8_0 first (cached)")
    if wanted != "auto":
        engine = choose_engine(wanted, where, "engine")
        return engine, "asked for"
    if gguf:
        if has_llamacpp:
            return "llamacpp", "a GGUF file, and llama.cpp is installed"
        return "transformers", ("a GGUF file, converted to safetensors for transformers: llama.cpp would serve it "
                                "as it is (./setup.sh --llamacpp)")
    if vllm_python() is not None:
        return "vllm", "vLLM is installed"
    return "transformers", "continuous batching on transformers; vLLM is not installed (./setup.sh --vllm is faster)"


def choose_engine(wanted: str, where: str | None, option: str = "backend") -> str:
    """'vllm' or 'transformers' for the asked-for engine (auto: vLLM when installed)."""
    if wanted not in ENGINES:
        raise UserError(f"unknown {option} '{wanted}'; choose one of {', '.join(ENGINES)}", where)
    if wanted == "transformers":
        return wanted
    found = vllm_python() is not None
    if wanted == "vllm" and not found:
        named = os.environ.get(VLLM_PYTHON_ENV)
        detail = f"${VLLM_PYTHON_ENV} names {named}, which does not exist" if named else "vLLM is not installed"
        raise UserError(f"{option}: vllm, but {detail}: run ./setup.sh --vllm (vLLM's CPU build in .venv-vllm) "
                        f"or set {VLLM_PYTHON_ENV}; or use auto or transformers", where)
    return "vllm" if found else "transformers"


# vLLM's CPU engine starts in about 90 s and then generates about 2.6x faster than batched transformers on 2 cores
# (bench/results/eval_throughput_cpu.txt: 87 s start, 0.43 s/answer against 1.14 s/answer): the start pays for
# itself from about 120 prompts; with a margin, `auto` takes vLLM on a CPU from this many.
VLLM_CPU_MIN_PROMPTS = 150


def choose_eval_engine(wanted: str, n_prompts: int, where: str | None, cuda: bool | None = None) -> str:
    """The engine for generating `n_prompts` eval answers: choose_engine's, except that `auto` on a machine
    without a GPU keeps transformers for fewer than VLLM_CPU_MIN_PROMPTS prompts, and says so."""
    engine = choose_engine(wanted, where, "eval.backend")
    if wanted != "auto" or engine != "vllm" or n_prompts >= VLLM_CPU_MIN_PROMPTS:
        return engine
    if cuda is None:
        from sftflow.device import has_cuda

        cuda = has_cuda()
    if cuda:
        return engine
    print(f"[sftflow] eval.backend auto: transformers for {n_prompts} prompts on CPU (vLLM's engine start, about "
          f"90 s, costs more than it saves below {VLLM_CPU_MIN_PROMPTS} prompts; eval.backend: vllm uses it anyway)")
    return "transformers"
