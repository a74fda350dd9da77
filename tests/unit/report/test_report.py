"""The report stage on synthetic run directories: files written, numbers right, overfitting detected."""

import json
import math
from pathlib import Path

import pytest

from sftflow.errors import UserError
from sftflow.report.run import run

STEPS, STEPS_PER_EPOCH = 40, 20


def training_entries(steps: int = STEPS) -> list[dict]:
    """Logged every 2 steps: a decaying, slightly noisy loss and a warmup-then-cosine learning rate."""
    entries = []
    for step in range(2, steps + 1, 2):
        lr = 1e-3 * min(1.0, step / 6) * (0.5 + 0.5 * math.cos(math.pi * step / steps))
        loss = 0.4 + 1.8 * math.exp(-step / 8) + 0.03 * math.sin(step)
        entries.append({"loss": round(loss, 4), "grad_norm": 0.6, "learning_rate": lr,
                        "epoch": step / STEPS_PER_EPOCH, "step": step})
    return entries


def eval_entries(losses: dict[int, float]) -> list[dict]:
    return [{"eval_loss": loss, "eval_runtime": 1.5, "eval_sql_execution": 0.5, "epoch": step / STEPS_PER_EPOCH,
             "step": step} for step, loss in losses.items()]


# validation loss falls to its minimum at step 20, then rises about 15%: overfitting after step 20
OVERFIT = {5: 1.60, 10: 1.25, 15: 1.08, 20: 1.00, 25: 1.03, 30: 1.09, 35: 1.13, 40: 1.15}


def make_run(root: Path, evals: dict[int, float] | None = None, manifest: dict | None = None) -> Path:
    run_dir = root / "run-demo"
    run_dir.mkdir()
    history = sorted(training_entries() + eval_entries(evals or {}), key=lambda e: (e["step"], "eval_loss" in e))
    history.append({"train_runtime": 83.4, "train_samples_per_second": 12.0, "train_loss": 0.8, "epoch": 2.0,
                    "step": STEPS})
    for step in (10, 20, 30, 40):
        (run_dir / f"checkpoint-{step}").mkdir()
    base = {"status": "completed", "base_model": "HuggingFaceTB/SmolLM2-135M",
            "last_checkpoint": f"/x/run/checkpoint-{STEPS}", "best_checkpoint": f"/x/run/checkpoint-{STEPS}",
            "best_metric": None, "global_step": STEPS, "final_train_loss": history[-2].get("loss")}
    (run_dir / "manifest.json").write_text(json.dumps({**base, **(manifest or {})}))
    (run_dir / "log_history.json").write_text(json.dumps(history))
    return run_dir


def png_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as image:
        return image.size


def test_overfitting_run_writes_three_files(tmp_path):
    run_dir = make_run(tmp_path, OVERFIT, {"best_checkpoint": "/x/run/checkpoint-20", "best_metric": 1.0})
    summary = run(None, run_dir)
    png, page, text = run_dir / "report.png", run_dir / "report.html", run_dir / "summary.txt"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = png_size(png)
    assert width >= 800 and height >= 500
    assert "data:image/png;base64," in page.read_text()
    assert summary["eval_loss_min_step"] == 20 and summary["eval_loss_min"] == 1.0
    assert summary["overfit_after_step"] == 20 and summary["eval_rise_pct"] == pytest.approx(15.0)
    assert summary["best_checkpoint"] == "checkpoint-20" and summary["best_eval_loss"] == 1.0
    assert summary["steps"] == STEPS and summary["epochs"] == 2.0 and summary["train_runtime_s"] == 83.4
    assert summary["files"] == [str(png), str(page), str(text)]
    content = text.read_text()
    assert "min 1.0000 at step 20" in content
    assert "validation loss turned up after step 20: likely overfitting from there" in content
    assert "checkpoint-20 (eval_loss=1.0000)" in content
    assert "0:01:23" in content
    assert not list(run_dir.glob(".*tmp*"))  # atomic writes leave no temp files behind


def test_training_loss_numbers(tmp_path):
    summary = run(None, make_run(tmp_path, OVERFIT))
    losses = [e["loss"] for e in training_entries()]
    assert summary["train_loss_first"] == losses[0] and summary["train_loss_last"] == losses[-1]
    assert summary["train_loss_min"] == min(losses)


def test_small_rise_is_not_overfitting(tmp_path):
    flat = {5: 1.6, 10: 1.2, 20: 1.00, 30: 1.01, 40: 1.015}  # +1.5%: noise
    summary = run(None, make_run(tmp_path, flat))
    assert summary["overfit_after_step"] is None
    assert "no sign of overfitting" in (tmp_path / "run-demo" / "summary.txt").read_text()


def test_best_checkpoint_falls_back_to_validation_minimum_on_disk(tmp_path):
    # no best_metric: the Trainer tracked nothing, so the manifest's 'best' is merely the last checkpoint
    summary = run(None, make_run(tmp_path, OVERFIT))
    assert summary["best_checkpoint"] == "checkpoint-20"


def test_run_without_validation_loss(tmp_path):
    run_dir = make_run(tmp_path)
    summary = run(None, run_dir)
    assert summary["eval_loss_min"] is None and summary["overfit_after_step"] is None
    assert summary["best_checkpoint"] == f"checkpoint-{STEPS}" and summary["best_eval_loss"] is None
    assert "no validation loss logged" in (run_dir / "summary.txt").read_text()
    assert (run_dir / "report.png").read_bytes()[:4] == b"\x89PNG"
    assert "data:image/png;base64," in (run_dir / "report.html").read_text()


def test_html_escapes_text(tmp_path):
    run_dir = make_run(tmp_path, OVERFIT, {"base_model": "<script>alert(1)</script>"})
    run(None, run_dir)
    page = (run_dir / "report.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_missing_log_history_is_a_user_error(tmp_path):
    run_dir = make_run(tmp_path, OVERFIT)
    (run_dir / "log_history.json").unlink()
    with pytest.raises(UserError, match="log_history.json") as error:
        run(None, run_dir)
    assert str(run_dir) in str(error.value)


def test_missing_run_dir_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="run directory not found") as error:
        run(None, tmp_path / "nope")
    assert str(tmp_path / "nope") in str(error.value)


def test_malformed_log_history_is_a_user_error(tmp_path):
    run_dir = make_run(tmp_path, OVERFIT)
    (run_dir / "log_history.json").write_text("{not json")
    with pytest.raises(UserError, match="not valid JSON"):
        run(None, run_dir)
