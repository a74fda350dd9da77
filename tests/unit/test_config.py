import pytest
import yaml

from sftflow.config import load_config, parse_overrides
from sftflow.errors import UserError


def write(tmp_path, text: str):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    return path


def test_flat_trl_keys_workflow_keys_and_sections(tmp_path):
    config = load_config(write(tmp_path, "learning_rate: 1e-4\nlora_r: 8\nmode: evaluate\n"
                                         "dataset_name: x\neval:\n  batch_size: 4\n"))
    assert config.sft["learning_rate"] == pytest.approx(1e-4)  # YAML reads 1e-4 as a string
    assert config.model["lora_r"] == 8
    assert config.workflow.mode == "evaluate"
    assert config.eval.batch_size == 4


def test_unknown_key_names_key_file_line_and_suggests(tmp_path):
    path = write(tmp_path, "mode: train\nlearing_rate: 0.1\n")
    with pytest.raises(UserError) as error:
        load_config(path)
    message = str(error.value)
    assert "learing_rate" in message and "did you mean 'learning_rate'" in message
    assert str(path) in message and "line 2" in message


def test_unknown_key_in_section(tmp_path):
    with pytest.raises(UserError, match=r"unknown key 'eval.batchsize' \(did you mean 'eval.batch_size'\?\)"):
        load_config(write(tmp_path, "eval:\n  batchsize: 3\n"))


@pytest.mark.parametrize("text, match", [
    ("learning_rate: fast\n", "'learning_rate' expects a number, got 'fast'"),
    ("per_device_train_batch_size: 2.5x\n", "'per_device_train_batch_size' expects an integer"),
    ("packing: maybe\n", "'packing' expects true/false"),
    ("lr_scheduler_type: zigzag\n", "'lr_scheduler_type' expects one of linear, cosine"),
    ("fine_tuning_data_format: conversational\n", "must be one of .*did you mean"),
    ("eval: 3\n", "'eval' is a section"),
])
def test_bad_types_and_values(tmp_path, text, match):
    with pytest.raises(UserError, match=match):
        load_config(write(tmp_path, text))


def test_malformed_yaml_reports_line(tmp_path):
    with pytest.raises(UserError, match=r"malformed YAML: line 3"):
        load_config(write(tmp_path, "a: 1\nb: [1, 2\nc: 3\n"))


def test_missing_file(tmp_path):
    with pytest.raises(UserError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_overrides_are_typed_and_reach_sections(tmp_path):
    overrides = parse_overrides(["--learning_rate", "3e-4", "--eval.batch_size=2", "--packing", "--lora-r", "4"])
    config = load_config(write(tmp_path, "learning_rate: 0.1\n"), overrides)
    assert config.sft["learning_rate"] == pytest.approx(3e-4)
    assert config.sft["packing"] is True
    assert config.eval.batch_size == 2 and config.model["lora_r"] == 4


def test_renamed_keys_are_read_under_their_new_name(tmp_path, capsys):
    config = load_config(write(tmp_path, "warmup_ratio: 0.1\ntorch_dtype: bfloat16\n"))
    assert config.sft["warmup_steps"] == pytest.approx(0.1)
    assert config.model["dtype"] == "bfloat16"
    assert "now called 'warmup_steps'" in capsys.readouterr().out


def test_resolved_config_round_trips(tmp_path):
    config = load_config(write(tmp_path, "learning_rate: 0.1\nlora_target_modules: all-linear\n"))
    again = load_config(write(tmp_path, yaml.safe_dump(config.to_dict())))
    assert again.to_dict() == config.to_dict()


def test_resolved_config_makes_local_paths_absolute(tmp_path, monkeypatch):
    (tmp_path / "prompts").mkdir()
    config = load_config(write(tmp_path, "prompts_path: prompts\ndataset_name: org/hub-id\n"))
    monkeypatch.chdir("/")
    resolved = config.to_dict()
    assert resolved["prompts_path"] == str(tmp_path / "prompts")
    assert resolved["dataset_name"] == "org/hub-id"  # not a local path: left as written


def test_an_override_of_no_means_the_word_not_false(tmp_path):
    overrides = parse_overrides(["--eval_strategy", "no", "--packing", "false", "--save_strategy", "steps"])
    config = load_config(write(tmp_path, "eval_strategy: steps\n"), overrides)
    assert config.sft["eval_strategy"] == "no" and config.sft["packing"] is False  # true/false stay booleans


def test_at_gives_a_stage_another_run_directory_as_output_dir_would(tmp_path):
    """Config.at(run_dir): how a stage's run_dir argument is applied, a run directory's own config.yaml included
    (which otherwise stands for the folder that holds it)."""
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "config.yaml").write_text(yaml.safe_dump({"model_name_or_path": "m", "output_dir": "/old"}))
    (tmp_path / "run" / "manifest.json").write_text("{}")
    config = load_config(tmp_path / "run" / "config.yaml")
    moved = config.at(tmp_path / "elsewhere")
    assert config.output_dir() == tmp_path / "run" and moved.output_dir() == tmp_path / "elsewhere"
    assert moved.to_dict()["output_dir"] == str(tmp_path / "elsewhere") and config.sft["output_dir"] == "/old"
    assert config.at(None) is config
