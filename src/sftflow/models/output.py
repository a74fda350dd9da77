"""A merged model folder is absent, the previous one, or complete: never half-written, never a silent overwrite.

Work happens in a hidden .OUT.partial-PID-XXXX beside OUT, made fresh by this process (mkdtemp) and marked as
sftflow's; when it is complete it replaces OUT (the previous OUT is moved into a fresh hidden .OUT.old-XXXX
first, since a folder cannot be renamed onto a non-empty one). A failure, Ctrl-C or SIGTERM removes the partial
folder and leaves OUT as it was; one left by a SIGKILL is removed by the next merge into OUT. Nothing else is
ever removed: a user's own OUT.old/ or OUT.partial/ beside OUT stays as it is.
"""

import json
import os
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from sftflow.errors import UserError

MERGE_MANIFEST = "merge_manifest.json"
STAGING_MARKER = ".sftflow-staging"  # inside a partial folder: made by sftflow, removable once its process is gone


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
    """Yield an empty partial folder; on success it becomes OUT, on any failure or SIGTERM it is removed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(out)
    partial = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-{os.getpid()}-", dir=out.parent))
    (partial / STAGING_MARKER).write_text(str(os.getpid()))
    try:
        with terminate_as_interrupt():
            yield partial
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    (partial / STAGING_MARKER).unlink()
    publish(partial, out)


def remove_stale_partials(out: Path) -> None:
    """Partial folders of merges into OUT whose process is gone (killed with SIGKILL, or a crashed machine):
    only folders that carry sftflow's marker, whatever else matches the name."""
    for partial in out.parent.glob(f".{out.name}.partial-*"):
        try:
            pid = (partial / STAGING_MARKER).read_text().strip()
        except OSError:
            continue  # not one of ours
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(partial, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def terminate_as_interrupt():
    """SIGTERM (a `kill`, a job scheduler) raises KeyboardInterrupt here, so cleanup code runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def publish(partial: Path, out: Path) -> None:
    """Put the finished folder in OUT's place; the previous OUT goes through a fresh folder of this process."""
    if not out.exists():
        os.replace(partial, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.replace(out, old)  # onto the fresh empty folder: rename(2) replaces an empty directory
    os.replace(partial, out)
    shutil.rmtree(old, ignore_errors=True)
