from sftflow import run_dir as rd


def test_newest_checkpoint_skips_incomplete(tmp_path):
    for step in (2, 4, 10):
        (tmp_path / f"checkpoint-{step}").mkdir()
        (tmp_path / f"checkpoint-{step}" / "model.safetensors").write_bytes(b"x" * step)
    rd.mark_complete(tmp_path / "checkpoint-2")
    rd.mark_complete(tmp_path / "checkpoint-4")
    # checkpoint-10 was being written when the process died: no marker
    assert rd.newest_checkpoint(tmp_path) == tmp_path / "checkpoint-4"
    assert [p.name for p in rd.checkpoints(tmp_path, complete_only=False)] == [
        "checkpoint-2", "checkpoint-4", "checkpoint-10"]


def test_marker_lists_files(tmp_path):
    checkpoint = tmp_path / "checkpoint-1"
    checkpoint.mkdir()
    (checkpoint / "a.bin").write_bytes(b"abc")
    rd.mark_complete(checkpoint)
    import json

    assert json.loads((checkpoint / rd.COMPLETE_MARKER).read_text())["files"] == {"a.bin": 3}


def test_manifest_updates_keep_other_keys(tmp_path):
    rd.update_manifest(tmp_path, status="running", base_model="m")
    rd.update_manifest(tmp_path, status="completed")
    manifest = rd.read_manifest(tmp_path)
    assert manifest["status"] == "completed" and manifest["base_model"] == "m"
    assert not list(tmp_path.glob(".*tmp*"))


def test_config_hash_ignores_resume_keys():
    a = {"learning_rate": 0.1, "resume_from_checkpoint": None, "max_steps": 10}
    b = {"learning_rate": 0.1, "resume_from_checkpoint": True, "max_steps": 20}
    assert rd.config_hash(a) == rd.config_hash(b)
    assert rd.config_hash(a) != rd.config_hash({**a, "learning_rate": 0.2})
