import json

import pytest

from sftflow.data.sources import load_local
from sftflow.errors import UserError

ROWS = [{"q": "a", "n": 1}, {"q": "b", "n": 2}]


@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".csv", ".parquet"])
def test_local_formats(tmp_path, suffix):
    import pandas as pd

    path = tmp_path / f"data{suffix}"
    frame = pd.DataFrame(ROWS)
    {".jsonl": lambda: frame.to_json(path, orient="records", lines=True),
     ".json": lambda: path.write_text(json.dumps(ROWS)),
     ".csv": lambda: frame.to_csv(path, index=False),
     ".parquet": lambda: frame.to_parquet(path)}[suffix]()
    loaded = load_local(path)
    assert list(loaded) == ["train"] and loaded["train"]["q"] == ["a", "b"]


def test_folder_of_split_files_and_saved_dataset(tmp_path):
    (tmp_path / "train.jsonl").write_text("\n".join(json.dumps(r) for r in ROWS))
    (tmp_path / "test.jsonl").write_text(json.dumps(ROWS[0]))
    loaded = load_local(tmp_path)
    assert sorted(loaded) == ["test", "train"]
    loaded.save_to_disk(str(tmp_path / "saved"))
    assert load_local(tmp_path / "saved")["test"]["q"] == ["a"]


def test_malformed_jsonl_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"q": 1}\n{"q": \n')
    with pytest.raises(UserError, match=r"bad.jsonl: malformed JSON on line 2"):
        load_local(path)


@pytest.mark.parametrize("content", ["", "\n\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.jsonl"
    path.write_text(content)
    with pytest.raises(UserError, match="empty.jsonl: data file is empty"):
        load_local(path)


def test_unreadable_parquet(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(UserError, match="broken.parquet: cannot read data file"):
        load_local(path)
