"""FSDP2 in CPU processes (gloo), so that `--launch fsdp` runs, and is tested, on a machine without GPUs.

accelerate makes FSDP only on accelerators: on CPU its state says MULTI_CPU and the Trainer wraps the model in
DDP, silently. torch's own FSDP2 (`fully_shard`) runs on CPU with gloo, and accelerate's FSDP2 code path does too
once its state says FSDP. Saying so touches accelerate internals, the two shared states (`PartialState` and
`AcceleratorState`: each `AcceleratorState()` copies the first over the second, and the optimizer wrapper makes one
during `prepare`): hence the tested version range below, refused outside it. On GPUs none of this runs: accelerate
launches FSDP from examples/accelerate/fsdp.yaml itself.
"""

from sftflow.errors import UserError

TESTED_ACCELERATE = ((1, 15), (1, 16))  # [from, to): tests/e2e/test_launch.py runs it on CPU


def enable(trainer, where: str) -> None:
    """Make a Trainer built in a gloo process shard its model with FSDP2 when it trains."""
    import accelerate
    from accelerate.state import AcceleratorState, PartialState
    from accelerate.utils import DistributedType, FullyShardedDataParallelPlugin

    version = tuple(int(part) for part in accelerate.__version__.split(".")[:2])
    low, high = TESTED_ACCELERATE
    if not low <= version < high:
        raise UserError(f"--launch fsdp on CPU is tested with accelerate {low[0]}.{low[1]} only (this is "
                        f"{accelerate.__version__}): install from the lock, or use --launch ddp", where)
    model = trainer.model
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    layers = list(getattr(base, "_no_split_modules", None) or [])
    plugin = FullyShardedDataParallelPlugin(
        fsdp_version=2, reshard_after_forward=True, state_dict_type="SHARDED_STATE_DICT",
        auto_wrap_policy="transformer_based_wrap" if layers else "no_wrap",
        transformer_cls_names_to_wrap=layers or None, cpu_ram_efficient_loading=False)
    for shared in (PartialState._shared_state, AcceleratorState._shared_state):
        shared["distributed_type"] = DistributedType.FSDP
    AcceleratorState._shared_state["fsdp_plugin"] = plugin
    trainer.is_fsdp_enabled = True


def full_state_dict_for_saving(trainer) -> None:
    """Before the final save: gather the whole model (or adapter) so that `final/` is in the format every later
    stage reads; checkpoints stay sharded (torch.distributed.checkpoint) for resuming."""
    if getattr(trainer, "is_fsdp_enabled", False):
        trainer.accelerator.state.fsdp_plugin.set_state_dict_type("FULL_STATE_DICT")
