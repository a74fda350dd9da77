import json

import pytest

from sftflow.data.templates import PromptTemplates, choices, format_sql, to_format
from sftflow.errors import UserError

SQL_TEMPLATES = {"system": "Write SQL.", "user": "{{ sql_context }}\nQ: {{ sql_prompt }}",
                 "assistant": "{{ sql | format_sql | fence('sql') }}"}


def test_renders_row_into_messages():
    row = {"sql_context": "CREATE TABLE t (a INT);", "sql_prompt": "all a?", "sql": "select a from t"}
    messages = PromptTemplates(SQL_TEMPLATES, "here").render(row, 0)
    assert [m["role"] for m in messages] == ["system", "user", "assistant"]
    assert messages[2]["content"] == "```sql\nSELECT\n  a\nFROM t\n```"


def test_missing_column_names_column_and_row():
    templates = PromptTemplates({"user": "{{ question }} {{ sql_promt }}", "assistant": "x"}, "prompts/")
    with pytest.raises(UserError) as error:
        templates.render({"question": "q", "sql_prompt": "p"}, 17)
    message = str(error.value)
    assert "'sql_promt' is undefined" in message and "row 17" in message and "prompts/" in message


def test_sandbox_blocks_python_internals():
    templates = PromptTemplates({"user": "{{ ''.__class__.__mro__[1].__subclasses__() }}", "assistant": "x"}, "t")
    with pytest.raises(UserError, match="sandbox|missing column"):
        templates.render({}, 0)


def test_syntax_error_names_template_and_line():
    with pytest.raises(UserError, match=r"template 'user' has a syntax error on line 2"):
        PromptTemplates({"user": "ok\n{% if %}", "assistant": "x"}, "t")


def test_empty_system_template_means_no_system_message():
    messages = PromptTemplates({"system": "{{ '' }}", "user": "u", "assistant": "a"}, "t").render({}, 0)
    assert [m["role"] for m in messages] == ["user", "assistant"]


def test_format_sql_keeps_unparsable_sql():
    assert format_sql("select a from t where b = 1") == "SELECT\n  a\nFROM t\nWHERE\n  b = 1"
    assert format_sql("  not sql ((( ") == "not sql ((("


def test_medqa_nested_options_render(medqa_path):
    row = json.loads(medqa_path.open().readline())
    templates = PromptTemplates({"user": "{{ question }}\n{{ options | choices }}",
                                 "assistant": "The answer is ({{ answer_idx }})"}, "t")
    user, assistant = templates.render(row, 0)
    assert "\nA. " in user["content"] and "\nD. " in user["content"]
    assert assistant["content"] == f"The answer is ({row['answer_idx']})"
    assert choices(["x", "y"]) == "A. x\nB. y"


def test_four_formats():
    messages = [{"role": "system", "content": "S"}, {"role": "user", "content": "U"},
                {"role": "assistant", "content": "A"}]
    assert to_format(messages, "conversational_language_modeling") == {"messages": messages}
    assert to_format(messages, "conversational_prompt_completion") == {"prompt": messages[:2],
                                                                       "completion": messages[2:]}
    assert to_format(messages, "prompt_completion") == {"prompt": "S\n\nU\n\n", "completion": "A"}
    assert to_format(messages, "language_modeling") == {"text": "S\n\nU\n\nA"}
