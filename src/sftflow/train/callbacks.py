"""Trainer callbacks: mark checkpoints complete once written, keep the manifest current, log as training goes."""

import json
from pathlib import Path

from transformers import TrainerCallback

from sftflow import run_dir as rd


class CheckpointMarker(TrainerCallback):
    """After the Trainer has written checkpoint-N, record it as complete (only then can resume pick it)."""

    def __init__(self, out: Path):
        self.out = Path(out)

    def on_save(self, args, state, control, **kwargs):
        _wait_for_every_process()  # each process writes its own files (rng_state_<rank>.pth, FSDP shards)
        if state.is_world_process_zero:
            checkpoint = self.out / f"checkpoint-{state.global_step}"
            if checkpoint.is_dir():
                rd.mark_complete(checkpoint)
                rd.update_manifest(self.out, last_checkpoint=str(checkpoint),
                                   best_checkpoint=state.best_model_checkpoint or str(checkpoint),
                                   global_step=state.global_step)
        return control


def _wait_for_every_process() -> None:
    """A barrier when training runs in several processes: the marker records each file's size, so it may be
    written only after every process has written its part of the checkpoint (rank 1's rng_state_1.pth was
    measured still empty when rank 0 marked the checkpoint complete)."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        dist.barrier()


class LiveLog(TrainerCallback):
    """Append each logged record (losses, eval metrics) to RUN_DIR/progress.jsonl as it happens: `tail -f` follows
    a run, and a sweep reads a trial's intermediate values from it to prune (log_history.json is written at the
    end only)."""

    def __init__(self, out: Path):
        self.path = Path(out) / rd.PROGRESS

    def on_train_begin(self, args, state, control, **kwargs):
        if state.is_world_process_zero and state.global_step == 0:  # a fresh start: a resumed run appends
            self.path.unlink(missing_ok=True)
        return control

    def on_log(self, args, state, control, logs=None, **kwargs):
        if state.is_world_process_zero and logs:
            record = {k: v for k, v in logs.items() if isinstance(v, (int, float, str))}
            with open(self.path, "a", encoding="utf-8") as f:  # one short line per write: a reader sees whole lines
                f.write(json.dumps({**record, "step": state.global_step}) + "\n")
        return control


class TaskMetric(TrainerCallback):
    """At each evaluation, generate answers for a few validation rows and add eval_<metric> to the metrics.

    The Trainer picks the best checkpoint from the same metrics dict, so `metric_for_best_model:
    eval_<metric>` makes the task metric the criterion. Register before EarlyStoppingCallback.
    """

    def __init__(self, rows: list[dict], prompts: list[list[int]], options, trackers: list = ()):
        self.rows, self.prompts, self.options, self.trackers = rows, prompts, options, list(trackers)

    def on_evaluate(self, args, state, control, metrics=None, model=None, processing_class=None, **kwargs):
        from sftflow.metrics import METRICS
        from sftflow.models.generate import generate

        was_training = model.training
        answers = generate(model, processing_class, self.prompts, self.options.max_new_tokens,
                           self.options.batch_size)
        model.train(was_training)
        key = f"eval_{self.options.metric}"
        metrics[key] = METRICS.get(self.options.metric)(self.rows, answers, self.options)["accuracy"]
        state.log_history.append({key: metrics[key], "epoch": state.epoch, "step": state.global_step})
        for tracker in self.trackers:  # the Trainer logged this evaluation before this callback ran
            tracker.on_log(args, state, control, logs={key: metrics[key]})
        return control


class AdaLoraBudget(TrainerCallback):
    """AdaLoRA reallocates ranks from the gradients after each optimizer step, before they are zeroed."""

    def on_optimizer_step(self, args, state, control, model=None, **kwargs):
        peft_model = getattr(model, "module", model)  # unwrap DDP
        peft_model.base_model.update_and_allocate(state.global_step)
        return control
