import json
import signal
import threading
import time

import pytest

from sftflow.config import load_config
from sftflow.data import template_bounds
from sftflow.data.templates import PromptTemplates, choices, format_sql, load_templates, to_format
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


# ---------------------------------------------------------------- bounds (bench/sandbox_bounds.py times them)


@pytest.mark.parametrize("tag", ["{% include 'x.jinja' %}", "{% import 'x.jinja' as x %}",
                                 "{% from 'x.jinja' import y %}", "{% extends 'x.jinja' %}"])
def test_templates_that_include_others_are_refused_when_loaded(tmp_path, tag):
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "user.jinja").write_text(f"Q:\n{tag}")
    (tmp_path / "prompts" / "assistant.jinja").write_text("{{ sql }}")
    (tmp_path / "c.yaml").write_text("model_name_or_path: m\ndataset_name: d\nprompts_path: prompts\n")
    with pytest.raises(UserError, match=r"prompts/user.jinja: template 'user' uses "
                                        r"\{% (include|import|from \.\.\. import|extends) %\} on line 2: "
                                        r"prompt templates cannot include, import or extend"):
        load_templates(load_config(tmp_path / "c.yaml"))


@pytest.mark.parametrize("text, limit", [
    ("{{ 9**(9**9) }}", "'\\*\\*' would make a 1,549,681,956-bit integer"),
    ("{{ 'a'*10**9 }}", "'\\*' would make 1,000,000,000 characters"),
    ("{{ ([0]*10**8)|length }}", "'\\*' would make 100,000,000"),
    ("{% set ns = namespace(s='ab') %}{% for i in range(30) %}{% set ns.s = ns.s + ns.s %}{% endfor %}", "'\\+'"),
    ("{{ 'x'|center(10**9) }}", "center\\(\\) would make"),
    ("{{ 'x'.rjust(10**9) }}", "rjust\\(\\) would make"),
    ("{{ 'x'|indent(10**9) }}", "indent\\(\\) would make"),
    ("{{ '%0999999999d' % 1 }}", "a format with a width or precision of a million"),
    ("{{ '%0999999999d'|format(1) }}", "a format with a width or precision of a million"),
    ("{{ '{:>999999999}'.format(1) }}", "a format with a width or precision of a million"),
])
def test_huge_values_are_refused_before_they_are_built(text, limit):
    # each of these is a single C call (minutes of CPU, or a gigabyte) that no timer could interrupt
    with pytest.raises(UserError, match=f"template 'user' exceeded a limit on row 3: {limit}"):
        PromptTemplates({"user": text, "assistant": "x"}, "t").render({}, 3)


def test_a_template_that_runs_too_long_is_stopped(monkeypatch):
    monkeypatch.setattr(template_bounds, "RENDER_TIMEOUT_S", 0.2)
    loops = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    with pytest.raises(UserError, match="template 'user' exceeded a limit on row 5: the render took more than 0.2 s "
                                        "of CPU time"):
        PromptTemplates({"user": loops, "assistant": "x"}, "t").render({}, 5)


def test_time_a_busy_machine_takes_from_a_row_does_not_count(monkeypatch):
    # the bound is the render's CPU time: a wall-clock bound failed an honest demo row on a loaded machine
    monkeypatch.setattr(template_bounds, "RENDER_TIMEOUT_S", 0.05)
    budget = template_bounds.RowBudget()
    budget.deadline = time.thread_time() + template_bounds.RENDER_TIMEOUT_S
    time.sleep(0.2)  # off the CPU, as when other processes hold it
    budget.check()


def test_a_template_that_grows_memory_without_bound_is_stopped():
    # `~` is not an operator the sandbox can intercept: each doubling is small, the memory tick ends the loop
    doubling = "{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
    with pytest.raises(UserError, match="exceeded a limit on row 0: the render grew the process by more than"):
        PromptTemplates({"user": doubling, "assistant": "x"}, "t").render({}, 0)


def test_a_message_stops_at_the_output_limit():
    loops = "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"
    with pytest.raises(UserError, match="row 1: the message passed 1,000,000 characters"):
        PromptTemplates({"user": loops, "assistant": "x"}, "t").render({}, 1)


def test_size_bounds_hold_outside_the_main_thread_too():
    # signals reach the main thread only: elsewhere the timer is off, but values and output stay bounded
    errors = []
    thread = threading.Thread(target=lambda: errors.append(_render_error("{{ 'a'*10**9 }}")))
    thread.start()
    thread.join()
    assert "'*' would make 1,000,000,000 characters" in errors[0]


def _render_error(text: str) -> str:
    try:
        PromptTemplates({"user": text, "assistant": "x"}, "t").render({}, 0)
    except UserError as error:
        return str(error)
    return "rendered"


@pytest.mark.parametrize("text, error", [("{{ 1/0 }}", "ZeroDivisionError: division by zero"),
                                         ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "RecursionError")])
def test_python_errors_in_a_template_are_user_errors_naming_the_row(text, error):
    with pytest.raises(UserError, match=f"template 'user' failed on row 2: {error}"):
        PromptTemplates({"user": text, "assistant": "x"}, "t").render({}, 2)


def test_ordinary_arithmetic_and_formatting_still_render():
    text = ("{{ '%.2f'|format(price) }} {{ '{:,}'.format(38000000) }} {{ '-' * 3 }} {{ 2**10 }} "
            "{{ ([1] + [2]) | join(',') }} {{ 'ab' + 'c' }} {{ 7 % 3 }} {{ 'x'|center(5) }}|")
    [user, _] = PromptTemplates({"user": text, "assistant": "x"}, "t").render({"price": 3.14159}, 0)
    assert user["content"] == "3.14 38,000,000 --- 1024 1,2 abc 1   x  |"


def test_someone_elses_alarm_is_left_alone():
    # e.g. pytest-timeout's signal method: its handler and its timer must survive a render
    fired = []

    def theirs(*_):
        fired.append(1)

    previous = signal.signal(signal.SIGALRM, theirs)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        PromptTemplates({"user": "{{ a }}", "assistant": "x"}, "t").render({"a": 1}, 0)
        remaining, _ = signal.setitimer(signal.ITIMER_REAL, 0)
        assert 29 < remaining <= 30 and signal.getsignal(signal.SIGALRM) is theirs and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_template_file_that_is_not_utf8_is_one_message_naming_it(tmp_path):
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "user.jinja").write_bytes("Frage: {{ q }} \u00fc".encode("latin-1"))
    (tmp_path / "prompts" / "assistant.jinja").write_text("{{ a }}")
    (tmp_path / "c.yaml").write_text("model_name_or_path: m\ndataset_name: d\nprompts_path: prompts\n")
    with pytest.raises(UserError, match=r"prompts/user.jinja: user.jinja is not UTF-8 text "
                                        r"\(byte 15 is b'\\xfc'\)"):
        load_templates(load_config(tmp_path / "c.yaml"))


def test_errors_name_the_file_a_template_came_from(tmp_path):
    """A file's template names its .jinja file; an inline one (data.user_template) names the config file."""
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "user.jinja").write_text("{{ missing_column }}")
    (tmp_path / "prompts" / "assistant.jinja").write_text("{{ a }}")
    (tmp_path / "c.yaml").write_text("model_name_or_path: m\ndataset_name: d\nprompts_path: prompts\n"
                                     "data:\n  user_template: '{{ other_missing }}'\n")
    templates = load_templates(load_config(tmp_path / "c.yaml"))
    with pytest.raises(UserError) as error:
        templates.render({"a": 1}, 0)
    assert "other_missing" in str(error.value) and error.value.where.startswith(str(tmp_path / "c.yaml"))
    (tmp_path / "c.yaml").write_text("model_name_or_path: m\ndataset_name: d\nprompts_path: prompts\n")
    with pytest.raises(UserError) as error:
        load_templates(load_config(tmp_path / "c.yaml")).render({"a": 1}, 0)
    assert error.value.where == str(tmp_path / "prompts" / "user.jinja")
