"""`sftflow demo --recipe NAME`: every recipe's config, data writer and templates fit together."""

import pytest

from sftflow.config import load_config
from sftflow.data.prepare import check_templates, load_splits
from sftflow.demo import sql_data, sql_wide
from sftflow.demo.run import RECIPES, dev_settings
from sftflow.paths import examples_dir


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_recipe_renders_its_own_data(name, tmp_path):
    recipe = RECIPES[name]
    (sql_wide if recipe.wide else sql_data).write_splits(tmp_path / "data", n_train=8, n_test=4, seed=0)
    config = load_config(examples_dir() / "text_to_sql" / recipe.config,
                         {"dataset_name": str(tmp_path / "data"), "output_dir": str(tmp_path / "run")})
    splits = load_splits(config)
    templates = check_templates(config, splits)
    rendered = templates.render(splits["train"][0], 0, roles=("system", "user"))
    text = "\n".join(m["content"] for m in rendered)
    assert splits["train"][0]["sql_prompt"] in text
    if recipe.wide:  # the schema is in the prompt, so the model can learn to read it
        assert "CREATE TABLE" in text


def test_transfer_recipe_scores_the_whole_development_set():
    assert RECIPES["transfer"].dev_per_database is None
    assert RECIPES["quick"].dev_per_database is not None


def test_dev_settings_read_the_schema_from_each_database(tmp_path):
    settings = dev_settings(tmp_path)
    assert settings["data.database_column"] == "database"
    assert settings["prompts_path"].endswith("prompts_schema")


def test_the_command_offers_every_recipe_and_only_those():
    import argparse

    from sftflow.commands.demo import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert "{" + ",".join(RECIPES) + "}" in parser.format_usage()  # the choices, in RECIPES' order
    for name in RECIPES:
        assert parser.parse_args(["--recipe", name]).recipe == name


def test_the_expected_time_is_the_one_of_this_cpu_class():
    quick = RECIPES["quick"]
    with_bf16, avx2_only = quick.duration(True), quick.duration(False)
    assert with_bf16.startswith(f"{quick.minutes[0]} minutes") and "with bf16 instructions like this one" in with_bf16
    assert avx2_only.startswith(f"{quick.minutes[1]} minutes") and "with AVX2 and no bf16 like this one" in avx2_only
    assert f"({quick.minutes[1]} with AVX2 and no bf16;" in with_bf16
