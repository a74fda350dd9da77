"""Experiment trackers (`report_to`): offline by default, one tracker run per sftflow run, continued on resume.

What sftflow adds to the Trainer's own integrations:
- a tracker named in report_to that is not installed is one clear error before any model loads;
- nothing contacts a network unless the config asks: each store is local and inside the run directory
  (TensorBoard: RUN_DIR/tensorboard, MLflow: file:RUN_DIR/mlruns, wandb: offline in RUN_DIR) or trackio's
  local database, and trackio's post-training Space snapshot is off;
- the tracker run is named when training starts and recorded in the manifest (`trackers`); a resumed run
  continues that same tracker run (MLflow: its run id; trackio: its run name with resume; wandb: its run id
  with resume; TensorBoard: the same log directory), and the steps logged after the checkpoint it resumes
  from are not logged twice (TensorBoard purges them, as its `purge_step` does; MLflow and trackio skip the
  (metric, step) points they already hold: a resumed run retrains them bit for bit).
"""

import importlib.util
import os
import uuid
from pathlib import Path

from sftflow import run_dir as rd
from sftflow.errors import UserError

# report_to name -> (module that must import, pip package that provides it)
SUPPORTED = {"tensorboard": ("tensorboard", "tensorboard"), "mlflow": ("mlflow", "mlflow-skinny"),
             "trackio": ("trackio", "trackio"), "wandb": ("wandb", "wandb")}
PROJECT = "sftflow"
_SET_HERE: dict[str, str] = {}  # environment values sftflow set (a second run in the same process replaces them)


def set_default_env(key: str, value: str) -> None:
    """Set `key` unless the user set it: their own setting (a remote MLflow server, wandb online) wins."""
    if key not in os.environ or os.environ[key] == _SET_HERE.get(key):
        os.environ[key] = _SET_HERE[key] = value


def requested(report_to) -> list[str]:
    """The tracker names in a report_to value ('none', 'all', a name or a list)."""
    names = [report_to] if isinstance(report_to, str) else list(report_to or [])
    names = [str(n) for n in names if str(n) != "none"]
    if "all" in names:
        return [name for name, (module, _) in SUPPORTED.items() if importlib.util.find_spec(module)]
    return names


def check(report_to, where: str) -> list[str]:
    """The requested trackers, each known and installed; else one clear error (before any model loads)."""
    names = requested(report_to)
    for name in names:
        if name not in SUPPORTED:
            from transformers.integrations import get_available_reporting_integrations

            if name in get_available_reporting_integrations():
                continue  # another integration of the Trainer, passed through as it is
            raise UserError(f"report_to names '{name}', which is not a tracker the Trainer knows "
                            f"(sftflow sets up {', '.join(SUPPORTED)})", where)
        module, package = SUPPORTED[name]
        if importlib.util.find_spec(module) is None:
            raise UserError(f"report_to names '{name}', which is not installed: pip install {package} "
                            "(or ./setup.sh --dev)", where)
    return names


def prepare(names: list[str], sft: dict, out: Path, resume_step: int | None, main: bool) -> tuple[dict, list]:
    """(sft with report_to narrowed to the trackers the Trainer sets up itself, sftflow's tracker callbacks).
    Records the tracker runs in the manifest (main process)."""
    record = (rd.read_manifest(out) or {}).get("trackers", {}) if resume_step is not None else {}
    run_name = record.get("run_name") or f"{out.name}-{uuid.uuid4().hex[:8]}"
    sft = {**sft, "run_name": sft.get("run_name") or run_name}
    callbacks, passed = [], []
    for name in names:
        if name == "tensorboard":
            callbacks.append(tensorboard_callback(out / "tensorboard", resume_step))
        elif name == "mlflow":
            record["mlflow_run_id"] = mlflow_run(out, record.get("mlflow_run_id"), sft["run_name"])
            held = mlflow_held(record["mlflow_run_id"]) if resume_step is not None else set()
            callbacks.append(skipping(mlflow_callback_class(), held))
        elif name == "trackio":
            sft.setdefault("project", PROJECT)
            sft.setdefault("trackio_static_space_id", False)  # no Space snapshot on the Hub after training
            held = trackio_held(sft["project"], sft["run_name"]) if resume_step is not None else set()
            callbacks.append(skipping(trackio_callback_class(), held, trackio_name))
        else:
            if name == "wandb":
                offline_wandb(out, record.setdefault("wandb_run_id", uuid.uuid4().hex[:12]))
            passed.append(name)
    if main and names:
        record.update(names=names, run_name=sft["run_name"], project=sft.get("project", PROJECT))
        if resume_step is not None:
            record["resumed_from"] = resume_step
        rd.update_manifest(out, trackers=record)
    return {**sft, "report_to": passed or "none"}, callbacks


def tensorboard_callback(log_dir: Path, resume_step: int | None):
    """TensorBoard in one log directory per run; on resume, the events after the checkpoint are purged."""
    from torch.utils.tensorboard import SummaryWriter
    from transformers.integrations import TensorBoardCallback

    purge = None if resume_step is None else resume_step + 1
    return TensorBoardCallback(tb_writer=SummaryWriter(log_dir=str(log_dir), purge_step=purge))


def mlflow_run(out: Path, run_id: str | None, name: str) -> str:
    """The run's MLflow run in the local file store (created once); MLFLOW_RUN_ID makes the Trainer's
    callback log into it, now and after a resume."""
    set_default_env("MLFLOW_TRACKING_URI", f"file:{out / 'mlruns'}")
    # MLflow 3 keeps its file store, in "maintenance mode", behind this switch; its database store needs a SQL
    # stack mlflow-skinny does not bring, and a file store is what can move with the run directory
    set_default_env("MLFLOW_ALLOW_FILE_STORE", "true")
    if run_id is None:
        from mlflow import MlflowClient

        client = MlflowClient()
        experiment = client.get_experiment_by_name(PROJECT)
        experiment_id = experiment.experiment_id if experiment else client.create_experiment(PROJECT)
        run_id = client.create_run(experiment_id, run_name=name).info.run_id
    os.environ["MLFLOW_RUN_ID"] = run_id
    return run_id


def mlflow_held(run_id: str) -> set[tuple[str, int]]:
    """The (metric, step) points the MLflow run holds (what a resumed run must not log again)."""
    from mlflow import MlflowClient

    client = MlflowClient()
    keys = client.get_run(run_id).data.metrics
    return {(key, point.step) for key in keys for point in client.get_metric_history(run_id, key)}


def trackio_held(project: str, name: str) -> set[tuple[str, int]]:
    """The (metric, global step) points trackio's local database holds for the run."""
    from trackio import SQLiteStorage

    try:
        logs = SQLiteStorage.get_logs(project, name)
    except Exception:  # noqa: BLE001 - no project yet: nothing held
        return set()
    return {(key, int(entry["train/global_step"])) for entry in logs if "train/global_step" in entry
            for key in entry if key != "train/global_step"}


def trackio_name(key: str) -> str:
    """The name the Trainer's trackio callback stores a logged key under ("eval_loss" -> "eval/loss")."""
    from transformers.integrations import rewrite_logs

    return next(iter(rewrite_logs({key: 0})))


def offline_wandb(out: Path, run_id: str) -> None:
    """wandb offline in the run directory unless the environment says otherwise, resuming the same run id."""
    set_default_env("WANDB_MODE", "offline")
    set_default_env("WANDB_DIR", str(out))
    set_default_env("WANDB_PROJECT", PROJECT)
    os.environ["WANDB_RUN_ID"] = run_id
    os.environ["WANDB_RESUME"] = "allow"


def mlflow_callback_class():
    from transformers.integrations import MLflowCallback

    return MLflowCallback


def trackio_callback_class():
    from transformers.integrations import TrackioCallback

    return TrackioCallback


def skipping(callback_class, held: set[tuple[str, int]], stored=lambda key: key):
    """An instance of the Trainer's tracker callback that does not log again the (metric, step) points its store
    already holds: the interrupted run logged them, and the resumed run recomputes them bit for bit. Per metric,
    not per step: a run killed between a step's training log and its evaluation log holds the one and not the
    other. `stored(key)`: the name the tracker stores a logged key under."""

    class Continued(callback_class):
        def on_log(self, args, state, control, logs=None, **kwargs):
            if held and logs:
                logs = {k: v for k, v in logs.items() if (stored(k), state.global_step) not in held}
                if not logs:
                    return control
            return super().on_log(args, state, control, logs=logs, **kwargs)

    Continued.__name__ = callback_class.__name__
    return Continued()
