"""Reading rows, the text a row is compared by, and writing results without ever touching the input."""

import json
from pathlib import Path

from sftflow.data.sources import LOCAL_FORMATS, _read_json_rows, read_file
from sftflow.errors import UserError
from sftflow.run_dir import write_atomic

SNIPPET_CHARS = 240  # text shown per example in reports


def read_rows(path: str | Path) -> list[dict]:
    """Rows of a local jsonl/json/csv/parquet file; json rows stay exactly as written (no Arrow typing)."""
    path = Path(path)
    if not path.is_file():
        raise UserError("data file not found", str(path))
    if LOCAL_FORMATS.get(path.suffix.lower()) == "json":
        rows = _read_json_rows(path)
        if not rows:
            raise UserError("data file is empty", str(path))
        return rows
    return read_file(path).to_list()


def normalize(text: str) -> str:
    """What 'the same text' means here: lowercase, runs of whitespace collapsed to one space."""
    return " ".join(text.lower().split())


def row_text(row: dict, index: int, fields: list[str] | None = None, templates=None,
             missing_ok: bool = False) -> str:
    """The text a row is compared by: its rendered conversation (templates) or its fields joined.

    With neither given, every field of the row in order.
    """
    if templates is not None:
        return "\n".join(f"{m['role']}: {m['content']}" for m in templates.render(row, index))
    parts = []
    for name in fields or list(row):
        if name not in row and not missing_ok:
            raise UserError(f"row {index} has no field '{name}' (it has: {', '.join(row)})")
        parts.append(field_text(row.get(name)))
    return "\n".join(parts)


def compared_by(fields: list[str] | None, templates) -> str:
    """How row_text builds the text, for reports."""
    if templates is not None:
        return f"rendered conversation ({templates.origin})"
    return "fields: " + ", ".join(fields) if fields else "all fields"


def field_text(value) -> str:
    """A field's value as text: strings as they are, None as '', anything else as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def snippet(text: str, chars: int = SNIPPET_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= chars else flat[: chars - 1] + "…"


def report_path_for(output_path: str | Path) -> Path:
    """train.dedup.jsonl -> train.dedup.report.json"""
    output_path = Path(output_path)
    return output_path.with_name(output_path.stem + ".report.json")


def check_outputs(inputs: list, outputs: list) -> None:
    """Refuse any output that is one of the inputs (or another output): inputs are never overwritten."""
    seen = {}
    for path in inputs:
        seen[_identity(path)] = f"input {path}"
    for path in outputs:
        key = _identity(path)
        if key in seen:
            raise UserError(f"output {path} is the same file as the {seen[key]}; choose a new output path")
        seen[key] = f"output {path}"


def _identity(path) -> tuple:
    path = Path(path).expanduser()
    if path.exists():
        stat = path.stat()
        return stat.st_dev, stat.st_ino  # catches hard links and symlinks, not just equal names
    return ("path", str(path.resolve()))


def write_rows(path: str | Path, rows: list[dict]) -> None:
    """rows as jsonl, written atomically; keys keep their order, so equal inputs give equal bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


def write_report(path: str | Path, report: dict, summary: str) -> None:
    """The report as json (atomically), and its short text summary printed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(summary)

