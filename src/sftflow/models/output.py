"""A merged model folder is absent, the previous one, or complete: never half-written, never a silent overwrite.

Work happens in OUT.partial; when it is complete it replaces OUT (the previous OUT is moved aside first,
since a folder cannot be renamed onto a non-empty one). A failure removes OUT.partial and leaves OUT as it was.
"""

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from sftflow.errors import UserError

MERGE_MANIFEST = "merge_manifest.json"


def check_target(out: Path, fingerprint: str, overwrite: bool, where: str, inputs: list[Path],
                 hint: str = "set merge.overwrite: true") -> None:
    """Refuse an output folder that holds something else (unless overwrite) or that contains an input."""
    for source in inputs:
        if source == out or source.is_relative_to(out):
            raise UserError(f"the output folder {out} contains the input {source}; choose another output folder",
                            where)
    if not out.exists():
        return
    if not out.is_dir():
        raise UserError(f"the output path exists and is not a folder: {out}", where)
    if not any(out.iterdir()) or existing_fingerprint(out) == fingerprint:
        return  # empty, or the same merge again: safe to (re)write
    if not overwrite:
        raise UserError(f"{out} already holds a different model; {hint} to replace it, or choose another "
                        "output folder", where)


def existing_fingerprint(out: Path) -> str | None:
    path = out / MERGE_MANIFEST
    try:
        return json.loads(path.read_text()).get("fingerprint") if path.is_file() else None
    except (OSError, ValueError):
        return None


@contextmanager
def atomic_dir(out: Path):
    """Yield an empty OUT.partial; on success it becomes OUT, on any failure it is removed."""
    partial = out.parent / f"{out.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        yield partial
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    publish(partial, out)


def publish(partial: Path, out: Path) -> None:
    old = out.parent / f"{out.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        os.replace(out, old)
    os.replace(partial, out)
    shutil.rmtree(old, ignore_errors=True)
