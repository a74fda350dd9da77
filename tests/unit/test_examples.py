"""Every shipped config parses and its training settings validate on this machine."""

from pathlib import Path

import pytest

from sftflow.config import load_config
from sftflow.data.templates import load_templates
from sftflow.train.run import check_settings

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").rglob("*.yaml"))


def test_examples_exist():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_config_is_valid(path):
    config = load_config(path)
    check_settings(config)
    templates = load_templates(config)
    assert {"user", "assistant"} <= set(templates.sources)
