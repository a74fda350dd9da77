"""Which engine generates answers and serves models: vLLM where it is installed, transformers otherwise.

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
VLLM_PYTHON_ENV = "SFTFLOW_VLLM_PYTHON"


def vllm_python() -> str | None:
    """The Python of an environment where vLLM runs: $SFTFLOW_VLLM_PYTHON, else .venv-vllm beside this
    environment, else this Python when it imports vllm; None when there is none."""
    named = os.environ.get(VLLM_PYTHON_ENV)
    if named:
        return named if Path(named).is_file() else None
    sibling = Path(sys.prefix).parent / ".venv-vllm" / "bin" / "python"
    if sibling.is_file():
        return str(sibling)
    return sys.executable if importlib.util.find_spec("vllm") is not None else None


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
