"""The tracker callbacks of a resumed run skip what the tracker's store already holds, metric by metric."""

from types import SimpleNamespace

from sftflow.train.trackers import skipping, trackio_name


class Recorder:
    """Stands in for a Trainer tracker callback: keeps what it was asked to log."""

    def __init__(self):
        self.logged = []

    def on_log(self, args, state, control, logs=None, **kwargs):
        self.logged.append((state.global_step, dict(logs)))
        return control


def log(callback, step: int, logs: dict):
    return callback.on_log(None, SimpleNamespace(global_step=step), "control", logs=logs)


def test_a_step_killed_between_its_training_and_evaluation_logs_gets_its_evaluation_logged():
    held = {("loss", 11), ("eval_loss", 8), ("loss", 12)}  # killed after step 12's training log, before its eval
    callback = skipping(Recorder, held)
    assert log(callback, 12, {"loss": 0.5}) == "control"  # held: not logged twice
    log(callback, 12, {"eval_loss": 0.7, "eval_sql_execution": 0.25})
    log(callback, 13, {"loss": 0.4})
    assert callback.logged == [(12, {"eval_loss": 0.7, "eval_sql_execution": 0.25}), (13, {"loss": 0.4})]
    assert type(callback).__name__ == "Recorder"


def test_only_the_held_metrics_of_a_log_are_dropped():
    callback = skipping(Recorder, {("loss", 12)})
    log(callback, 12, {"loss": 0.5, "grad_norm": 1.0})
    assert callback.logged == [(12, {"grad_norm": 1.0})]


def test_trackio_points_are_matched_under_the_names_trackio_stores():
    assert trackio_name("eval_loss") == "eval/loss" and trackio_name("loss") == "train/loss"
    callback = skipping(Recorder, {("train/loss", 12)}, trackio_name)
    log(callback, 12, {"loss": 0.5})
    log(callback, 12, {"eval_loss": 0.7})
    assert callback.logged == [(12, {"eval_loss": 0.7})]
