"""The learning-rate range test (Smith, 2017): one short run whose rate grows exponentially from low to high, the
loss smoothed, and a rate suggested where the smoothed loss falls fastest per decade of rate, before its minimum.
Written beside the run: lr_range.json, lr_range.png and lr_range.html (the picture and the figures)."""

import base64
import html
import io
import json
import math
import time
from pathlib import Path

from sftflow import run_dir as rd
from sftflow.config import load_config
from sftflow.errors import UserError

SMOOTHING = 0.8  # exponential moving average of the loss (bias-corrected); runs are tens of steps, not thousands
DIVERGED = 4.0  # stop once the smoothed loss is this many times its minimum: the rate is past any use
SKIP = 0.1  # the first 10% of steps are not candidates: the optimizer's moments are still warming up


def schedule(low: float, high: float, steps: int):
    """The rate of optimizer step i (0-based): low at the first step, high at the last."""
    return lambda i: low * (high / low) ** (min(i, steps - 1) / max(1, steps - 1))


def callback(rate, steps: int):
    from transformers import TrainerCallback

    class RangeTest(TrainerCallback):
        """Sets each step's rate before the optimizer steps; records (rate, loss); stops once the loss diverges."""

        def __init__(self):
            self.points: list[tuple[float, float]] = []
            self.current = rate(0)

        def on_step_begin(self, args, state, control, optimizer=None, **kwargs):
            self.current = rate(state.global_step)
            for group in optimizer.param_groups:
                group["lr"] = self.current

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs and math.isfinite(logs["loss"]):
                self.points.append((self.current, float(logs["loss"])))
                smoothed = smooth([loss for _, loss in self.points])
                if len(smoothed) > steps * SKIP and smoothed[-1] > DIVERGED * min(smoothed):
                    control.should_training_stop = True
            elif logs and "loss" in logs:  # NaN or inf: diverged
                control.should_training_stop = True

    return RangeTest()


def smooth(losses: list[float], beta: float = SMOOTHING) -> list[float]:
    average, out = 0.0, []
    for i, loss in enumerate(losses, 1):
        average = beta * average + (1 - beta) * loss
        out.append(average / (1 - beta**i))
    return out


def suggest(points: list[tuple[float, float]]) -> dict:
    """The steepest descent of the smoothed loss against log10(rate), among the steps after the first SKIP and
    before the smoothed minimum; also the rate at the minimum and a tenth of it (the other common rule)."""
    if len(points) < 5:
        raise UserError(f"the range test logged {len(points)} losses; it needs at least 5 (raise --steps)")
    rates, smoothed = [r for r, _ in points], smooth([loss for _, loss in points])
    lowest = min(range(len(smoothed)), key=smoothed.__getitem__)
    start = max(1, int(len(points) * SKIP))
    slopes = {i: (smoothed[i + 1] - smoothed[i - 1]) / math.log10(rates[i + 1] / rates[i - 1])
              for i in range(start, min(lowest, len(points) - 1))}
    steepest = min(slopes, key=slopes.get) if slopes else lowest
    return {"suggested": rates[steepest], "rule": "steepest descent of the smoothed loss, before its minimum",
            "slope_per_decade": slopes.get(steepest), "minimum_at": rates[lowest],
            "minimum_over_10": rates[lowest] / 10,
            "rates": rates, "losses": [loss for _, loss in points], "smoothed": smoothed}


def range_test(config, config_path: str, root: Path, low: float, high: float, steps: int,
               overrides: dict[str, str]) -> dict:
    from sftflow.flows import train

    out = root.with_name(f"{root.name}-{time.strftime('%Y%m%d-%H%M%S')}")
    settings = {**overrides, "output_dir": str(out), "max_steps": str(steps), "learning_rate": str(high),
                "lr_scheduler_type": "constant", "warmup_steps": "0", "logging_steps": "1", "eval_strategy": "no",
                "save_strategy": "no", "report_to": "none", "load_best_model_at_end": "false"}
    trial = load_config(config_path, settings)
    test = callback(schedule(low, high, steps), steps)
    print(f"[sftflow] LR range test: {steps} steps, rate {low:.1e} -> {high:.1e} (exponential), in {out}")
    train(trial, callbacks=[test])
    result = suggest(test.points)
    result.update(low=low, high=high, steps=steps, configured=config.sft.get("learning_rate"))
    rd.write_json(out / "lr_range.json", result)
    png = plot(result)
    (out / "lr_range.png").write_bytes(png)
    rd.write_atomic(out / "lr_range.html", page(result, png))
    print(f"[sftflow] suggested learning rate {result['suggested']:.2e} ({result['rule']}); the smoothed loss is "
          f"lowest at {result['minimum_at']:.2e} (a tenth of it: {result['minimum_over_10']:.2e}); the config has "
          f"{result['configured']}\n[sftflow] picture: {out / 'lr_range.png'} and {out / 'lr_range.html'}\n"
          f"paste into the config:\nlearning_rate: {result['suggested']:.2e}")
    return result


def plot(result: dict) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(result["rates"], result["losses"], color="0.75", label="loss")
    ax.plot(result["rates"], result["smoothed"], color="C0", label=f"smoothed (EMA {SMOOTHING})")
    ax.axvline(result["suggested"], color="C2", linestyle="--", label=f"suggested {result['suggested']:.1e}")
    tenth, configured = result["minimum_over_10"], result.get("configured")
    ax.axvline(tenth, color="C1", linestyle=":", label=f"minimum / 10 {tenth:.1e}")
    if configured:
        ax.axvline(float(configured), color="C3", linestyle="-.", label=f"config {float(configured):.1e}")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("training loss")
    ax.set_title("learning-rate range test")
    ax.legend(fontsize=8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def page(result: dict, png: bytes) -> str:
    rows = "\n".join(f"<tr><td>{i}</td><td>{r:.3e}</td><td>{loss:.4f}</td><td>{s:.4f}</td></tr>"
                     for i, (r, loss, s) in enumerate(zip(result["rates"], result["losses"], result["smoothed"])))
    summary = html.escape(f"suggested learning rate {result['suggested']:.2e} ({result['rule']}); "
                          f"minimum at {result['minimum_at']:.2e}; the config has {result['configured']}")
    return (f"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>LR range test</title></head><body>\n"
            f"<h1>Learning-rate range test</h1>\n<p>{summary}</p>\n"
            f"<img alt=\"loss against learning rate\" src=\"data:image/png;base64,{base64.b64encode(png).decode()}\">\n"
            f"<table>\n<tr><th>step</th><th>rate</th><th>loss</th><th>smoothed</th></tr>\n{rows}\n</table>\n"
            f"<pre>{html.escape(json.dumps({k: result[k] for k in ('low', 'high', 'steps')}))}</pre>\n</body></html>\n")
