"""`sftflow data dedup|contamination|filter|stats CONFIG`: curation on the config's own splits.

The config decides the source, splits and templates; each command writes the splits it read (as
jsonl, so the result can be traced), its new dataset and a report into --out, never into the source.
"""

import json
from pathlib import Path

from sftflow import run_dir as rd
from sftflow.data.prepare import check_templates, load_splits
from sftflow.errors import UserError


def _splits_as_files(config, out: Path) -> tuple[dict[str, Path], object]:
    """The config's splits written to OUT/input/<split>.jsonl, and the prompt templates."""
    splits = load_splits(config)
    templates = check_templates(config, splits)
    folder = out / "input"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, split in splits.items():
        paths[name] = folder / f"{name}.jsonl"
        rd.write_atomic(paths[name], "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in split))
    return paths, templates


def _compared(fields: list[str] | None, templates):
    """Rows are compared by the named fields, else by the rendered conversation."""
    return {"fields": fields} if fields else {"templates": templates}


def dedup(config, out: Path, split: str, fields: list[str] | None, threshold: float, near: bool) -> dict:
    from sftflow.data.curate.dedup import dedup_file

    paths, templates = _splits_as_files(config, out)
    return dedup_file(paths[split], out / f"{split}.dedup.jsonl", near=near, threshold=threshold,
                      **_compared(fields, templates))


def contamination(config, out: Path, fields: list[str] | None, threshold: float, ngram: int | None,
                  drop: bool) -> dict:
    from sftflow.data.curate.contamination import check_contamination

    paths, templates = _splits_as_files(config, out)
    held = {name: paths[name] for name in ("validation", "test")}
    return check_contamination(paths["train"], held, out / "contamination.report.json", threshold=threshold,
                               ngram=ngram, clean_train_path=out / "train.clean.jsonl" if drop else None,
                               **_compared(fields, templates))


def filter_rows(config, out: Path, split: str, rules: dict, judge: dict | None = None) -> dict:
    """Rule filters, then (optionally) an LLM judge on the rows the rules kept."""
    from sftflow.data.curate.filters import filter_file

    paths, templates = _splits_as_files(config, out)
    tokenizer = None
    if rules.get("min_tokens") or rules.get("max_tokens"):
        from sftflow.models.loading import tokenizer_for

        tokenizer = tokenizer_for(config)[1]
    output = out / f"{split}.filtered.jsonl"
    if judge and not any(rules.values()):  # the judge alone: it starts from every row
        rd.write_atomic(output, paths[split].read_text(encoding="utf-8"))
        report = {"input": str(paths[split]), "output": str(output), "rules": []}
    else:
        report = filter_file(paths[split], output, templates=templates, tokenizer=tokenizer, **rules)
    if judge:
        report["judge"] = _judge(output, judge)
        rd.write_json(output.with_suffix(".report.json"), report)
    return report


def _judge(path: Path, options: dict) -> dict:
    from sftflow.data.curate.rows import read_rows
    from sftflow.data.synth import judge

    rows = read_rows(path)
    kept, report = judge(rows, options["template"], options["base_url"], options["model"], options["threshold"],
                         concurrency=options["concurrency"])
    rd.write_atomic(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in kept))
    print(f"[sftflow] judge: kept {len(kept)} of {len(rows)} rows (threshold {options['threshold']})")
    return report


def synth(config, out: Path, prompt: Path, base_url: str, model: str, per_seed: int, seeds: int | None,
          concurrency: int, validate: str) -> dict:
    """New rows from the train split's rows; OUT/synth.jsonl grows row by row and a rerun resumes it."""
    from sftflow.data.synth import sql_validator, synthesize

    if not prompt.is_file():
        raise UserError(f"prompt template not found: {prompt}", "command line")
    train = load_splits(config)["train"]
    rows = [train[i] for i in range(min(len(train), seeds or len(train)))]
    out.mkdir(parents=True, exist_ok=True)
    report = synthesize(rows, prompt.read_text(encoding="utf-8"), out / "synth.jsonl", base_url=base_url,
                        model=model, n_per_seed=per_seed, concurrency=concurrency,
                        validate=sql_validator if validate == "sql" else None)
    print(f"[sftflow] synth: {report['kept']} kept, {report['rejected']} rejected, "
          f"{report['skipped_existing']} already done, {report['errors']} endpoint errors (rerun to retry them)")
    return report


def stats(config, out: Path) -> dict:
    from sftflow.data.curate.stats import dataset_stats
    from sftflow.models.loading import tokenizer_for
    from sftflow.settings import effective

    paths, templates = _splits_as_files(config, out)
    tokenizer = tokenizer_for(config)[1]
    settings = effective(config)
    return dataset_stats(paths, out / "stats.json", png_path=out / "lengths.png", templates=templates,
                         tokenizer=tokenizer, data_format=config.workflow.fine_tuning_data_format,
                         max_length=settings.max_length, truncation_mode=settings.truncation_mode)
