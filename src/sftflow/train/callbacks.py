"""Trainer callbacks: mark checkpoints complete once written, keep the manifest current."""

from pathlib import Path

from transformers import TrainerCallback

from sftflow import run_dir as rd


class CheckpointMarker(TrainerCallback):
    """After the Trainer has written checkpoint-N, record it as complete (only then can resume pick it)."""

    def __init__(self, out: Path):
        self.out = Path(out)

    def on_save(self, args, state, control, **kwargs):
        if state.is_world_process_zero:
            checkpoint = self.out / f"checkpoint-{state.global_step}"
            if checkpoint.is_dir():
                rd.mark_complete(checkpoint)
                rd.update_manifest(self.out, last_checkpoint=str(checkpoint),
                                   best_checkpoint=state.best_model_checkpoint or str(checkpoint),
                                   global_step=state.global_step)
        return control
