"""The run's prompt as parts a page fills in: the same messages the templates render for a row."""

import pytest

from sftflow.config import load_config
from sftflow.data.templates import load_templates
from sftflow.errors import UserError
from sftflow.export.prompt import page_prompt, split_parts, static_system


def fill(parts, row) -> str:
    return "".join(part["text"] if "text" in part else row[part["field"]] for part in parts).strip()


def test_parts_reproduce_the_rendered_messages_of_real_rows(make_config, sql_rows):
    config = load_config(make_config())
    prompt = page_prompt(config)
    assert prompt.fields == ["sql_context", "sql_prompt"]
    assert prompt.system == [{"text": "Answer with one SQLite query in a ```sql block."}]
    assert prompt.max_new_tokens == config.eval.max_new_tokens
    templates = load_templates(config)
    for i, row in enumerate(sql_rows[:20]):
        system, user = templates.render(row, i, roles=("system", "user"))
        assert fill(prompt.system, row) == system["content"]
        assert fill(prompt.user, row) == user["content"]


def test_split_parts_keeps_text_between_and_around_fields():
    marked = "A\ue000x\ue001 and \ue000y\ue001\ue000x\ue001."
    assert split_parts(marked) == [{"text": "A"}, {"field": "x"}, {"text": " and "}, {"field": "y"},
                                   {"field": "x"}, {"text": "."}]


def test_a_filter_that_changes_a_column_is_refused(make_config):
    config = load_config(make_config(data={"user_template": "{{ sql_context }}\n{{ sql_prompt | upper }}"}))
    with pytest.raises(UserError, match="change the value of sql_prompt with a filter"):
        page_prompt(config)


def test_a_template_reading_row_is_refused(make_config):
    config = load_config(make_config(data={"user_template": "{{ row['sql_prompt'] }}"}))
    with pytest.raises(UserError, match="reads `row`"):
        page_prompt(config)


def test_no_config_is_one_message_box():
    prompt = page_prompt(None)
    assert prompt.user == [{"field": "message"}] and prompt.system is None


def test_static_system_prompt_for_the_modelfile(make_config):
    assert static_system(load_config(make_config())) == "Answer with one SQLite query in a ```sql block."
    per_row = load_config(make_config(data={"system_template": "Tables: {{ sql_context }}"}))
    assert static_system(per_row) is None
    assert static_system(None) is None
