"""`sftflow merge CONFIG`: which adapter, which base, where the model goes, and the run manifest."""

import json

import pytest

from sftflow.config import load_config
from sftflow.errors import UserError
from sftflow.merge.run import output_path, run


def test_merges_the_configs_run_directory_and_records_it(fake_run):
    run_dir = fake_run()
    out = run(load_config(None, {"output_dir": str(run_dir)}))
    assert out == run_dir / "merged" and (out / "model.safetensors").is_file()
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["merged_model"] == "merged" and out.name == "merged"  # relative: the run directory can move
    assert manifest["merge_parity"]["passed"] is True
    merge = json.loads((out / "merge_manifest.json").read_text())
    assert merge["sources"]["adapter"] == str(run_dir / "final")


def test_teaching_workflow_keys_name_adapter_base_and_output(fake_run, tiny_model_dir, tmp_path):
    run_dir = fake_run()
    config = load_config(None, {"peft_peft_model_path": str(run_dir / "checkpoint-2"),
                                "peft_base_model_path": str(tiny_model_dir),
                                "peft_output_model_path": str(tmp_path / "exported"),
                                "merge.parity_check": "false"})
    assert run(config) == tmp_path / "exported"
    merge = json.loads((tmp_path / "exported" / "merge_manifest.json").read_text())
    assert merge["sources"]["adapter"] == str(run_dir / "checkpoint-2") and merge["parity"] == {"checked": False}


def test_output_folder_choices(tmp_path):
    both = load_config(None, {"merge.output_dir": "a", "peft_output_model_path": "b"})
    with pytest.raises(UserError, match="name different folders"):
        output_path(both, tmp_path)
    plain = load_config(None, {"output_dir": str(tmp_path / "run")})
    assert output_path(plain, tmp_path / "adapter") == tmp_path / "run" / "merged"


def test_nothing_to_merge_is_a_clear_error(tmp_path):
    with pytest.raises(UserError, match="nothing to merge"):
        run(load_config(None, {"output_dir": str(tmp_path / "never-trained")}))
    with pytest.raises(UserError, match="peft_peft_model_path does not exist"):
        run(load_config(None, {"peft_peft_model_path": str(tmp_path / "missing")}))


def test_capability_check_names_a_missing_task_config(tmp_path):
    import pytest

    from sftflow.errors import UserError
    from sftflow.flows import capability_check

    recipe = {"models": [{"model": "org/a"}], "evaluate": ["missing-task.yaml"]}
    with pytest.raises(UserError, match="evaluate: task config not found: missing-task.yaml"):
        capability_check(recipe, tmp_path / "recipe.yml", tmp_path / "out")
