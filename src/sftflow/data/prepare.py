"""From the config to what the trainer needs: raw splits -> conversations -> (input_ids, labels)."""

import statistics

from sftflow.data import databases
from sftflow.data.sources import load_raw
from sftflow.data.splits import limit, make_splits
from sftflow.data.templates import load_templates, to_format
from sftflow.data.tokenize import end_token_ids, eos_trained, render_conversation, to_labels
from sftflow.errors import UserError

CHECK_ROWS = 8  # rows rendered per split before any model is loaded


def load_splits(config):
    """Raw rows split into train/validation/test (seeded), limited as the `data:` section says."""
    w, d = config.workflow, config.data
    splits = make_splits(load_raw(config), w.dataset_train_split, w.dataset_eval_split,
                         w.dataset_test_split, d.split_seed, config.where)
    splits = limit(splits, {"train": d.max_train_rows, "validation": d.max_eval_rows, "test": d.max_test_rows})
    return databases.attach(splits, config)


def check_templates(config, splits):
    """Render the first rows of every split now, so a template error shows before a model is loaded."""
    templates = load_templates(config)
    for split in splits.values():
        for index in range(min(CHECK_ROWS, len(split))):
            templates.render(split[index], index)
    return templates


def render_splits(splits, templates, data_format: str):
    """Every row as one TRL-format record (messages / prompt+completion / text)."""
    def render(row, index):
        return to_format(templates.render(row, index), data_format)

    return {name: split.map(render, with_indices=True, remove_columns=split.column_names,
                            keep_in_memory=True, desc=f"Rendering {name}")
            for name, split in splits.items()}


def tokenize_splits(rendered: dict, tokenizer, train_on_all: bool, num_proc: int | None = None):
    """(input_ids, labels) per row; labels are -100 outside the loss mask."""
    def tokenize(example):
        ids, mask = render_conversation(tokenizer, example, train_on_all)
        return {"input_ids": ids, "labels": to_labels(ids, mask)}

    return {name: split.map(tokenize, remove_columns=split.column_names, keep_in_memory=True,
                            num_proc=num_proc, desc=f"Tokenizing {name}")
            for name, split in rendered.items()}


def trains_on_all(config) -> bool:
    """`completion_only_loss: false` puts every token in the loss; otherwise only the replies."""
    return config.sft.get("completion_only_loss") is False


def eos_outside_loss(tokenized, tokenizer, model_path) -> tuple[int, str]:
    """(train rows whose end-of-turn token carries no loss, the end-of-turn tokens' names)."""
    end_ids = end_token_ids(tokenizer, model_path)
    missing = sum(not eos_trained(labels, end_ids) for labels in tokenized["train"]["labels"])
    return missing, ", ".join(repr(tokenizer.convert_ids_to_tokens(i)) for i in sorted(end_ids))


def check_eos(tokenized, tokenizer, model_path, allow: bool, where: str) -> int:
    """Rows of train whose end-of-turn token is outside the loss; refuse to train on them unless allowed."""
    missing, names = eos_outside_loss(tokenized, tokenizer, model_path)
    if missing and not allow:
        raise UserError(
            f"{missing} of {len(tokenized['train'])} training rows do not have the end-of-turn token ({names}) "
            "inside the loss mask, so the model would not learn to stop; fix the templates/data format or set "
            "data.allow_eos_outside_loss: true", where)
    return missing


def length_stats(split, max_length: int | None, truncation_mode: str = "keep_start") -> dict:
    """Token-length statistics of one tokenized split, and what truncation to max_length would cost."""
    lengths = [len(ids) for ids in split["input_ids"]]
    if not lengths:
        return {"rows": 0}
    ordered = sorted(lengths)
    over = [i for i, n in enumerate(lengths) if max_length and n > max_length]
    lose = sum(1 for i in over if _loses_trained(split[i]["labels"], max_length, truncation_mode))
    return {
        "rows": len(lengths), "min": ordered[0], "median": int(statistics.median(ordered)),
        "p95": p95(ordered), "max": ordered[-1],
        "over_max_length": len(over), "lose_trained_tokens": lose,
        "trained_tokens": sum(sum(label != -100 for label in labels) for labels in split["labels"]),
    }


def p95(ordered: list[int]) -> int:
    """The 95th-percentile value of a sorted, non-empty list (nearest rank below)."""
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _loses_trained(labels: list[int], max_length: int, mode: str) -> bool:
    cut = labels[max_length:] if mode == "keep_start" else labels[: len(labels) - max_length]
    return any(label != -100 for label in cut)
