"""Only folders this run made are ever removed: a user's OUT.old/ and OUT.partial/ beside OUT stay byte for byte,
through a successful publish, a failed one, and the clean-up of a killed run's partial folder."""

import os
import subprocess
import sys

import pytest

from sftflow.export.run import output_folder
from sftflow.models.output import STAGING_MARKER, atomic_dir


def user_folders(parent):
    for name in ("OUT.old", "OUT.partial", ".OUT.partial-1", ".OUT.old-x"):
        (parent / name).mkdir()
        (parent / name / "notes.txt").write_text(f"the user's own {name}")


def unchanged(parent):
    return all((parent / n / "notes.txt").read_text() == f"the user's own {n}"
               for n in ("OUT.old", "OUT.partial", ".OUT.partial-1", ".OUT.old-x"))


@pytest.mark.parametrize("stage", [atomic_dir, output_folder])
def test_success_replaces_out_and_leaves_the_users_folders(tmp_path, stage):
    user_folders(tmp_path)
    (tmp_path / "OUT").mkdir()
    (tmp_path / "OUT" / "model.bin").write_text("previous")
    with stage(tmp_path / "OUT") as partial:
        (partial / "model.bin").write_text("new")
    assert (tmp_path / "OUT" / "model.bin").read_text() == "new" and unchanged(tmp_path)
    assert sorted(p.name for p in (tmp_path / "OUT").iterdir()) == ["model.bin"]  # no marker left inside
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["OUT", "OUT.old", "OUT.partial", ".OUT.partial-1",
                                                                 ".OUT.old-x"])


@pytest.mark.parametrize("stage", [atomic_dir, output_folder])
def test_failure_keeps_out_and_the_users_folders(tmp_path, stage):
    user_folders(tmp_path)
    (tmp_path / "OUT").mkdir()
    (tmp_path / "OUT" / "model.bin").write_text("previous")
    with pytest.raises(RuntimeError), stage(tmp_path / "OUT") as partial:
        (partial / "half.bin").write_text("x")
        raise RuntimeError("the export failed")
    assert (tmp_path / "OUT" / "model.bin").read_text() == "previous" and unchanged(tmp_path)
    assert len(list(tmp_path.iterdir())) == 5


def test_a_killed_runs_partial_is_removed_next_time_but_not_a_lookalike(tmp_path):
    user_folders(tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    killed = tmp_path / f".OUT.partial-{dead.stdout.strip()}-abc"
    killed.mkdir()
    (killed / STAGING_MARKER).write_text(dead.stdout.strip())
    lookalike = tmp_path / f".OUT.partial-{dead.stdout.strip()}-def"  # the same name shape, no marker
    lookalike.mkdir()
    with atomic_dir(tmp_path / "OUT") as partial:
        assert os.path.basename(partial).startswith(f".OUT.partial-{os.getpid()}-")
    assert not killed.exists() and lookalike.exists() and unchanged(tmp_path)
