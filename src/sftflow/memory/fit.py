"""Does a planned run fit this machine's GPU: the warning `train` prints (never a refusal), and the settings
text of a suggested change, shared with `sftflow plan`."""

import os

from sftflow.errors import UserError
from sftflow.memory.estimate import GIB, estimate, plan_inputs
from sftflow.memory.suggest import suggestions


def training_plan(request):
    """(Architecture, Setup) of the run this process is about to train (a sftflow.settings.PlanRequest made from
    its adapted settings), or None when the model's config.json cannot be read offline. Computed once per
    training run; speed choices and the warning share it."""
    try:
        return plan_inputs(request, int(os.environ.get("WORLD_SIZE", "1")), launched_strategy())
    except UserError:
        return None


def oom_warning(plan, capacity: int, gpu: str, where: str) -> str | None:
    """A warning (never a refusal) when the plan says the run will not fit in `capacity` bytes of `gpu`;
    None when it fits or there is no plan."""
    if plan is None:
        return None
    arch, setup = plan
    result = estimate(arch, setup)
    if result.peak <= capacity:
        return None
    steps = suggestions(arch, setup, capacity)
    hint = f"; to fit: {settings_text(steps)}" if steps and steps[-1].fits else ""
    return (f"the memory plan estimates {result.peak / GIB:.1f} GiB per GPU at its peak ({result.peak_phase}), "
            f"but {gpu} has {capacity / GIB:.1f} GiB: this run will likely run out of "
            f"memory{hint} (`sftflow plan {where}` shows the breakdown)")


def launched_strategy() -> str | None:
    """The strategy `accelerate launch` (or, on CPU, `sftflow train --launch fsdp`) set up for this process (its
    environment), else None (the config's)."""
    env = os.environ
    if env.get("SFTFLOW_LAUNCH_MODE") == "fsdp":  # train.launch.LAUNCH_MODE: FSDP2 in CPU processes
        return "fsdp"
    if env.get("ACCELERATE_USE_FSDP") == "true":
        return "fsdp-offload" if env.get("FSDP_OFFLOAD_PARAMS") == "true" else "fsdp"
    if env.get("ACCELERATE_USE_DEEPSPEED") == "true":
        stage = env.get("ACCELERATE_DEEPSPEED_ZERO_STAGE", "2")
        offload = env.get("ACCELERATE_DEEPSPEED_OFFLOAD_OPTIMIZER_DEVICE", "none") != "none"
        return "ddp" if stage == "0" else f"zero{stage}" + ("-offload" if offload and stage in ("2", "3") else "")
    return None


def settings_text(steps) -> str:
    parts = []
    for step in steps:
        for key, value in step.settings.items():
            parts.append(f"{key} {value}" if key.startswith("--") else f"{key}: {_yaml(value)}")
    return ", ".join(parts)


def _yaml(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
