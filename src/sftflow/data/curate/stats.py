"""Dataset statistics: length histogram per split (PNG), field sizes, duplicates, truncation.

With templates and a tokenizer, lengths are the tokens training sees (the same render and
tokenize code as training), and truncation counts rows over max_length and those whose trained
tokens it would cut; without them, lengths are characters of the compared text.
"""

import io
import math
import statistics
from pathlib import Path

from sftflow.data.curate.dedup import exact_clusters
from sftflow.data.curate.filters import is_empty
from sftflow.data.curate.rows import (
    check_outputs,
    compared_by,
    field_text,
    normalize,
    read_rows,
    row_text,
    write_report,
)
from sftflow.run_dir import write_atomic

BINS = 40


def field_stats(rows: list[dict]) -> dict:
    """Per field: characters (mean/min/max over non-empty values) and how many rows have it empty or missing."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    out = {}
    for name in names:
        sizes = [len(field_text(row[name])) for row in rows if not is_empty(row.get(name))]
        out[name] = {"empty": len(rows) - len(sizes),
                     "mean_chars": round(statistics.fmean(sizes), 1) if sizes else None,
                     "min_chars": min(sizes, default=None), "max_chars": max(sizes, default=None)}
    return out


def token_lengths(splits: dict[str, list[dict]], templates, tokenizer, data_format: str, max_length: int,
                  truncation_mode: str) -> tuple[dict, dict]:
    """(lengths per split, prepare.length_stats per split): rendered and tokenized exactly as for training."""
    from datasets import Dataset

    from sftflow.data.prepare import length_stats, render_splits, tokenize_splits

    datasets = {name: Dataset.from_list(rows) for name, rows in splits.items()}
    tokenized = tokenize_splits(render_splits(datasets, templates, data_format), tokenizer, train_on_all=False)
    lengths = {name: [len(ids) for ids in split["input_ids"]] for name, split in tokenized.items()}
    return lengths, {name: length_stats(split, max_length, truncation_mode) for name, split in tokenized.items()}


def split_stats(splits: dict[str, list[dict]], *, fields: list[str] | None = None, templates=None, tokenizer=None,
                data_format: str = "conversational_prompt_completion", max_length: int = 1024,
                truncation_mode: str = "keep_start") -> tuple[dict, dict[str, list[int]]]:
    """(statistics per split, lengths per split); lengths are tokens with templates + tokenizer, else characters."""
    texts = {name: [row_text(row, i, fields, templates, missing_ok=True) for i, row in enumerate(rows)]
             for name, rows in splits.items()}
    if templates is not None and tokenizer is not None:
        lengths, truncation = token_lengths(splits, templates, tokenizer, data_format, max_length, truncation_mode)
        unit = "tokens"
    else:
        lengths, truncation, unit = {name: [len(t) for t in split] for name, split in texts.items()}, {}, "characters"
    stats = {}
    for name, rows in splits.items():
        duplicates = sum(len(c.removed) for c in exact_clusters([normalize(t) for t in texts[name]]))
        stats[name] = {"rows": len(rows), "length_unit": unit, "lengths": _summary_of(lengths[name]),
                       "exact_duplicates": duplicates, "fields": field_stats(rows)}
        if name in truncation:
            stats[name]["truncation"] = {k: truncation[name][k] for k in
                                         ("over_max_length", "lose_trained_tokens", "trained_tokens")}
    return stats, lengths


def _summary_of(lengths: list[int]) -> dict:
    ordered = sorted(lengths) or [0]
    return {"min": ordered[0], "median": int(statistics.median(ordered)),
            "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], "max": ordered[-1]}


def plot_lengths(lengths: dict[str, list[int]], unit: str, max_length: int | None) -> bytes:
    """One histogram per split on a shared x axis, max_length as a red line; PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(9, 1.2 + 2.2 * len(lengths)), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(lengths), 1, sharex=True, squeeze=False)[:, 0]
    top = max((max(v) for v in lengths.values() if v), default=1)
    right = max(top, max_length or 0) * 1.04
    width = max(1, math.ceil(right / BINS))  # whole-number bins: each bar counts a range of lengths
    bins = [width * i for i in range(math.ceil(right / width) + 1)]
    for ax, (name, values) in zip(axes, lengths.items()):
        summary = _summary_of(values)
        ax.hist(values, bins=bins, color="tab:blue", alpha=0.85)
        ax.set_title(f"{name}: {len(values)} rows, median {summary['median']}, p95 {summary['p95']}, "
                     f"max {summary['max']} {unit}", fontsize=11, loc="left")
        ax.set_ylabel("rows")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        if max_length:
            over = sum(v > max_length for v in values)
            ax.axvline(max_length, color="tab:red", ls="--", lw=1.5,
                       label=f"max_length {max_length}: {over} rows over")
            ax.axvspan(max_length, right, color="tab:red", alpha=0.06)  # the truncated zone
            ax.legend(loc="best", fontsize=9)
    axes[-1].set_xlabel(f"{unit} per row" + (" (chat template applied)" if unit == "tokens" else ""))
    axes[-1].set_xlim(0, right)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def dataset_stats(split_paths: dict[str, str | Path], report_path: str | Path, *, png_path: str | Path | None = None,
                  fields: list[str] | None = None, templates=None, tokenizer=None,
                  data_format: str = "conversational_prompt_completion", max_length: int = 1024,
                  truncation_mode: str = "keep_start") -> dict:
    """Statistics of each split file as json, the length histogram as PNG (default: beside the json)."""
    png_path = Path(png_path) if png_path else Path(report_path).with_suffix(".png")
    check_outputs(list(split_paths.values()), [report_path, png_path])
    splits = {name: read_rows(path) for name, path in split_paths.items()}
    stats, lengths = split_stats(splits, fields=fields, templates=templates, tokenizer=tokenizer,
                                 data_format=data_format, max_length=max_length, truncation_mode=truncation_mode)
    unit = next(iter(stats.values()))["length_unit"]
    png_path = Path(png_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(png_path, plot_lengths(lengths, unit, max_length if unit == "tokens" else None))
    report = {"splits_from": {name: str(p) for name, p in split_paths.items()},
              "compared": compared_by(fields, templates), "max_length": max_length if unit == "tokens" else None,
              "histogram": str(png_path), "splits": stats}
    write_report(report_path, report, format_stats(report))
    return report


def format_stats(report: dict) -> str:
    """The printed summary: one line per split, then field sizes."""
    lines = []
    for name, s in report["splits"].items():
        length, trunc = s["lengths"], s.get("truncation")
        cut = (f", over max_length {trunc['over_max_length']} (lose trained tokens: {trunc['lose_trained_tokens']})"
               if trunc else "")
        lines.append(f"{name}: {s['rows']} rows, {s['length_unit']} min {length['min']} median {length['median']} "
                     f"p95 {length['p95']} max {length['max']}, exact duplicates {s['exact_duplicates']}{cut}")
        for field, f in s["fields"].items():
            chars = ("all empty" if f["mean_chars"] is None
                     else f"chars mean {f['mean_chars']} min {f['min_chars']} max {f['max_chars']}")
            lines.append(f"    {field:<20} {chars}, empty {f['empty']}")
    lines.append(f"histogram: {report['histogram']}")
    return "\n".join(lines)
