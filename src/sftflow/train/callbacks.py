"""Trainer callbacks: mark checkpoints complete once written, keep the manifest current, log as training goes."""

import json
import statistics
import time
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


class StepClock(TrainerCallback):
    """After the first few optimizer steps, print the measured time a step takes on this machine and the expected
    duration of the rest of the run, so a run's length comes from the machine it runs on, not from a figure
    measured on another CPU class. The first step (warm-up: allocations, oneDNN's kernel choice) and any interval
    holding an evaluation or a checkpoint are left out of the measure; the estimate leaves them out too.
    At a quarter, half and three quarters of the run the steps since the last line are measured again, and where
    their median moved by more than DRIFT a revised line is printed (a shared or throttled machine slows down as
    a run goes on: on a 2-core VM the transfer recipe's step went from 3.7 s to 4.9 s)."""

    REVISE_AT = (0.25, 0.5, 0.75)
    DRIFT = 0.15

    def __init__(self, out: Path, measured_steps: int = 3, clock=time.monotonic, machine: str = ""):
        self.out, self.measured_steps, self.clock, self.machine = Path(out), measured_steps, clock, machine
        self.last: float | None = None
        self.first: float | None = None
        self.intervals: list[float] = []
        self.said: float | None = None  # the step time last printed
        self.since: list[float] = []  # intervals measured after that

    def on_train_begin(self, args, state, control, **kwargs):
        self.last, self.first, self.intervals, self.said, self.since = self.clock(), None, [], None, []
        return control

    def on_step_end(self, args, state, control, **kwargs):
        now = self.clock()
        if self.first is None:
            self.first = now - self.last
        elif self.last is not None:
            self.intervals.append(now - self.last)
            if self.said is not None:
                self.since.append(now - self.last)
        self.last = now
        remaining = state.max_steps - state.global_step
        if not state.is_world_process_zero:
            return control
        if self.said is None and (len(self.intervals) >= self.measured_steps or (remaining == 0 and self.intervals)):
            self._say(self.line(remaining), self.step_time())
        elif self.said is not None and remaining > 0 and len(self.since) >= self.measured_steps and \
                state.global_step in {round(state.max_steps * share) for share in self.REVISE_AT}:
            seconds = statistics.median_high(self.since)
            if abs(seconds - self.said) > self.DRIFT * self.said:
                self._say(f"[sftflow] now {seconds:.2f} s a step (median of the last {len(self.since)} steps; "
                          f"{self.said:.2f} s before): the remaining {remaining} steps take about "
                          f"{_duration(seconds * remaining)}", seconds)
        return control

    def _say(self, line: str, seconds: float) -> None:
        from tqdm.auto import tqdm

        tqdm.write(line)  # on its own line, above the progress bar
        self.said, self.since = seconds, []
        rd.update_manifest(self.out, seconds_per_step=round(self.step_time(), 3))

    def on_evaluate(self, args, state, control, **kwargs):
        self.last = None  # the next interval holds the evaluation: not a training step's time
        return control

    def on_save(self, args, state, control, **kwargs):
        self.last = None
        return control

    def on_train_end(self, args, state, control, **kwargs):
        if self.intervals and state.is_world_process_zero:  # the manifest keeps the whole run's step time
            rd.update_manifest(self.out, seconds_per_step=round(self.step_time(), 3))
        return control

    def step_time(self) -> float:
        """The median of every measured step so far."""
        return statistics.median_high(self.intervals)  # one slowed step does not decide it

    def line(self, remaining: int) -> str:
        seconds = self.step_time()
        where = f" on {self.machine}" if self.machine else ""
        count = len(self.intervals)
        return (f"[sftflow] {seconds:.2f} s a step{where} (median of {count} step{'s' * (count != 1)} after the first, "
                f"which took {self.first:.2f} s): the remaining {remaining} steps take about "
                f"{_duration(seconds * remaining)} (evaluations and checkpoints not counted)")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


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
