"""The step clock: a run's expected duration from this machine's measured step time."""

import json
from types import SimpleNamespace

from sftflow.train.callbacks import StepClock


class Clock:
    def __init__(self, times):
        self.times = iter(times)

    def __call__(self):
        return next(self.times)


def state(step, max_steps=100):
    return SimpleNamespace(global_step=step, max_steps=max_steps, is_world_process_zero=True)


def test_the_first_step_and_an_evaluation_are_left_out(tmp_path, capsys):
    # begin at 0; step 1 ends at 30 (warm-up); step 2 at 32; an evaluation; step 3 at 100 (not counted);
    # steps 4, 5, 6 at 103, 112 (slowed by another process), 114
    clock = StepClock(tmp_path, measured_steps=4, clock=Clock([0, 30, 32, 100, 103, 112, 114, 116]), machine="CPU X")
    clock.on_train_begin(None, state(0), None)
    for step in (1, 2):
        clock.on_step_end(None, state(step), None)
    clock.on_evaluate(None, state(2), None)
    for step in (3, 4, 5):
        clock.on_step_end(None, state(step), None)
    assert capsys.readouterr().out == ""  # three measured intervals so far
    clock.on_step_end(None, state(6), None)
    line = capsys.readouterr().out
    assert clock.intervals == [2, 3, 9, 2] and clock.first == 30
    # median of [2, 2, 3, 9] taken as the upper middle: 3 s x 94 remaining steps
    assert "3.00 s a step on CPU X" in line and "first, which took 30.00 s" in line
    assert "the remaining 94 steps take about 5 min" in line
    assert json.loads((tmp_path / "manifest.json").read_text())["seconds_per_step"] == 3.0
    clock.on_step_end(None, state(7), None)
    assert capsys.readouterr().out == ""  # said once


def test_a_run_shorter_than_the_measure_says_it_at_its_end(tmp_path, capsys):
    clock = StepClock(tmp_path, clock=Clock([0, 5, 6]))
    clock.on_train_begin(None, state(0, max_steps=2), None)
    clock.on_step_end(None, state(1, max_steps=2), None)
    clock.on_step_end(None, state(2, max_steps=2), None)
    assert "1.00 s a step (median of 1 step after" in capsys.readouterr().out


def timed(step_times):
    times, now = [0.0], 0.0
    for seconds in step_times:
        now += seconds
        times.append(now)
    return Clock(times)


def test_a_run_that_slows_down_gets_a_revised_estimate_at_a_quarter_and_a_half(tmp_path, capsys):
    # 20 steps: warm-up 10 s, then 4 s steps until step 6, 5 s from step 7 on (a 25% slower machine)
    clock = StepClock(tmp_path, clock=timed([10] + [4] * 5 + [5] * 14))
    clock.on_train_begin(None, state(0, 20), None)
    lines = {}
    for step in range(1, 21):
        clock.on_step_end(None, state(step, 20), None)
        out = capsys.readouterr().out
        if out:
            lines[step] = out
    # said after 3 measured steps; revised at the half (at a quarter, step 5, one step had been measured since;
    # at three quarters, step 15, nothing had moved since the revision)
    assert sorted(lines) == [4, 10]
    assert "4.00 s a step" in lines[4]
    assert "now 5.00 s a step (median of the last 6 steps; 4.00 s before): the remaining 10 steps take about 50 s" \
        in lines[10]
    manifest = tmp_path / "manifest.json"
    assert json.loads(manifest.read_text())["seconds_per_step"] == 4.0  # the median of every step so far
    clock.on_train_end(None, state(20, 20), None)
    assert json.loads(manifest.read_text())["seconds_per_step"] == 5.0  # of the whole run: 5 s steps were most


def test_a_steady_run_is_said_once(tmp_path, capsys):
    clock = StepClock(tmp_path, clock=timed([10] + [4, 4.2, 3.9, 4.1] * 10))
    clock.on_train_begin(None, state(0, 40), None)
    for step in range(1, 41):
        clock.on_step_end(None, state(step, 40), None)
    assert capsys.readouterr().out.count("[sftflow]") == 1
