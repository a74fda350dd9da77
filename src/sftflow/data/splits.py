"""Train / validation / test splits: the named ones, and seeded carving for the missing ones."""

from sftflow.errors import UserError


def make_splits(raw, train: str, validation: str, test: str, seed: int, where: str):
    """DatasetDict with keys 'train', 'validation', 'test', following the teaching workflow's rules.

    test present, no validation: validation of the test set's size is carved out of train;
    validation present, no test: the same the other way round; neither: 90/5/5. A dataset without a train
    split (a benchmark to evaluate on) keeps the held-out splits it has; training asks for 'train' itself.
    """
    from datasets import DatasetDict

    if train not in raw:
        held = {name: raw[split] for name, split in (("validation", validation), ("test", test)) if split in raw}
        if not held:
            raise UserError(f"split '{train}' not found; the dataset has: {', '.join(raw) or 'no splits'}", where)
        return DatasetDict(held)
    base = raw[train]
    if len(base) == 0:
        raise UserError(f"split '{train}' is empty", where)
    held = {name: raw[split] for name, split in (("validation", validation), ("test", test)) if split in raw}
    missing = [name for name in ("validation", "test") if name not in held]
    if len(missing) == 2:
        size = max(1, round(0.05 * len(base)))
        base, held["validation"] = _carve(base, size, seed, where)
        base, held["test"] = _carve(base, size, seed, where)
    elif missing:
        present = "test" if missing == ["validation"] else "validation"
        base, held[missing[0]] = _carve(base, len(held[present]), seed, where)
    splits = DatasetDict(train=base, validation=held["validation"], test=held["test"])
    for name, split in splits.items():
        if len(split) == 0:
            raise UserError(f"split '{name}' is empty", where)
    return splits


def _carve(dataset, size: int, seed: int, where: str):
    if size >= len(dataset):
        raise UserError(f"cannot carve {size} held-out rows out of a training split of {len(dataset)}", where)
    parts = dataset.train_test_split(test_size=size, seed=seed, shuffle=True)
    return parts["train"], parts["test"]


def limit(splits, max_rows: dict):
    """Keep the first N rows of the splits that have a limit (for quick runs)."""
    for name, n in max_rows.items():
        if name in splits and n is not None and n < len(splits[name]):
            splits[name] = splits[name].select(range(n))
    return splits
