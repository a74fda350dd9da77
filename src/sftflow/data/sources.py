"""Load a dataset as a DatasetDict: from the Hub by name, or from local files / a saved dataset."""

import hashlib
import json
import os
from pathlib import Path

from sftflow.errors import UserError
from sftflow.paths import looks_like_path

LOCAL_FORMATS = {".jsonl": "json", ".json": "json", ".csv": "csv", ".parquet": "parquet"}


def load_raw(config):
    """The dataset named by `dataset_name` (+ `dataset_subset`), as a DatasetDict of its own splits."""
    name = config.workflow.dataset_name
    if not name:
        raise UserError("no dataset: set 'dataset_name' to a Hub id or a local file or folder", config.where)
    local = config.resolve_path(name)
    if local is not None:
        return load_local(local)
    if looks_like_path(name, tuple(LOCAL_FORMATS)):
        raise UserError(f"dataset path does not exist: {name}", config.where)
    return _load_hub(name, config.workflow.dataset_subset, config.where)


def load_local(path: Path):
    from datasets import DatasetDict, load_from_disk

    if path.is_dir():
        if (path / "dataset_dict.json").exists() or (path / "state.json").exists():
            loaded = load_from_disk(str(path))
            return loaded if isinstance(loaded, DatasetDict) else DatasetDict(train=loaded)
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in LOCAL_FORMATS)
        if not files:
            raise UserError("folder holds no jsonl/json/csv/parquet files and no saved dataset", str(path))
        by_split: dict[str, Path] = {}
        for file in files:  # train.jsonl beside train.json: one of them was dropped silently
            if file.stem in by_split:
                raise UserError(f"two files for the split '{file.stem}': {by_split[file.stem].name} and {file.name}; "
                                "keep one (or rename the other to another split)", str(path))
            by_split[file.stem] = file
        return DatasetDict({stem: read_file(file) for stem, file in by_split.items()})
    return DatasetDict(train=read_file(path))


def read_file(path: Path):
    """One local data file as a Dataset; malformed or empty files are a UserError naming the file."""
    from datasets import Dataset

    kind = LOCAL_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UserError(f"unsupported data file type '{path.suffix}' (use {', '.join(LOCAL_FORMATS)})", str(path))
    try:
        if kind == "json":
            dataset = Dataset.from_list(_read_json_rows(path))
        elif kind == "csv":
            dataset = Dataset.from_csv(str(path), keep_in_memory=True)
        else:
            dataset = Dataset.from_parquet(str(path), keep_in_memory=True)
    except UserError:
        raise
    except Exception as e:  # pyarrow/pandas raise many types for unreadable files
        raise UserError(f"cannot read data file: {type(e).__name__}: {e}", str(path)) from e
    if len(dataset) == 0:
        raise UserError("data file is empty", str(path))
    return dataset


def _read_json_rows(path: Path) -> list[dict]:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UserError(f"cannot read data file: {e.strerror}", str(path)) from e
    if data[:2] == b"\x1f\x8b":
        raise UserError("the file is gzip-compressed: decompress it first (gunzip)", str(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UserError(f"cannot read data file: not UTF-8 text (byte {e.start}): save it as UTF-8",
                        str(path)) from None
    try:
        return _parse_json_rows(path, text)
    except RecursionError:
        raise UserError("a row is nested too deeply to read", str(path)) from None


def _parse_json_rows(path: Path, text: str) -> list[dict]:
    if path.suffix.lower() == ".json" and text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as e:
            raise UserError(f"malformed JSON at line {e.lineno}: {e.msg}", str(path)) from e
    else:
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise UserError(f"malformed JSON on line {number}: {e.msg}", str(path)) from e
    if not all(isinstance(row, dict) for row in rows):
        raise UserError("every row must be a JSON object", str(path))
    return rows


def _load_hub(name: str, subset: str | None, where: str):
    from datasets import load_dataset

    _check_hub(name, where)
    try:
        return load_dataset(name, subset)
    except Exception as e:  # offline, unknown id, gated...: one message either way
        raise UserError(f"cannot load dataset '{name}' from the Hub ({type(e).__name__}: {str(e)[:200]}); "
                        "for local data give a path that exists", where) from e


def _check_hub(name: str, where: str) -> None:
    """Fail within seconds when the Hub cannot be reached (datasets would retry for a minute); with HF_HUB_OFFLINE
    or HF_DATASETS_OFFLINE set, datasets reads its own cache and needs no network."""
    if "1" in (os.environ.get("HF_HUB_OFFLINE"), os.environ.get("HF_DATASETS_OFFLINE")):
        return
    from huggingface_hub import dataset_info

    try:
        dataset_info(name, timeout=10)
    except Exception as e:  # noqa: BLE001 - offline, unknown id, gated: one message either way
        reason = str(e).splitlines()[0][:160] if str(e) else ""
        raise UserError(f"cannot reach dataset '{name}' on the Hub ({type(e).__name__}: {reason}); for local data "
                        "give a path that exists, for a cached Hub dataset set HF_DATASETS_OFFLINE=1", where) from None


def fingerprint(config) -> str:
    """sha256 of the data source: file bytes for local data; id and subset for the Hub."""
    digest = hashlib.sha256()
    local = config.resolve_path(config.workflow.dataset_name or "")
    if local is not None:
        files = sorted(p for p in local.rglob("*") if p.is_file()) if local.is_dir() else [local]
        for path in files:
            digest.update(path.name.encode())
            with open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
    else:
        digest.update(f"{config.workflow.dataset_name}:{config.workflow.dataset_subset}".encode())
    return digest.hexdigest()
