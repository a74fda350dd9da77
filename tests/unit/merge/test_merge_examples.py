"""The shipped merge examples: recipes are valid mergekit configurations, the LoRA merge config loads."""

from pathlib import Path

import pytest

from sftflow.config import load_config
from sftflow.merge.recipes import check_recipe, load_recipe, mergekit_config, model_names
from sftflow.merge.run import output_path, read_recipe

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "merge"
RECIPES = sorted(EXAMPLES.glob("*.yml"))


def test_examples_exist():
    assert {"sql_lora.yaml", "slerp.yml", "ties.yml"} <= {p.name for p in EXAMPLES.iterdir()}


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_recipe_is_a_valid_mergekit_configuration(path):
    from mergekit.config import MergeConfiguration

    recipe = load_recipe(path)
    check_recipe(recipe, str(path))
    assert read_recipe(path)
    names = model_names(recipe)
    config = MergeConfiguration.model_validate(mergekit_config(recipe, {name: name for name in names}))
    assert config.merge_method == recipe["merge_method"] and config.base_model is not None


def test_lora_merge_config_uses_the_teaching_workflow_keys():
    path = EXAMPLES / "sql_lora.yaml"
    config = load_config(path)
    assert read_recipe(path) is None
    assert config.workflow.peft_base_model_path == config.model["model_name_or_path"]
    assert config.merge.parity_check is True
    assert output_path(config, Path("runs/gemma-3-270m-sql-lora")) == Path(
        "runs/gemma-3-270m-sql-lora/merged").resolve()
