"""The train stage: checks first, then TRL's SFTTrainer on pre-tokenized (input_ids, labels) data."""

import json
import os
import shutil
from pathlib import Path

from sftflow import run_dir as rd
from sftflow.data.prepare import (
    check_eos,
    check_templates,
    length_stats,
    load_splits,
    render_splits,
    tokenize_splits,
    trains_on_all,
)
from sftflow.data.preview import format_stats
from sftflow.data.sources import fingerprint
from sftflow.device import ALLOCATOR_HINT, glibc_by_default
from sftflow.errors import UserError
from sftflow.models.loading import load, tokenizer_for
from sftflow.models.lora_merge import full_model
from sftflow.settings import setting
from sftflow.train import cpu_fsdp, speed, trackers
from sftflow.train.launch import LAUNCH_MODE, LAUNCHED, LaunchOptions, before_launch
from sftflow.train.launch import launch as launch_workers
from sftflow.train.peft_setup import peft_config, total_steps
from sftflow.train.settings import Machine, resolve


def run(config, run_dir: Path | None = None, *, launch: LaunchOptions | None = None,
        train_args: list[str] | None = None, callbacks: list = ()) -> Path:
    """The train stage: train as the config says into `run_dir` (default: the config's output_dir), in worker
    processes when `launch` asks for several; returns the run directory (sftflow.flows.train reports on it).
    `callbacks`: more Trainer callbacks from the caller (the sweep's range test sets each step's rate).
    The output folder is locked for the whole run (workers of a launch run under their launcher's lock)."""
    config = config.at(run_dir)
    if os.environ.get(LAUNCHED) == "1":
        return _run(config, launch, train_args, list(callbacks))
    with rd.output_lock(config.output_dir(), config.where):
        return _run(config, launch, train_args, list(callbacks))


def _run(config, launch: LaunchOptions | None, train_args: list[str] | None, extra_callbacks: list) -> Path:
    out = config.output_dir()
    splits = load_splits(config)
    if "train" not in splits:
        raise UserError(f"split '{config.workflow.dataset_train_split}' not found; the dataset has: "
                        f"{', '.join(splits)} (fine for eval, not for training)", config.where)
    templates = check_templates(config, splits)
    resume = resume_target(out, config.sft.get("resume_from_checkpoint"), config.where)
    tracker_names = trackers.check(setting(config, "report_to"), config.where)
    if os.environ.get(LAUNCHED) != "1":  # the launcher checked already; workers would race each other
        check_output_dir(out, config, resume)
    machine = Machine.here()
    if launch is not None and launch.wanted:
        before_launch(config, launch, machine.cuda)
        if launch_workers(launch, train_args or []) != 0:
            raise UserError("training processes failed (their output is above)", config.where)
        return out
    ref, tokenizer = tokenizer_for(config)
    model_path = full_model(ref, config.where)
    data_fingerprint = fingerprint(config)  # hashes every data file: once per run
    tokenized = prepare_tokens(config, splits, templates, tokenizer, model_path, data_fingerprint)
    lengths = [len(ids) for ids in tokenized["train"]["input_ids"]]
    settings = resolve(config, machine, lengths, out, _step(resume), tracker_names)
    args = settings.args
    if settings.trained_tokens_head:
        speed.trained_tokens_head()
    if machine.main:
        for line in settings.lines():
            print(line)
        _print_batch(args)
        _warn_if_planned_oom(settings.plan, machine.cuda, config.where)
        if not machine.cuda and glibc_by_default():
            print(f"[sftflow] note: under glibc's malloc, CPU training steps slow down as a run goes on; "
                  f"{ALLOCATOR_HINT}")
        write_run_files(out, config, model_path, tokenizer, tokenized, args, templates.text_hash(), data_fingerprint)
        rd.update_manifest(out, train_dtype=settings.train_dtype)  # after CPU adjustments
    with speed.torch_threads(settings.cpu_threads):
        trainer = _train(config, settings, model_path, tokenizer, tokenized, (splits, templates), out, resume,
                         extra_callbacks, machine)
    finish(trainer, out)
    return out


def _train(config, settings, model_path: str, tokenizer, tokenized: dict, data: tuple, out: Path,
           resume: Path | None, extra_callbacks: list, machine):
    """Load the model and train it; a failure from here on is the run's: the manifest says so, and a retry may
    start over. `data`: (splits, templates)."""
    splits, templates = data
    args = settings.args
    try:
        model = load(model_path, "train", where=config.where, model_class=config.workflow.model_class,
                     kwargs=settings.load_kwargs)
        callbacks = [*training_callbacks(config, splits, templates, tokenizer, args, out, settings.tracker_callbacks),
                     *extra_callbacks]
        peft = peft_config(settings.model, config.train, total_steps(args, len(tokenized["train"])), config.where,
                           model)
        tokenized = speed.padding_free_inputs(tokenized, args)
        trainer = build_trainer(model, args, tokenizer, tokenized, peft, callbacks)
        if os.environ.get(LAUNCH_MODE) == "fsdp" and not machine.cuda:
            cpu_fsdp.enable(trainer, config.where)
        trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    except BaseException:
        if machine.main:
            rd.update_manifest(out, status="failed")
        raise
    return trainer


def prepare_tokens(config, splits, templates, tokenizer, model_path: str, data_fingerprint: str) -> dict:
    """(input_ids, labels) per split, from the tokenization cache when nothing that decides them changed."""
    from sftflow.data import token_cache

    train_on_all = trains_on_all(config)
    key = token_cache.cache_key(config, data_fingerprint, templates, tokenizer, train_on_all)
    tokenized = token_cache.load(key)
    if tokenized is not None:
        print(f"[sftflow] tokenized data: cache hit ({key}), tokenization skipped")
    else:
        rendered = render_splits(splits, templates, config.workflow.fine_tuning_data_format)
        num_proc = config.sft.get("dataset_num_proc") or _num_proc(sum(len(s) for s in splits.values()))
        tokenized = tokenize_splits(rendered, tokenizer, train_on_all, num_proc)
        token_cache.store(key, tokenized)
        print(f"[sftflow] tokenized data: cached as {key}")
    missing = check_eos(tokenized, tokenizer, model_path, config.data.allow_eos_outside_loss, config.where)
    if missing:
        print(f"[sftflow] warning: {missing} training rows do not train the end-of-turn token (allowed by config)")
    return tokenized


def _num_proc(rows: int) -> int | None:
    """Worker processes for tokenization: worth starting only for large datasets."""
    return min(os.cpu_count() or 1, 8) if rows >= 50_000 else None


def resume_target(out: Path, resume, where: str) -> Path | None:
    """None, or the checkpoint to resume: `true` means the newest *complete* checkpoint in the run directory."""
    if resume in (None, False, "", "false", "False"):
        return None
    if resume is True or str(resume).lower() == "true":
        path = rd.newest_checkpoint(out)
        if path is None:
            raise UserError(f"resume_from_checkpoint: true, but {out} holds no complete checkpoint", where)
    else:
        path = Path(resume).expanduser().resolve()
        if not path.is_dir():
            raise UserError(f"resume_from_checkpoint: no such checkpoint folder: {resume}", where)
        if not (path / rd.COMPLETE_MARKER).is_file():
            print(f"[sftflow] warning: {path} has no completeness marker; it may be partially written")
    problem = rd.checkpoint_problem(path)
    if problem:  # checked before anything is written: the run directory stays as it was
        raise UserError(f"cannot resume: {problem}; resume from another checkpoint of {path.parent}", where)
    print(f"[sftflow] resuming from {path}")
    return path


def check_output_dir(out: Path, config, resume: Path | None) -> None:
    """Refuse to mix two runs in one folder: a new run needs an empty or absent output directory."""
    if out.exists() and not out.is_dir():
        raise UserError(f"output_dir is a file, not a folder: {out}", config.where)
    if not out.exists() or not any(out.iterdir()):
        return
    manifest = rd.read_manifest(out)
    if manifest is None:
        raise UserError(f"output directory is not empty and is not an sftflow run: {out}", config.where)
    if resume is None and manifest.get("status") == "failed" and not rd.checkpoints(out, complete_only=False):
        print(f"[sftflow] {out} holds a run that failed before its first checkpoint: starting it again")
        return
    if resume is None:
        raise UserError(f"output directory already holds a run ({manifest.get('status')}): {out}; "
                        "set resume_from_checkpoint: true to continue it, or choose another output_dir", config.where)
    if manifest.get("config_hash") != rd.config_hash(config.to_dict()):
        raise UserError(f"output directory holds a run with a different config: {out}; resuming it with this "
                        "config would mix two experiments", config.where)


def training_callbacks(config, splits, templates, tokenizer, args, out: Path, tracker_callbacks: list = ()) -> list:
    """Checkpoint marking, the live log and the step clock always; the trackers; the task metric and early
    stopping when the eval: section asks."""
    from transformers import EarlyStoppingCallback

    from sftflow.device import has_cuda, machine_name
    from sftflow.train.callbacks import CheckpointMarker, LiveLog, StepClock, TaskMetric

    options = config.eval
    live = LiveLog(out)
    callbacks = [CheckpointMarker(out), live, StepClock(out, machine=machine_name(has_cuda())), *tracker_callbacks]
    evaluating = _evaluates(args)
    if (options.during_training or options.early_stopping_patience) and not evaluating:
        raise UserError("eval.during_training and eval.early_stopping_patience need eval_strategy: steps or "
                        "epoch", config.where)
    if options.during_training:
        callbacks.append(TaskMetric(*_metric_sample(config, splits["validation"], templates, tokenizer),
                                    trackers=[live, *tracker_callbacks]))
    if options.early_stopping_patience:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=options.early_stopping_patience))
    return callbacks


def _metric_sample(config, split, templates, tokenizer) -> tuple[list, list, object]:
    from sftflow.data.tokenize import prompt_ids
    from sftflow.metrics import check_options

    rows = [split[i] for i in range(min(len(split), config.eval.during_training_examples))]
    check_options(config.eval, rows, config.where)
    prompts = [prompt_ids(tokenizer, templates.render(row, i, roles=("system", "user")),
                          config.workflow.fine_tuning_data_format) for i, row in enumerate(rows)]
    return rows, prompts, config.eval


def _evaluates(args) -> bool:
    return str(getattr(args.eval_strategy, "value", args.eval_strategy)) != "no"


def build_trainer(model, args, tokenizer, tokenized: dict, peft, callbacks: list):
    from trl import SFTTrainer

    if getattr(peft, "peft_type", None) == "ADALORA":
        from sftflow.train.callbacks import AdaLoraBudget

        callbacks = [*callbacks, AdaLoraBudget()]
    return SFTTrainer(model=model, args=args, processing_class=tokenizer,
                      train_dataset=tokenized["train"],
                      eval_dataset=tokenized["validation"] if _evaluates(args) else None,
                      peft_config=peft, callbacks=callbacks)


def write_run_files(out: Path, config, model_path: str, tokenizer, tokenized: dict, args, templates_hash: str,
                    data_fingerprint: str):
    out.mkdir(parents=True, exist_ok=True)
    config_dict = config.to_dict()
    rd.write_config(out, config_dict)
    rd.write_json(out / "versions.json", rd.versions())
    stats = {name: length_stats(split, args.max_length, args.truncation_mode) for name, split in tokenized.items()}
    print(format_stats(stats, args.max_length))
    rd.write_json(out / "data.json", {"fingerprint": data_fingerprint, "templates_sha256": templates_hash,
                                       "format": config.workflow.fine_tuning_data_format, "splits": stats})
    rd.update_manifest(out, status="running", base_model=model_path, model_class=config.workflow.model_class,
                       peft=bool(config.model.get("use_peft")), chat_template_sha256=rd.chat_template_hash(tokenizer),
                       data_fingerprint=data_fingerprint, config_hash=rd.config_hash(config_dict))


def finish(trainer, out: Path) -> None:
    """Save the final model atomically, the log history, and the manifest's last/best checkpoints."""
    final, partial = out / "final", out / "final.partial"
    if trainer.is_world_process_zero():
        shutil.rmtree(partial, ignore_errors=True)
    cpu_fsdp.full_state_dict_for_saving(trainer)  # FSDP checkpoints are sharded; final/ is whole
    trainer.save_model(str(partial))  # every process: sharded models are gathered here
    if not trainer.is_world_process_zero():
        return
    shutil.rmtree(final, ignore_errors=True)
    os.replace(partial, final)
    rd.write_json(out / "log_history.json", trainer.state.log_history)
    last = rd.newest_checkpoint(out)
    best = trainer.state.best_model_checkpoint
    losses = [e["loss"] for e in trainer.state.log_history if "loss" in e]
    rd.update_manifest(out, status="completed", final_model=str(final),
                       last_checkpoint=str(last) if last else None,
                       best_checkpoint=best or (str(last) if last else None),
                       best_metric=trainer.state.best_metric, global_step=trainer.state.global_step,
                       final_train_loss=losses[-1] if losses else None)
    print(json.dumps({"final_model": str(final), "global_step": trainer.state.global_step}, indent=None))


def _warn_if_planned_oom(plan, cuda: bool, where: str) -> None:
    """The planner's verdict for this machine's GPU: a warning, never a refusal (estimates can be wrong)."""
    from sftflow.device import memory_capacity
    from sftflow.memory.fit import oom_warning

    if not cuda:
        return
    capacity, gpu = memory_capacity(True)
    warning = oom_warning(plan, capacity, gpu, where)
    if warning:
        print(f"[sftflow] warning: {warning}")


def _step(checkpoint: Path | None) -> int | None:
    """The global step a checkpoint was saved at (None: a fresh run)."""
    if checkpoint is None:
        return None
    return int(json.loads((checkpoint / "trainer_state.json").read_text()).get("global_step", 0))


def _print_batch(args) -> None:
    world = int(os.environ.get("WORLD_SIZE", "1"))  # set by the launcher in each worker
    per_device, accumulation = args.per_device_train_batch_size, args.gradient_accumulation_steps
    print(f"[sftflow] batch: {per_device} per device x {accumulation} accumulation x {world} processes "
          f"= {per_device * accumulation * world} examples per optimizer step")
