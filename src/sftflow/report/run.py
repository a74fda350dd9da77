"""The report stage: loss curves, best checkpoint and an overfitting check for one run directory.

Writes into the run directory (each file atomically, so a crash never leaves half a report):
  report.png    training + validation loss against step (epochs on the top axis), best checkpoint marked,
                the validation minimum marked when the loss turns up after it; learning rate below
  report.html   a self-contained page: the PNG embedded as base64 and the summary as a table
  summary.txt   the summary in a few human lines
"""

import base64
import datetime
import html
import io
import json
import math
from pathlib import Path

from sftflow import run_dir as rd
from sftflow.errors import UserError

LOG_HISTORY = "log_history.json"
# a rise smaller than this is eval noise, not overfitting
UPTURN_TOLERANCE = 0.02
SIZE_INCHES, DPI = (12, 8), 100  # 1200x800 pixels


def run(config, run_dir: Path | None = None) -> dict:
    """The report stage: write report.png, report.html and summary.txt into the run directory (`run_dir`, else
    the config's; `config` may be None when `run_dir` is given) and return the summary.

    Summary keys: run_dir, run_name, base_model, status, steps, epochs, train_loss_first, train_loss_last,
    train_loss_min, train_loss_min_step, eval_loss_min, eval_loss_min_step, eval_loss_last (eval_* are None
    when no validation loss was logged), best_checkpoint (folder name like 'checkpoint-20', or None),
    best_eval_loss (eval_loss logged at that step, or None), overfit_after_step (step of the validation
    minimum when the loss later rose more than 2% above it, else None), eval_rise_pct (largest rise after
    the minimum, in percent, or None), train_runtime_s (or None), files (paths of the three files written).
    """
    run_dir = Path(run_dir) if run_dir is not None else config.output_dir()
    manifest, history = _load(run_dir)
    summary = summarize(run_dir, manifest, history)
    png = _plot(summary, history)
    files = [run_dir / "report.png", run_dir / "report.html", run_dir / "summary.txt"]
    summary["files"] = [str(f) for f in files]
    rd.write_atomic(files[0], png)
    rd.write_atomic(files[1], _html(summary, png))
    rd.write_atomic(files[2], "\n".join(f"{k}: {v}" for k, v in _rows(summary)) + "\n")
    return summary


def _load(run_dir: Path) -> tuple[dict, list[dict]]:
    if not run_dir.is_dir():
        raise UserError(f"run directory not found: {run_dir}")
    path = run_dir / LOG_HISTORY
    if not path.is_file():
        raise UserError(f"no {LOG_HISTORY} in {run_dir}: the report needs a finished (or saved) training run")
    try:
        history = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise UserError(f"not valid JSON: {e}", str(path)) from None
    if not isinstance(history, list):
        raise UserError("expected a list of logged entries (the Trainer's state.log_history)", str(path))
    # the manifest only adds names and the best checkpoint: a report from the log alone is still useful
    return rd.read_manifest(run_dir) or {}, [e for e in history if isinstance(e, dict)]


def series(history: list[dict], key: str) -> list[tuple[int, float]]:
    """(step, value) pairs for key, skipping NaN/inf so that min() and plotting stay meaningful."""
    return [(int(e["step"]), float(e[key])) for e in history
            if isinstance(e.get(key), (int, float)) and math.isfinite(e[key]) and "step" in e]


def summarize(run_dir: Path, manifest: dict, history: list[dict]) -> dict:
    train, evals = series(history, "loss"), series(history, "eval_loss")
    steps = [int(e["step"]) for e in history if "step" in e]
    epochs = [float(e["epoch"]) for e in history if isinstance(e.get("epoch"), (int, float))]
    runtime = [e["train_runtime"] for e in history if "train_runtime" in e]
    summary = {"run_dir": str(run_dir), "run_name": run_dir.resolve().name,
               "base_model": manifest.get("base_model"), "status": manifest.get("status"),
               "steps": manifest.get("global_step") or max(steps, default=0), "epochs": max(epochs, default=None),
               "train_loss_first": train[0][1] if train else None, "train_loss_last": train[-1][1] if train else None,
               "train_runtime_s": runtime[-1] if runtime else None}
    low = min(train, key=lambda p: p[1]) if train else (None, None)
    summary.update(train_loss_min=low[1], train_loss_min_step=low[0])
    summary.update(_eval_summary(evals))
    summary["best_checkpoint"] = _best_checkpoint(run_dir, manifest, summary["eval_loss_min_step"])
    best_step = _checkpoint_step(summary["best_checkpoint"])
    summary["best_eval_loss"] = next((v for s, v in evals if s == best_step), None)
    return summary


def _eval_summary(evals: list[tuple[int, float]]) -> dict:
    if not evals:
        return dict.fromkeys(("eval_loss_min", "eval_loss_min_step", "eval_loss_last", "overfit_after_step",
                              "eval_rise_pct"))
    step, low = min(evals, key=lambda p: p[1])
    later = [v for s, v in evals if s > step]
    rise = (max(later) - low) / abs(low) if later and low else 0.0
    return {"eval_loss_min": low, "eval_loss_min_step": step, "eval_loss_last": evals[-1][1],
            "overfit_after_step": step if rise > UPTURN_TOLERANCE else None,
            "eval_rise_pct": round(100 * rise, 2) if later else None}


def _best_checkpoint(run_dir: Path, manifest: dict, eval_min_step: int | None) -> str | None:
    """The manifest's best checkpoint, unless it is only the last one and the validation minimum is on disk."""
    recorded = manifest.get("best_checkpoint")
    # best_metric is set only when the Trainer tracked a metric; without it 'best' is just the last checkpoint
    if eval_min_step is not None and manifest.get("best_metric") is None:
        candidate = f"checkpoint-{eval_min_step}"
        if (run_dir / candidate).is_dir():
            return candidate
    return Path(recorded).name if recorded else None


def _checkpoint_step(name: str | None) -> int | None:
    tail = (name or "").rpartition("-")[2]
    return int(tail) if tail.isdigit() else None


def _fmt(value, digits: int = 4) -> str:
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _rows(s: dict) -> list[tuple[str, str]]:
    """The summary as (label, text) rows: shared by summary.txt and the HTML table."""
    epochs = f" ({s['epochs']:.2f} epochs)" if s["epochs"] is not None else ""
    rows = [("Run", f"{s['run_name']} ({s['status'] or 'status unknown'})"),
            ("Base model", s["base_model"] or "unknown"), ("Steps", f"{s['steps']}{epochs}")]
    if s["train_loss_first"] is None:
        rows.append(("Training loss", "no training loss logged"))
    else:
        rows.append(("Training loss", f"first {_fmt(s['train_loss_first'])}, last {_fmt(s['train_loss_last'])}, "
                     f"min {_fmt(s['train_loss_min'])} (step {s['train_loss_min_step']})"))
    rows += [("Validation loss", _eval_text(s)), ("Best checkpoint", _best_text(s))]
    if s["eval_loss_min"] is not None:
        rows.append(("Verdict", _verdict(s)))
    runtime = s["train_runtime_s"]
    rows.append(("Train runtime", str(datetime.timedelta(seconds=round(runtime))) if runtime else "unknown"))
    return rows


def _eval_text(s: dict) -> str:
    if s["eval_loss_min"] is None:
        return "no validation loss logged"
    return f"min {_fmt(s['eval_loss_min'])} at step {s['eval_loss_min_step']}, last {_fmt(s['eval_loss_last'])}"


def _best_text(s: dict) -> str:
    if s["best_checkpoint"] is None:
        return "none"
    loss = f" (eval_loss={_fmt(s['best_eval_loss'])})" if s["best_eval_loss"] is not None else ""
    return s["best_checkpoint"] + loss


def _verdict(s: dict) -> str:
    if s["overfit_after_step"] is not None:
        return (f"validation loss turned up after step {s['overfit_after_step']}: likely overfitting from there "
                f"(up to +{s['eval_rise_pct']:.1f}%)")
    if s["eval_rise_pct"] is None:
        return "validation loss was lowest at the last evaluation: no sign of overfitting yet"
    return f"validation loss stayed within {UPTURN_TOLERANCE:.0%} of its minimum: no sign of overfitting"


def _plot(s: dict, history: list[dict]) -> bytes:
    # Figure + Agg canvas directly: no pyplot global state, no display needed, safe beside other plotting code
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    loss_ax, lr_ax = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    _plot_losses(loss_ax, s, history)
    _epoch_axis(loss_ax, history)
    _plot_lr(lr_ax, history)
    model = s["base_model"] or "unknown model"
    model = model if len(model) <= 60 else "…" + model[-59:]  # long local paths would crowd the title
    fig.suptitle(f"{model}  ·  {s['run_name']}", fontsize=15)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _plot_losses(ax, s: dict, history: list[dict]) -> None:
    train, evals = series(history, "loss"), series(history, "eval_loss")
    if train:
        ax.plot(*zip(*train), color="tab:blue", lw=1.2, alpha=0.8, label="training loss")
    if evals:
        ax.plot(*zip(*evals), color="tab:orange", lw=2, marker="o", ms=4, label="validation loss")
    step = _checkpoint_step(s["best_checkpoint"])
    if step is not None:
        ax.axvline(step, color="tab:green", ls="--", lw=1.5, label=f"best: {_best_text(s)}")
    if s["overfit_after_step"] is not None:
        # the minimum is where the curves part ways; shade what follows so the upturn catches the eye
        ax.plot([s["eval_loss_min_step"]], [s["eval_loss_min"]], "r*", ms=16, zorder=5,
                label=f"validation minimum: turns up after step {s['overfit_after_step']} "
                      f"(+{s['eval_rise_pct']:.1f}%)")
        ax.axvspan(s["eval_loss_min_step"], max(p[0] for p in train + evals), color="tab:red", alpha=0.07)
    ax.set_ylabel("loss", fontsize=12)
    ax.set_xlim(left=0)  # steps start at 0; an axis starting at the first log step hides the warmup
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        # as the legend's title the note moves with the legend, clear of the curves and the best line
        ax.legend(loc="best", fontsize=11, framealpha=0.9, title=None if evals else "no validation loss logged",
                  title_fontsize=11)


def _epoch_axis(ax, history: list[dict]) -> None:
    """Epochs on the top axis; the Trainer advances epochs linearly in steps, so one ratio maps them."""
    points = [(e["step"], e["epoch"]) for e in history if e.get("step") and isinstance(e.get("epoch"), (int, float))]
    if not points or not points[-1][1]:
        return
    ratio = points[-1][1] / points[-1][0]
    top = ax.secondary_xaxis("top", functions=(lambda x: x * ratio, lambda x: x / ratio))
    top.set_xlabel("epoch", fontsize=11)


def _plot_lr(ax, history: list[dict]) -> None:
    rates = series(history, "learning_rate")
    if rates:
        ax.plot(*zip(*rates), color="tab:purple", lw=1.5)
        ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
    else:
        ax.text(0.5, 0.5, "no learning rate logged", transform=ax.transAxes, ha="center", color="gray")
    ax.set_ylabel("learning rate", fontsize=12)
    ax.set_xlabel("step", fontsize=12)
    ax.grid(alpha=0.3)


def _html(s: dict, png: bytes) -> str:
    title = html.escape(f"{s['run_name']} · {s['base_model'] or 'unknown model'}")
    table = "\n".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in _rows(s))
    image = base64.b64encode(png).decode("ascii")
    return (f"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title>\n"
            "<style>body{font-family:sans-serif;margin:2em;max-width:1250px}img{width:100%}"
            "th{text-align:left;padding-right:1.5em;vertical-align:top}td,th{padding:.2em .5em}</style>\n"
            f"</head><body>\n<h1>{title}</h1>\n<img alt=\"loss curves\" src=\"data:image/png;base64,{image}\">\n"
            f"<table>\n{table}\n</table>\n</body></html>\n")


def tracker_views(run_dir: Path, manifest: dict) -> list[str]:
    """How to open each experiment tracker's view of the run (the trackers sftflow set up, from the manifest)."""
    trackers = manifest.get("trackers") or {}
    views = {
        "tensorboard": f"TensorBoard: tensorboard --logdir {run_dir / 'tensorboard'}",
        "mlflow": f"MLflow: MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri file:{run_dir / 'mlruns'}  "
                  f"(experiment {trackers.get('project')}, run {trackers.get('mlflow_run_id')})",
        "trackio": f"trackio: trackio show --project {trackers.get('project')}  (run {trackers.get('run_name')})",
        "wandb": f"wandb (offline): wandb sync {run_dir / 'wandb'}  (run id {trackers.get('wandb_run_id')})",
    }
    return [views[name] for name in trackers.get("names", []) if name in views]
