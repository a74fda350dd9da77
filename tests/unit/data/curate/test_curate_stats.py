import json

import pytest

from sftflow.data.curate.stats import dataset_stats
from sftflow.data.templates import PromptTemplates
from sftflow.demo.sql_data import generate_rows
from sftflow.errors import UserError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TEMPLATES = PromptTemplates({"user": "{{ sql_context }}\n\n{{ sql_prompt }}", "assistant": "{{ sql }}"}, "inline")


@pytest.fixture
def split_files(jsonl, tmp_path):
    rows = generate_rows(50, seed=9)
    train = rows[:40] + [dict(rows[2])]  # one exact duplicate
    train[7] = {**train[7], "sql_prompt": ""}  # one empty field
    return {"train": jsonl(tmp_path / "train.jsonl", train),
            "test": jsonl(tmp_path / "test.jsonl", rows[40:])}


@pytest.fixture(scope="module")
def tokenizer(tiny_model_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model_dir)


def test_token_stats_png_and_truncation(tmp_path, split_files, tokenizer):
    lengths = [len(tokenizer.apply_chat_template(TEMPLATES.render(json.loads(line), i), tokenize=True,
                                                 return_dict=True)["input_ids"])
               for i, line in enumerate(split_files["train"].read_text().splitlines())]
    max_length = sorted(lengths)[len(lengths) // 2]
    report = dataset_stats(split_files, tmp_path / "stats.json", templates=TEMPLATES, tokenizer=tokenizer,
                           max_length=max_length)
    train = report["splits"]["train"]
    assert (train["rows"], train["length_unit"], train["exact_duplicates"]) == (41, "tokens", 1)
    assert train["lengths"]["max"] == max(lengths) and train["lengths"]["min"] == min(lengths)
    assert train["truncation"]["over_max_length"] == sum(n > max_length for n in lengths)
    assert train["truncation"]["lose_trained_tokens"] == train["truncation"]["over_max_length"]  # reply is last
    assert train["fields"]["sql_prompt"]["empty"] == 1 and train["fields"]["sql"]["empty"] == 0
    assert report["splits"]["test"]["exact_duplicates"] == 0
    png = (tmp_path / "stats.png").read_bytes()
    assert png.startswith(PNG_SIGNATURE) and report["histogram"] == str(tmp_path / "stats.png")
    import matplotlib.image

    height, width, _ = matplotlib.image.imread(tmp_path / "stats.png").shape
    assert (width, height) == (900, 560)  # two panels
    assert json.loads((tmp_path / "stats.json").read_text()) == report


def test_without_tokenizer_lengths_are_characters(tmp_path, split_files):
    report = dataset_stats(split_files, tmp_path / "stats.json", fields=["sql_prompt"])
    test = report["splits"]["test"]
    assert test["length_unit"] == "characters" and "truncation" not in test and report["max_length"] is None
    assert test["lengths"]["max"] == test["fields"]["sql_prompt"]["max_chars"]
    assert (tmp_path / "stats.png").read_bytes().startswith(PNG_SIGNATURE)


def test_same_inputs_give_identical_bytes(tmp_path, split_files, tokenizer):
    outputs = tmp_path / "stats.json", tmp_path / "stats.png"
    dataset_stats(split_files, outputs[0], templates=TEMPLATES, tokenizer=tokenizer, max_length=128)
    first = [p.read_bytes() for p in outputs]
    dataset_stats(split_files, outputs[0], templates=TEMPLATES, tokenizer=tokenizer, max_length=128)
    assert [p.read_bytes() for p in outputs] == first


def test_refuses_to_write_over_a_split(tmp_path, split_files):
    with pytest.raises(UserError, match="same file as the input"):
        dataset_stats(split_files, tmp_path / "stats.json", png_path=split_files["test"])
