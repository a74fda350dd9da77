"""Every shipped config parses and its training settings validate on this machine."""

from pathlib import Path

import pytest
import yaml

from sftflow.config import load_config
from sftflow.data.templates import load_templates
from sftflow.train.settings import check_settings

ROOT = Path(__file__).resolve().parents[2] / "examples"
# experiment configs; accelerate launcher files and merge recipes have their own formats
EXAMPLES = sorted(p for p in ROOT.rglob("*.yaml")
                  if p.parent.name != "accelerate" and "merge_method" not in yaml.safe_load(p.read_text()))
ACCELERATE = sorted((ROOT / "accelerate").glob("*.yaml"))


def test_examples_exist():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_config_is_valid(path):
    config = load_config(path)
    check_settings(config)
    templates = load_templates(config)
    assert {"user", "assistant"} <= set(templates.sources)


@pytest.mark.parametrize("path", ACCELERATE, ids=lambda p: p.name)
def test_shipped_accelerate_configs(path):
    config = yaml.safe_load(path.read_text())
    assert config["distributed_type"] in ("NO", "MULTI_GPU", "FSDP", "DEEPSPEED")
    assert config["num_processes"] >= 1 and config["use_cpu"] is False


def test_every_launch_mode_has_a_shipped_config():
    from sftflow.train.launch import MODES

    assert {p.stem for p in ACCELERATE} == set(MODES)
