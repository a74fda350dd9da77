"""Which engine generates answers and serves models: vLLM where it can run, transformers otherwise.

One decision for `eval` and `serve`, so the two never disagree about what "auto" means on a machine."""

import importlib.util

from sftflow.errors import UserError

ENGINES = ("auto", "transformers", "vllm")


def vllm_usable() -> bool:
    """vLLM is installed and a CUDA GPU is present."""
    import torch

    return importlib.util.find_spec("vllm") is not None and torch.cuda.is_available()


def choose_engine(wanted: str, where: str | None, option: str = "backend") -> str:
    """'vllm' or 'transformers' for the asked-for engine (auto: vLLM when usable)."""
    if wanted not in ENGINES:
        raise UserError(f"unknown {option} '{wanted}'; choose one of {', '.join(ENGINES)}", where)
    if wanted == "transformers":
        return wanted
    usable = vllm_usable()
    if wanted == "vllm" and not usable:
        raise UserError(f"{option}: vllm needs the vllm package (pip install 'sftflow[gpu]') and a CUDA GPU; use "
                        "auto or transformers", where)
    return "vllm" if usable else "transformers"
