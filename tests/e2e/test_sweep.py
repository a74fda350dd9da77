"""`sftflow sweep`: the LR range test, a grid of real trials on the tiny model, resuming after kill -9, bad input."""

import json
import math
import os
import signal
import subprocess
import sys
import time

import pytest

from sftflow.errors import UserError
from sftflow.sweep.lr_range import smooth, suggest
from sftflow.sweep.pareto import front
from sftflow.sweep.trials import parse_grid, parse_space


def sweep(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "sftflow", "sweep", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def test_the_suggestion_is_the_steepest_fall_before_the_minimum():
    rates = [10 ** (-6 + 5 * i / 39) for i in range(40)]  # 1e-6 .. 1e-1
    losses = [2.0 - 1.5 / (1 + math.exp(-(math.log10(r) + 3.5) * 4)) + (10 * (r - 0.01) if r > 0.01 else 0)
              for r in rates]  # falls fastest around 3e-4, then diverges past 1e-2
    result = suggest(list(zip(rates, losses)))
    assert 1e-4 < result["suggested"] < 1e-3
    assert result["suggested"] < result["minimum_at"] and result["minimum_over_10"] == result["minimum_at"] / 10
    assert smooth([1.0, 1.0, 1.0]) == pytest.approx([1.0, 1.0, 1.0])  # bias-corrected: no pull towards 0
    with pytest.raises(UserError, match="at least 5"):
        suggest([(1e-4, 1.0)] * 3)


def test_search_space_and_grid_are_read_strictly():
    assert parse_space(["learning_rate=1e-5:1e-2:log", "lora_r=4,8"]) == {
        "learning_rate": ("float", 1e-5, 1e-2, True), "lora_r": ("choice", ["4", "8"])}
    for bad in ("learning_rate=1e-2:1e-5", "learning_rate=0:1:log", "x=1:nan", "x=1:2:lin", "x", "=1,2"):
        with pytest.raises(UserError):
            parse_space([bad])
    assert parse_grid(["lora_r=4, 8"]) == {"lora_r": ["4", "8"]}
    with pytest.raises(UserError, match="twice"):
        parse_grid(["lora_r=4", "lora_r=8"])


def test_the_pareto_front_keeps_what_nothing_beats_on_both():
    rows = [{"value": 0.5, "peak_rss_gib": 1.0}, {"value": 0.6, "peak_rss_gib": 2.0},
            {"value": 0.4, "peak_rss_gib": 1.5}]
    assert front(rows, higher_is_better=True) == rows[:2]


def test_lr_range_writes_its_picture_and_a_line_to_paste(make_config, tmp_path):
    result = sweep("--lr-range", make_config(), "--steps", 10, "--lr-min", 1e-5, "--lr-max", 1.0,
                   "--out", tmp_path / "sw")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (run,) = (tmp_path / "sw").glob("lr-range-*")
    data = json.loads((run / "lr_range.json").read_text())
    assert 1e-5 <= data["suggested"] <= 1.0 and len(data["rates"]) >= 5
    assert data["rates"] == sorted(data["rates"]) and data["rates"][0] == pytest.approx(1e-5)
    assert (run / "lr_range.png").read_bytes()[:4] == b"\x89PNG"
    assert "data:image/png;base64," in (run / "lr_range.html").read_text()
    assert f"learning_rate: {data['suggested']:.2e}" in result.stdout


def test_a_grid_runs_real_trials_and_a_rerun_keeps_them(make_config, tmp_path):
    config, out = make_config(eval={}), tmp_path / "sw"  # no metric: scored by loss
    result = sweep(config, "--grid", "learning_rate=1e-3,1e-2", "--steps", 2, "--out", out)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = json.loads((out / "trials.json").read_text())
    assert sorted(r["params"]["learning_rate"] for r in rows) == ["1e-2", "1e-3"]
    assert all(r["state"] == "complete" and math.isfinite(r["value"]) and r["peak_rss_gib"] > 0 for r in rows)
    assert all(json.loads((out / r["run_dir"] / "manifest.json").read_text())["global_step"] == 2 for r in rows)
    assert "best: trial" in (out / "summary.txt").read_text()
    again = sweep(config, "--grid", "learning_rate=1e-3,1e-2", "--steps", 2, "--out", out)
    assert again.returncode == 0 and "trial 0:" not in again.stdout  # nothing trained again
    assert len(list(out.glob("trial-*.log"))) == 2


def test_kill_9_during_a_sweep_keeps_the_finished_trial_and_reruns_the_cut_one(make_config, tmp_path):
    config, out = make_config(eval={}), tmp_path / "sw"
    args = [sys.executable, "-m", "sftflow", "sweep", str(config), "--grid", "lora_r=2,4", "--steps", "2",
            "--out", str(out)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while not (out / "trial-001.log").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)  # the sweep and its trial's training process
    process.wait()
    first = (out / "trial-000" / "log_history.json").read_bytes()
    result = sweep(config, "--grid", "lora_r=2,4", "--steps", "2", "--out", out)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "trial 1 was cut off; it runs again" in result.stdout
    rows = {r["number"]: r for r in json.loads((out / "trials.json").read_text())}
    assert rows[0]["state"] == "complete" and rows[1]["state"] == "fail" and rows[2]["state"] == "complete"
    assert sorted(rows[n]["params"]["lora_r"] for n in (0, 2)) == ["2", "4"]
    assert (out / "trial-000" / "log_history.json").read_bytes() == first  # the finished trial is kept as it was


@pytest.mark.parametrize("args, fragment", [
    (["--grid", "no_such_key=1,2"], "no_such_key"),
    (["--grid", "learning_rate=fast"], "learning_rate"),
    (["--grid", "learning_rate"], "expected KEY=V1,V2"),
    (["--search", "2", "--space", "learning_rate=1:0"], "LO < HI"),
    (["--methods", "lora,magic"], "unknown method magic"),
    (["--lr-range", "--lr-min", "1", "--lr-max", "0.1"], "0 < min < max"),
    (["--lr-range", "--lr-max", "inf"], "must be finite"),
    (["--lr-range", "--lr-min", "nan"], "must be finite"),
    (["--grid", "lora_r=2,4", "--max-minutes", "-1"], "--max-minutes must be a positive number"),
    (["--grid", "lora_r=2,4", "--steps", "0"], "--steps must be at least 1"),
    (["--search", "0", "--space", "learning_rate=1e-5:1e-3"], "N >= 1"),
    (["--grid", "lora_r=2", "--space", "learning_rate=1e-5:1e-3"], "--space goes with --search"),
])
def test_bad_sweeps_are_one_line_before_anything_trains(make_config, tmp_path, capsys, args, fragment):
    """Through the CLI's own main(), in this process (a new interpreter per case cost 9 s of imports each); the
    first case also runs as a real `python -m sftflow` process."""
    from sftflow.cli import main

    code = main(["sweep", str(make_config()), *args, "--out", str(tmp_path / "sw")])
    stderr = capsys.readouterr().err
    assert code == 2 and fragment in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
    assert not (tmp_path / "sw").exists()
    if args[1] == "no_such_key=1,2":
        result = sweep(make_config(), *args, "--out", tmp_path / "sw")
        assert result.returncode == 2 and result.stderr == stderr, result.stderr
        assert not (tmp_path / "sw").exists()


def test_methods_are_compared_on_the_task_metric_with_their_memory(make_config, tmp_path):
    out = tmp_path / "sw"
    result = sweep(make_config(), "--methods", "lora,ia3", "--steps", 2, "--out", out)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = {r["params"]["method"]: r for r in json.loads((out / "trials.json").read_text())}
    assert set(rows) == {"lora", "ia3"} and all(0 <= r["value"] <= 1 and r["ci95"] for r in rows.values())
    assert 0 < rows["ia3"]["trainable_params"] < rows["lora"]["trainable_params"]  # IA3 scales, LoRA adds matrices
    assert all(r["planned_gib"] > 0 and r["peak_rss_gib"] > 0 for r in rows.values())
    assert (out / "pareto.png").read_bytes()[:4] == b"\x89PNG" and "sql_execution" in (out / "summary.txt").read_text()


def test_a_second_sweep_on_the_same_folder_is_refused_naming_the_first(make_config, tmp_path):
    import os

    from sftflow import run_dir as rd

    out = tmp_path / "sw"
    out.mkdir()
    with rd.output_lock(out, "test"):  # as a running sweep holds it
        result = sweep(make_config(), "--grid", "lora_r=2,4", "--steps", 1, "--out", out)
    assert result.returncode == 2 and f"is in use by process {os.getpid()} on " in result.stderr, result.stderr
    assert sorted(p.name for p in out.iterdir()) == []  # nothing started


def _pruning_study(earlier: list[list[float]]):
    import optuna

    study = optuna.create_study(direction="minimize", pruner=optuna.pruners.MedianPruner(n_startup_trials=2))
    for losses in earlier:
        trial = study.ask()
        for step, loss in enumerate(losses, start=1):
            trial.report(loss, step)
        study.tell(trial, losses[-1])
    return study


def test_the_watch_reports_whole_lines_and_says_when_the_median_pruner_stops_a_trial(tmp_path):
    from sftflow.sweep.trials import Watch

    study = _pruning_study([[1.0, 0.8, 0.6], [1.2, 0.9, 0.7]])
    trial = study.ask()
    watch = Watch(trial, tmp_path, ("loss", 1.0))
    assert watch() is False  # no progress file yet
    progress = tmp_path / "progress.jsonl"
    progress.write_text('{"loss": 1.1, "step": 1}\n{"learning_rate": 0.001, "step": 1}\n{"loss": 0.85, "st')
    assert watch() is False and watch.step == 1  # better than the median at step 1; the half line waits
    with open(progress, "a") as f:
        f.write('ep": 2}\n{"loss": NaN, "step": 3}\n')
    assert watch() is False and watch.step == 2 and watch.value == 0.85  # read whole once complete; NaN skipped
    with open(progress, "a") as f:
        f.write('{"loss": 3.0, "step": 3}\n')
    assert watch() is True and watch.step == 3  # 3.0 is worse than the median (0.65) of the others at step 3
    assert trial.should_prune()


def test_a_pruned_trial_training_process_is_stopped(make_config, tmp_path):
    from sftflow.sweep.trials import Stopped, Watch, child

    study = _pruning_study([[0.0] * 20, [0.0] * 20])  # earlier trials that no real loss can beat
    trial = study.ask()
    run = tmp_path / "trial"
    watch = Watch(trial, run, ("loss", 1.0))
    with pytest.raises(Stopped):
        child(["train", str(make_config(eval={}, max_steps=200))], {"output_dir": str(run), "save_strategy": "no"},
              tmp_path / "trial.log", watch)
    records = [json.loads(line) for line in (run / "progress.jsonl").read_text().splitlines()]
    assert watch.step is not None and any(r.get("step") == watch.step and "loss" in r for r in records)
    assert json.loads((run / "manifest.json").read_text()).get("global_step", 0) < 200  # stopped, not finished


def test_a_search_samples_prunes_and_records_every_trial(make_config, tmp_path):
    out, config = tmp_path / "sw", make_config(eval={})
    for n in (2, 3):  # two trials, then the same search resumed to three: the third draws a new point
        result = sweep(config, "--search", n, "--space", "learning_rate=1e-4:1e-2:log", "--steps", 3, "--out", out)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = json.loads((out / "trials.json").read_text())
    assert len(rows) == 3 and all(1e-4 <= r["params"]["learning_rate"] <= 1e-2 for r in rows)
    assert len({r["params"]["learning_rate"] for r in rows}) == 3
    assert all(r["state"] == "complete" for r in rows[:2])  # the pruner waits for two trials
    assert rows[2]["state"] in ("complete", "pruned")
    assert all((out / r["run_dir"] / "progress.jsonl").is_file() for r in rows)
