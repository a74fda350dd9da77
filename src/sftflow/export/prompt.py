"""The run's prompt, outside Python: its system text and user template as parts ({text} or {field}) that a page
fills in by plain substitution, giving the messages `sftflow eval` and training built from the same row.

The parts are found by rendering the run's own templates with a marker in place of each column, so the filters and
whitespace of the templates apply as they do in training; a filter that changes a column's value (it would need
Jinja in the page) is refused with a message.
"""

import re
from dataclasses import dataclass, field

from sftflow.errors import UserError

MARKER = "\ue000{}\ue001"  # private-use characters: no template or filter produces them
MARKED = re.compile("\ue000(\\w+)\ue001")
LABELS = {"sql_context": ("Schema: CREATE TABLE and INSERT statements", 10), "schema": ("Schema: CREATE TABLE "
          "statements", 10), "sql_prompt": ("Question", 2)}
MESSAGE = [{"field": "message"}]


@dataclass
class PagePrompt:
    user: list[dict]
    system: list[dict] | None = None
    fields: list[str] = field(default_factory=lambda: ["message"])
    max_new_tokens: int = 128

    def field_settings(self) -> list[dict]:
        return [{"name": name, "label": LABELS.get(name, (name, 4))[0], "rows": LABELS.get(name, (name, 4))[1]}
                for name in self.fields]


def split_parts(text: str) -> list[dict]:
    parts, at = [], 0
    for match in MARKED.finditer(text):
        if match.start() > at:
            parts.append({"text": text[at:match.start()]})
        parts.append({"field": match.group(1)})
        at = match.end()
    if at < len(text):
        parts.append({"text": text[at:]})
    return parts


def template_columns(templates, roles: tuple[str, ...] = ("user", "system")) -> list[str]:
    """Columns the templates of `roles` read, in order of appearance."""
    from jinja2 import Environment, meta

    names: list[str] = []
    for role in roles:
        if role in templates.sources:
            found = meta.find_undeclared_variables(Environment().parse(templates.sources[role]))
            source = templates.sources[role]
            names += sorted(found - set(names), key=lambda name: source.find(name))
    return names


def page_prompt(config) -> PagePrompt:
    """The prompt of the run's config, or a single message box when there is no config."""
    if config is None:
        return PagePrompt(user=MESSAGE)
    from sftflow.data.templates import load_templates

    if not config.workflow.fine_tuning_data_format.startswith("conversational"):
        raise UserError("the in-browser page prompts through the chat template; this run trained on plain text "
                        f"(fine_tuning_data_format: {config.workflow.fine_tuning_data_format})", config.where)
    templates = load_templates(config)
    columns = template_columns(templates)
    if "row" in columns:
        raise UserError("the in-browser page fills the templates column by column; a template that reads `row` "
                        "cannot be filled in the page", templates.origin)
    messages = templates.render({name: MARKER.format(name) for name in columns}, 0, roles=("system", "user"))
    parts = {m["role"]: split_parts(m["content"]) for m in messages}
    found = {part["field"] for role in parts.values() for part in role if "field" in part}
    if changed := [name for name in columns if name not in found] or sorted(found - set(columns)):
        raise UserError(f"the templates change the value of {', '.join(changed)} with a filter, which the page "
                        "cannot repeat without Jinja; use the column as it is", templates.origin)
    return PagePrompt(user=parts["user"], system=parts.get("system"), fields=columns,
                      max_new_tokens=config.eval.max_new_tokens)


def static_system(config) -> str | None:
    """The run's system prompt when it reads no column, so it is the same for every row (what an Ollama Modelfile can
    carry); None without a config, for a system template that reads columns, and for plain-text formats."""
    if config is None or not config.workflow.fine_tuning_data_format.startswith("conversational"):
        return None
    from sftflow.data.templates import load_templates

    templates = load_templates(config)
    if "system" not in templates.sources or template_columns(templates, roles=("system",)):
        return None
    return next((m["content"] for m in templates.render({}, 0, roles=("system",))), None)
