"""`sftflow data preview`: rendered examples as the model sees them, trained tokens marked, length stats."""

import sys

from sftflow.data.prepare import (
    check_templates,
    eos_outside_loss,
    length_stats,
    load_splits,
    render_splits,
    tokenize_splits,
    trains_on_all,
)
from sftflow.models.loading import tokenizer_for
from sftflow.settings import effective

GREEN, RESET = "\033[42;30m", "\033[0m"


def run(config, n: int = 3, color: bool | None = None) -> dict:
    """Print n rendered training examples and per-split token statistics; returns the statistics."""
    color = sys.stdout.isatty() if color is None else color
    splits = load_splits(config)
    templates = check_templates(config, splits)
    ref, tokenizer = tokenizer_for(config)
    rendered = render_splits(splits, templates, config.workflow.fine_tuning_data_format)
    tokenized = tokenize_splits(rendered, tokenizer, trains_on_all(config))
    for index in range(min(n, len(tokenized["train"]))):
        row = tokenized["train"][index]
        print(f"=== train example {index} ({len(row['input_ids'])} tokens, "
              f"{sum(label != -100 for label in row['labels'])} trained) ===")
        print(mark_trained(tokenizer, row["input_ids"], row["labels"], color))
    legend = "highlighted" if color else "between «guillemets»"
    print(f"Trained (loss-masked-in) tokens are {legend}.\n")
    settings = effective(config)
    max_length = settings.max_length
    stats = {name: length_stats(split, max_length, settings.truncation_mode) for name, split in tokenized.items()}
    print(format_stats(stats, max_length))
    eos_missing, names = eos_outside_loss(tokenized, tokenizer, ref.location)
    verdict = "OK" if not eos_missing else f"MISSING in {eos_missing} rows (training will refuse)"
    print(f"End-of-turn token ({names}) inside the loss mask: {verdict}")
    return {"splits": stats, "eos_missing": eos_missing}


def mark_trained(tokenizer, ids: list[int], labels: list[int], color: bool) -> str:
    """Decoded text with each run of trained tokens highlighted (or wrapped in « »)."""
    pieces, start = [], 0
    trained = [label != -100 for label in labels]
    for end in range(1, len(ids) + 1):
        if end == len(ids) or trained[end] != trained[start]:
            text = tokenizer.decode(ids[start:end])
            if trained[start]:
                text = f"{GREEN}{text}{RESET}" if color else f"«{text}»"
            pieces.append(text)
            start = end
    return "".join(pieces)


def format_stats(stats: dict, max_length: int | None) -> str:
    header = f"{'split':<12}{'rows':>7}{'min':>7}{'median':>8}{'p95':>7}{'max':>7}  >max_length  lose trained tokens"
    lines = [f"Token lengths (max_length = {max_length}):", header]
    for name, s in stats.items():
        lines.append(f"{name:<12}{s['rows']:>7}{s['min']:>7}{s['median']:>8}{s['p95']:>7}{s['max']:>7}"
                     f"  {s['over_max_length']:>11}  {s['lose_trained_tokens']:>19}")
    return "\n".join(lines)
