"""Short trials over config keys, kept in an Optuna study in the sweep folder (study.sqlite): a grid (Optuna's
GridSampler), a search (TPE) or a PEFT-method comparison. Each trial is an ordinary `sftflow train` run directory
(trial-NNN/) in a child process, so its peak memory is measured and a crash or kill -9 loses only that trial: a
rerun of the same command keeps the finished trials and runs the unfinished one again. Scored by the config's
eval.metric on the validation split (on eval.split when there is none), or by the validation loss, else the
training loss, when there is no metric.

A search (--search) also prunes with Optuna's median pruner: while a trial trains, the sweep reads its
progress.jsonl and reports the in-training signal (eval_<metric> when eval.during_training is on, else eval_loss
when the run evaluates, else the training loss; a loss is negated when the score is maximised), and a trial
worse than the median of the earlier trials at the same step is stopped and recorded as pruned."""

import itertools
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

from sftflow import run_dir as rd
from sftflow.config import load_config
from sftflow.errors import UserError
from sftflow.settings import setting

STORAGE = "study.sqlite"
TRIAL_SETTINGS = {"save_strategy": "no", "report_to": "none", "load_best_model_at_end": "false"}
GIB = 2**30


class TrialFailed(Exception):
    """The trial's child process failed; the study records the trial as failed and goes on."""


class Stopped(Exception):
    """The sweep stopped the trial's child process (the pruner said so)."""


def parse_grid(items: list[str]) -> dict[str, list[str]]:
    grid = {}
    for item in items:
        key, sep, values = item.partition("=")
        choices = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not key.strip() or not choices:
            raise UserError(f"--grid {item!r}: expected KEY=V1,V2,... (e.g. learning_rate=1e-4,3e-4)")
        if key.strip() in grid:
            raise UserError(f"--grid names {key.strip()} twice")
        grid[key.strip()] = choices
    return grid


def parse_space(items: list[str]) -> dict[str, tuple]:
    """KEY=LO:HI[:log] (a float range) or KEY=V1,V2 (choices)."""
    space = {}
    for item in items:
        key, sep, spec = item.partition("=")
        key = key.strip()
        if not sep or not key or not spec:
            raise UserError(f"--space {item!r}: expected KEY=LO:HI[:log] or KEY=V1,V2")
        if ":" in spec:
            parts = spec.split(":")
            try:
                low, high = float(parts[0]), float(parts[1])
            except (ValueError, IndexError):
                raise UserError(f"--space {item!r}: LO and HI must be numbers") from None
            log = parts[2:] == ["log"]
            if len(parts) > 3 or (len(parts) == 3 and not log) or not (math.isfinite(low) and math.isfinite(high)) \
                    or low >= high or (log and low <= 0):
                raise UserError(f"--space {item!r}: expected finite LO < HI (LO > 0 with :log), and only ':log' after")
            space[key] = ("float", low, high, log)
        else:
            space[key] = ("choice", [v.strip() for v in spec.split(",") if v.strip()])
    return space


class Sweep:
    def __init__(self, config, config_path: str, out: Path, overrides: dict, steps: int | None,
                 max_minutes: float | None, methods: dict):
        self.config, self.config_path, self.out = config, config_path, out
        self.overrides, self.steps, self.max_minutes, self.methods = dict(overrides), steps, max_minutes, methods
        self.metric = config.eval.metric
        if any(c in str(out.resolve()) for c in "?#%"):
            raise UserError(f"the sweep folder's path may not contain ?, # or % (its study is an SQLite URL): {out}")

    def settings(self, params: dict, trial_dir: Path) -> dict[str, str]:
        """The overrides of one trial: the user's, the trial's values, its folder and budget."""
        values = dict(self.overrides)
        for key, value in params.items():
            values.update(self.methods[value] if key == "method" else {key: str(value)})
        values.update(TRIAL_SETTINGS, output_dir=str(trial_dir))
        if self.steps:
            values["max_steps"] = str(self.steps)
        return values

    def check(self, grid: dict | None, space: dict | None) -> None:
        """Load the config with every value of the grid (the ends of each range): a bad key or value stops here."""
        probe = self.out / "trial-check"
        choices = grid or {k: ([v[1], v[2]] if v[0] == "float" else v[1]) for k, v in space.items()}
        for key, values in choices.items():
            for value in values:
                try:
                    load_config(self.config_path, self.settings({key: value}, probe))
                except UserError as e:
                    raise UserError(f"sweep value {key}={value}: {e}") from None
        from sftflow.data.prepare import load_splits

        self.split = "validation" if "validation" in load_splits(self.config) else self.config.eval.split
        if self.metric and self.split != "validation":
            print(f"[sftflow] sweep: the data has no validation split; trials are scored on '{self.split}' "
                  "(choosing settings on the split you report overstates the result)")

    def run(self, grid: dict | None, space: dict | None, n_trials: int | None) -> list[dict]:
        """One sweep per folder at a time: the same lock as a training run's output folder."""
        self.out.mkdir(parents=True, exist_ok=True)
        with rd.output_lock(self.out, "sweep"):
            return self._run(grid, space, n_trials)

    def _run(self, grid: dict | None, space: dict | None, n_trials: int | None) -> list[dict]:
        import optuna
        from optuna.trial import TrialState

        optuna.logging.set_verbosity(optuna.logging.ERROR)  # a failed trial is one line of ours
        kind = json.dumps({"grid": grid, "space": space, "metric": self.metric}, sort_keys=True)
        storage = f"sqlite:///{(self.out / STORAGE).resolve()}"
        direction = "maximize" if self.metric else "minimize"
        # stale trials are closed with a neutral sampler: the grid sampler would take a failed point as visited
        study = optuna.create_study(study_name="sweep", storage=storage, load_if_exists=True, direction=direction,
                                    sampler=optuna.samplers.RandomSampler())
        if study.user_attrs.get("kind", kind) != kind:
            raise UserError(f"{self.out} holds a different sweep ({study.user_attrs['kind']}); use another --out")
        study.set_user_attr("kind", kind)
        for stale in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):  # killed mid-trial
            study.tell(stale.number, state=TrialState.FAIL)  # this process holds the folder: nobody else runs it
            print(f"[sftflow] sweep: trial {stale.number} was cut off; it runs again (unless another trial finished "
                  "the same settings)")
        # failed and cut-off points run again (once per rerun): a grid sampler would count them as visited
        settled = [t.params for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,
                                                                                 TrialState.WAITING))]
        for failed in study.get_trials(deepcopy=False, states=(TrialState.FAIL,)):
            if failed.params and failed.params not in settled:
                study.enqueue_trial(failed.params)
                settled.append(failed.params)
        # seeded by the config's seed and the trials so far: a resumed search draws new points, not the first ones
        # again (TPE's first points are random draws from its seed)
        sampler = optuna.samplers.GridSampler(grid, seed=0) if grid else \
            optuna.samplers.TPESampler(seed=int(setting(self.config, "seed")) + len(study.trials))
        # a grid or a method comparison runs every point to the end: only a search prunes
        warmup = (self.steps or max(0, int(self.config.sft.get("max_steps") or 0))) // 4
        pruner = optuna.pruners.NopPruner() if grid else \
            optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=warmup)
        study = optuna.load_study(study_name="sweep", storage=storage, sampler=sampler, pruner=pruner)
        done = len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
        total = math.prod(len(v) for v in grid.values()) if grid else n_trials
        started = time.monotonic()

        def budget(study, trial):
            if self.max_minutes is not None and time.monotonic() - started > self.max_minutes * 60:
                print(f"[sftflow] sweep: {self.max_minutes} minutes spent; no new trial starts")
                study.stop()

        if done < total:
            print(f"[sftflow] sweep: {done} of {total} trials done; running the rest in {self.out}")
            study.optimize(lambda t: self.trial(t, grid, space), n_trials=total - done, catch=(TrialFailed,),
                           callbacks=[budget])
        rows = summary(study, self.metric)
        self.report(rows, grid)
        return rows

    def trial(self, trial, grid: dict | None, space: dict | None) -> float:
        if grid:
            params = {key: trial.suggest_categorical(key, values) for key, values in grid.items()}
        else:
            params = {key: trial.suggest_float(key, spec[1], spec[2], log=spec[3]) if spec[0] == "float"
                      else trial.suggest_categorical(key, spec[1]) for key, spec in space.items()}
        trial_dir = self.out / f"trial-{trial.number:03d}"
        values = self.settings(params, trial_dir)
        trial.set_user_attr("run_dir", trial_dir.name)
        trial.set_user_attr("planned_gib", planned_peak(self.config_path, values))
        shown = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items())
        print(f"[sftflow] sweep: trial {trial.number}: {shown}", flush=True)
        begun = time.monotonic()
        watch = None if grid else Watch(trial, trial_dir, self.signal(values))
        try:
            rss = child(["train", self.config_path], values, self.out / f"{trial_dir.name}.log", watch)
        except Stopped:
            import optuna

            trial.set_user_attr("wall_s", time.monotonic() - begun)
            print(f"[sftflow] sweep: trial {trial.number} pruned at step {watch.step} "
                  f"({watch.key} {watch.value:.4g} is worse than the median of earlier trials at that step)")
            raise optuna.TrialPruned() from None
        trial.set_user_attr("peak_rss_gib", rss / GIB)
        history = json.loads((trial_dir / "log_history.json").read_text())
        end = next((e for e in history if "train_runtime" in e), {})
        trial.set_user_attr("s_per_step", end.get("train_runtime", 0) / max(1, end.get("step", 1)))
        trial.set_user_attr("trainable_params", tensor_count(trial_dir / "final"))
        if self.metric:
            child(["eval", self.config_path], {**values, "eval.split": self.split},
                  self.out / f"{trial_dir.name}.eval.log")
            scored = json.loads(next((trial_dir / "eval").glob("*/metrics.json")).read_text())
            trial.set_user_attr("ci95", scored.get("ci95"))
            score = float(scored["accuracy"])
        else:
            losses = [e["eval_loss"] for e in history if "eval_loss" in e] or \
                [e["loss"] for e in history if "loss" in e]
            score = float(losses[-1])
        trial.set_user_attr("wall_s", time.monotonic() - begun)
        return score

    def signal(self, values: dict[str, str]) -> tuple[str, float]:
        """The in-training value a search prunes on, and its sign (the study maximises a metric)."""
        config = load_config(self.config_path, values)
        sign = -1.0 if self.metric else 1.0
        if config.eval.during_training and self.metric:
            return f"eval_{self.metric}", 1.0
        strategy = setting(config, "eval_strategy")
        if str(getattr(strategy, "value", strategy)) in ("steps", "epoch"):
            return "eval_loss", sign
        return "loss", sign

    def report(self, rows: list[dict], grid: dict | None) -> None:
        score = self.metric or "loss"
        lines = [f"{'trial':<7}{'settings':<44}{score:>16}{'ci95':>16}{'trainable':>12}{'plan GiB':>10}"
                 f"{'peak GiB':>10}{'s/step':>8}{'wall s':>8}"]
        for r in rows:
            ci = "-" if not r.get("ci95") else f"{r['ci95'][0]:.3f}-{r['ci95'][1]:.3f}"
            value = (r["state"] if r["state"] in ("pruned", "fail") else "failed") if r["value"] is None else \
                f"{r['value']:.4f}"
            value = "failed" if value == "fail" else value
            lines.append(f"{r['number']:<7}{r['settings'][:43]:<44}{value:>16}{ci:>16}"
                         f"{r.get('trainable_params') or 0:>12,}"
                         f"{r.get('planned_gib') or 0:>10.2f}{r.get('peak_rss_gib') or 0:>10.2f}"
                         f"{r.get('s_per_step') or 0:>8.2f}{r.get('wall_s') or 0:>8.0f}")
        finished = [r for r in rows if r["value"] is not None]
        if finished:
            best = (max if self.metric else min)(finished, key=lambda r: r["value"])
            lines.append(f"best: trial {best['number']} ({best['settings']}), {score} {best['value']:.4f}")
        text = "\n".join(lines)
        print(text)
        rd.write_atomic(self.out / "summary.txt", text + "\n")
        rd.write_json(self.out / "trials.json", rows)
        if grid and "method" in grid and finished:
            from sftflow.sweep.pareto import write_pareto

            files = write_pareto(self.out, finished, score)
            print(f"[sftflow] sweep: {score} against peak memory: {files[0]} and {files[1]}")
        print(f"[sftflow] sweep folder: {self.out}")


class Watch:
    """Reads a training trial's progress.jsonl as it grows, reports its signal to the trial, and says when the
    pruner wants it stopped."""

    def __init__(self, trial, trial_dir: Path, signal: tuple[str, float]):
        self.trial, self.path, (self.key, self.sign) = trial, trial_dir / rd.PROGRESS, signal
        self.offset, self.step, self.value = 0, None, None

    def __call__(self) -> bool:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                chunk = f.read()
        except FileNotFoundError:
            return False
        whole = chunk[:chunk.rfind(b"\n") + 1]  # a line still being written is read next time
        self.offset += len(whole)
        for line in whole.splitlines():
            try:
                record = json.loads(line)
                value, step = float(record[self.key]), int(record["step"])
            except (ValueError, KeyError, TypeError):
                continue  # another kind of record
            if not math.isfinite(value):
                continue
            self.step, self.value = step, value
            self.trial.report(self.sign * value, step)
            if self.trial.should_prune():
                return True
        return False


def child(verb: list[str], values: dict[str, str], log: Path, watch=None) -> int:
    """Run one sftflow verb in a child process with these overrides; its peak RSS in bytes. `watch`, called
    every second while it runs, stops it (raising Stopped) when it returns True."""
    command = [sys.executable, "-m", "sftflow", *verb, *itertools.chain.from_iterable((f"--{k}", v)
                                                                                   for k, v in values.items())]
    with open(log, "w") as f:
        process = subprocess.Popen(command, stdout=f, stderr=subprocess.STDOUT)
        try:
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG if watch else 0)
                if pid:
                    break
                if watch():
                    process.kill()
                    os.wait4(process.pid, 0)
                    raise Stopped(log)
                time.sleep(1)
        except Stopped:
            raise
        except BaseException:
            process.kill()
            process.wait()
            raise
    if status != 0:
        last = [line for line in log.read_text(errors="replace").splitlines() if line.strip()][-1:]
        print(f"[sftflow] sweep: {verb[0]} failed ({log}): {last[0] if last else 'no output'}")
        raise TrialFailed(log)
    return usage.ru_maxrss * 1024


def planned_peak(config_path: str, values: dict) -> float | None:
    """The memory planner's peak for the trial's settings, GiB (None where it cannot plan offline)."""
    from sftflow.memory.estimate import estimate
    from sftflow.memory.fit import training_plan
    from sftflow.settings import plan_request

    plan = training_plan(plan_request(load_config(config_path, values), cuda=False))
    return estimate(*plan).peak / GIB if plan else None


def tensor_count(folder: Path) -> int:
    """Numbers stored in the folder's safetensors: the adapter's (PEFT) or the whole model's (full)."""
    from safetensors import safe_open

    total = 0
    for file in folder.glob("*.safetensors"):
        with safe_open(file, "pt") as f:
            total += sum(math.prod(f.get_slice(name).get_shape()) for name in f.keys())  # noqa: SIM118 - safe_open is not iterable
    return total


def summary(study, metric: str | None) -> list[dict]:
    rows = []
    for t in study.get_trials(deepcopy=False):
        if t.state.name == "RUNNING":
            continue
        settings = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in t.params.items())
        rows.append({"number": t.number, "state": t.state.name.lower(), "settings": settings, "params": t.params,
                     "value": t.value if t.state.name == "COMPLETE" else None, **t.user_attrs})
    return rows
