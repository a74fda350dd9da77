"""GPU names -> memory in bytes, as torch reports `total_memory` (nvidia-smi's MiB), plus plain 'NNGB'."""

import difflib
import re

from sftflow.errors import UserError

MIB = 2 ** 20
GPUS = {  # name -> total memory in MiB (nvidia-smi); the marketing "24 GB" is a little less than 24 GiB
    "T4": 15360,
    "L4": 23034,
    "A5000": 24564,
    "RTX4090": 24564,
    "A6000": 49140,
    "A100-40GB": 40960,
    "A100-80GB": 81920,
    "H100": 81559,
    "H200": 143771,
}


def gpu_memory(name: str) -> int:
    """Bytes of memory of a GPU named in GPUS (any case), or of 'NNGB' (NN GiB)."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*gi?b", name.strip(), flags=re.IGNORECASE)
    if match:
        return int(float(match.group(1)) * 1024 * MIB)
    for known, mib in GPUS.items():
        if known.lower() == name.strip().lower():
            return mib * MIB
    hint = difflib.get_close_matches(name.upper(), list(GPUS), n=1)
    extra = f" (did you mean '{hint[0]}'?)" if hint else ""
    raise UserError(f"unknown GPU '{name}'{extra}; one of {', '.join(GPUS)}, or a size like 24GB", "command line")


def gpu_name(name: str) -> str:
    """The table's spelling of a GPU name, or the size as given."""
    return next((known for known in GPUS if known.lower() == name.strip().lower()), name.strip())
