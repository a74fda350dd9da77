"""Where sftflow keeps its files (the cache) and finds its own (the shipped examples)."""

import os
from pathlib import Path

from sftflow.errors import UserError


def cache_root() -> Path:
    """Converted models, merged adapters, tokenized data, server logs: $SFTFLOW_CACHE or ~/.cache/sftflow."""
    return Path(os.environ.get("SFTFLOW_CACHE", Path.home() / ".cache" / "sftflow"))


def examples_dir() -> Path:
    """examples/ of a source checkout, or the copy packaged inside the wheel."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "examples", here.parent / "examples"):
        if (candidate / "text_to_sql" / "demo.yaml").is_file():
            return candidate
    raise UserError("cannot find the examples folder (reinstall sftflow)")


def resolve_local(value: str, folder: Path) -> Path | None:
    """A local path as written (relative to cwd), or relative to `folder` (the file naming it); else None."""
    for candidate in (Path(value).expanduser(), Path(folder) / value):
        if candidate.exists():
            return candidate.resolve()
    return None


def looks_like_path(name: str, suffixes: tuple[str, ...] = ()) -> bool:
    """True for a name that can only be a local path: Hub ids are 'name' or 'org/name', never './x', '/x', '~/x',
    'a/b/c' or a file name with one of `suffixes`. Such a name that does not exist is a missing file, not a Hub id."""
    return (name.startswith((".", "/", "~")) or name.count("/") > 1
            or Path(name).suffix.lower() in suffixes)


def sqlite_read_only_uri(path: str | Path, immutable: bool = True) -> str:
    """SQLite's URI for opening this exact file read-only. The path is percent-quoted (pathlib's as_uri): built
    by hand, a '#' or '?' in a file name ends the path early and SQLite opens another file, read-write."""
    return Path(path).resolve().as_uri() + "?mode=ro" + ("&immutable=1" if immutable else "")
