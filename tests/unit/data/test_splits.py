import pytest
from datasets import Dataset, DatasetDict

from sftflow.data.splits import make_splits
from sftflow.errors import UserError


def rows(n, tag="r"):
    return Dataset.from_list([{"id": f"{tag}{i}"} for i in range(n)])


def test_test_present_validation_carved_from_train_with_test_size():
    splits = make_splits(DatasetDict(train=rows(100), test=rows(7, "t")), "train", "validation", "test", 1, "c")
    assert (len(splits["train"]), len(splits["validation"]), len(splits["test"])) == (93, 7, 7)
    assert set(splits["validation"]["id"]).isdisjoint(splits["train"]["id"])
    assert splits["test"]["id"][0] == "t0"


def test_neither_present_is_90_5_5_and_seeded():
    a = make_splits(DatasetDict(train=rows(200)), "train", "validation", "test", 3, "c")
    b = make_splits(DatasetDict(train=rows(200)), "train", "validation", "test", 3, "c")
    c = make_splits(DatasetDict(train=rows(200)), "train", "validation", "test", 4, "c")
    assert (len(a["train"]), len(a["validation"]), len(a["test"])) == (180, 10, 10)
    assert a["test"]["id"] == b["test"]["id"] != c["test"]["id"]
    assert len(set(a["train"]["id"]) | set(a["validation"]["id"]) | set(a["test"]["id"])) == 200


def test_named_splits_are_used_as_they_are():
    raw = DatasetDict(tr=rows(10), dev=rows(3, "d"), ev=rows(2, "e"))
    splits = make_splits(raw, "tr", "dev", "ev", 0, "c")
    assert splits["validation"]["id"] == ["d0", "d1", "d2"] and len(splits["train"]) == 10


def test_missing_train_split_lists_what_exists():
    with pytest.raises(UserError, match="split 'train' not found; the dataset has: dev"):
        make_splits(DatasetDict(dev=rows(3)), "train", "validation", "test", 0, "c")


def test_a_benchmark_without_train_keeps_its_held_out_splits():
    splits = make_splits(DatasetDict(test=rows(3)), "train", "validation", "test", 0, "c")
    assert list(splits) == ["test"] and len(splits["test"]) == 3


def test_empty_split_is_an_error():
    with pytest.raises(UserError, match="split 'validation' is empty"):
        make_splits(DatasetDict(train=rows(5), validation=rows(0), test=rows(1)), "train", "validation", "test", 0, "c")
