import json

import pytest

from sftflow.data.curate.contamination import check_contamination, find_contamination
from sftflow.data.curate.rows import normalize
from sftflow.demo.sql_data import generate_rows
from sftflow.errors import UserError

FIELDS = ["sql_prompt", "sql_context", "sql"]
LONG = ("a long free text question about the quarterly sales report that compares every region "
        "against the budget agreed with the board at the start of the year")


@pytest.fixture(scope="module")
def splits():
    """60 train rows, 20 test rows with an exact copy (test 2 = train 5) and a near copy (test 7 ~ train 9)."""
    rows = generate_rows(100, seed=5)
    train, test, validation = rows[:60], rows[60:80], rows[80:]
    test[2] = {**train[5], "sql_prompt": train[5]["sql_prompt"].upper() + "  "}
    words = train[9]["sql_prompt"].split()
    words[-1] = "please?"
    test[7] = {**train[9], "sql_prompt": " ".join(words)}
    return train, test, validation


@pytest.fixture
def files(jsonl, tmp_path, splits):
    train, test, validation = splits
    return (jsonl(tmp_path / "train.jsonl", train),
            {"validation": jsonl(tmp_path / "validation.jsonl", validation),
             "test": jsonl(tmp_path / "test.jsonl", test)})


def test_planted_exact_and_near_copies_are_found_and_nothing_else(tmp_path, files):
    train, evals = files
    report = check_contamination(train, evals, tmp_path / "report.json", fields=FIELDS)
    assert report["splits"]["validation"]["contaminated"] == 0
    test = report["splits"]["test"]
    assert (test["rows"], test["contaminated"], test["exact"], test["near"], test["indices"]) == (20, 2, 1, 1, [2, 7])
    items = [(c["index"], c["kind"], c["train_index"]) for c in report["contaminated"]]
    assert items == [(2, "exact", 5), (7, "near", 9)]
    assert report["contaminated"][1]["jaccard"] >= 0.8
    assert report["contaminated"][0]["text"].startswith(json.loads(train.read_text().splitlines()[5])["sql_prompt"]
                                                        .upper())
    assert report["clean_train"] is None


def test_cleaning_drops_the_matching_train_rows(tmp_path, files, splits):
    train, evals = files
    report = check_contamination(train, evals, tmp_path / "report.json", fields=FIELDS,
                                 clean_train_path=tmp_path / "train.clean.jsonl")
    assert report["clean_train"]["dropped"] == [5, 9]
    kept = [json.loads(line) for line in (tmp_path / "train.clean.jsonl").read_text().splitlines()]
    assert kept == [row for i, row in enumerate(splits[0]) if i not in (5, 9)]
    again = check_contamination(tmp_path / "train.clean.jsonl", evals, tmp_path / "again.json", fields=FIELDS)
    assert again["splits"]["test"]["contaminated"] == 0


def test_13_gram_overlap_finds_a_shared_passage_that_is_not_a_near_copy(splits):
    train, test, _ = splits
    train_texts = [row["sql_prompt"] for row in train]
    test_texts = [row["sql_prompt"] for row in test]
    train_texts[20] = LONG
    test_texts[11] = "in one sentence: " + " ".join(LONG.split()[3:17]) + " -- then list the top five products"
    shared = {normalize(t) for t in train_texts}
    clean = [i for i, t in enumerate(test_texts) if normalize(t) not in shared]  # generated questions repeat
    queries = [test_texts[i] for i in clean]
    found = find_contamination(train_texts, queries, near=True, ngram=13)
    assert [(clean[m.index], m.kind, m.train_index) for m in found] == [(11, "ngram", 20)]
    assert find_contamination(train_texts, queries, ngram=None) == []


def test_same_inputs_give_identical_bytes(tmp_path, files):
    train, evals = files
    paths = tmp_path / "report.json", tmp_path / "clean.jsonl"
    check_contamination(train, evals, paths[0], fields=FIELDS, ngram=13, clean_train_path=paths[1])
    first = [p.read_bytes() for p in paths]
    check_contamination(train, evals, paths[0], fields=FIELDS, ngram=13, clean_train_path=paths[1])
    assert [p.read_bytes() for p in paths] == first


def test_refuses_to_write_over_an_input(tmp_path, files):
    train, evals = files
    before = train.read_bytes()
    with pytest.raises(UserError, match="same file as the input"):
        check_contamination(train, evals, tmp_path / "r.json", fields=FIELDS, clean_train_path=train)
    with pytest.raises(UserError, match="same file as the input"):
        check_contamination(train, evals, evals["test"], fields=FIELDS)
    assert train.read_bytes() == before
