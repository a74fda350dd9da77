"""Prompt templates: sandboxed Jinja (StrictUndefined) that turns a data row into messages.

The prompt template is ours; the chat template (the tokenizer's) later turns messages into
tokens. Templates see the row's columns by name, and the whole row as `row`. Each row renders
within bounds on time, memory and size (template_bounds.py).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from sftflow.data.template_bounds import (
    BOUNDED_FILTERS,
    BoundedEnvironment,
    LimitExceeded,
    RowBudget,
    bounded_filter,
    refused_tag,
    render_text,
)
from sftflow.errors import UserError

ROLES = ("system", "user", "assistant")


def format_sql(sql: str) -> str:
    """Upper-case keywords, one clause per line (the teaching workflow's style); unparsable SQL is kept as is."""
    import sqlglot

    try:
        return sqlglot.transpile(sql, read="sqlite", write="sqlite", pretty=True)[0]
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError, IndexError):
        return sql.strip()


def fence(text: str, language: str = "") -> str:
    """Wrap text in a Markdown code fence: {{ sql | format_sql | fence('sql') }}."""
    return f"```{language}\n{text.strip()}\n```"


def squash(text: str) -> str:
    """Collapse runs of whitespace (newlines included) into one space."""
    return re.sub(r"\s+", " ", str(text)).strip()


def choices(options, separator: str = ". ") -> str:
    """A dict {'A': 'x', ...} or a list ['x', ...] as lettered lines: 'A. x'."""
    items = options.items() if isinstance(options, dict) else zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", options)
    return "\n".join(f"{letter}{separator}{text}" for letter, text in items)


FILTERS = {"format_sql": format_sql, "fence": fence, "squash": squash, "choices": choices}


def _environment() -> BoundedEnvironment:
    # optimized=False: Jinja would otherwise evaluate constant expressions when loading, outside every bound
    env = BoundedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False,
                             optimized=False, finalize=_no_null)  # a null printed as "None" reached the prompt
    env.filters.update(BOUNDED_FILTERS)
    env.filters.update(FILTERS)
    env.filters.update({name: bounded_filter(name, f) for name, f in env.filters.items()})
    return env


class NullValue(Exception):
    """A template printed a null value."""


def _no_null(value):
    if value is None:
        raise NullValue
    return value


@dataclass
class PromptTemplates:
    sources: dict[str, str]  # role -> Jinja text
    origin: str  # where the templates came from, for messages
    files: dict[str, str] = field(default_factory=dict)  # role -> its file's name in `origin`, for messages
    inline_origin: str | None = None  # where inline (data.<role>_template) templates were written: the config

    def where(self, role: str) -> str:
        """The file a role's template came from: its .jinja file, or the config for an inline one."""
        if role in self.files:
            return str(Path(self.origin) / self.files[role])
        return self.inline_origin or self.origin

    def __post_init__(self):
        env = _environment()
        self._compiled = {role: self._compile(env, role, text) for role, text in self.sources.items()}

    def _compile(self, env: BoundedEnvironment, role: str, text: str):
        try:
            tree = env.parse(text)
        except TemplateSyntaxError as e:
            raise UserError(f"template '{role}' has a syntax error on line {e.lineno}: {e.message}",
                            self.where(role)) from e
        refused = refused_tag(tree)
        if refused is not None:
            raise UserError(f"template '{role}' uses {{% {refused[0]} %}} on line {refused[1]}: prompt templates "
                            "cannot include, import or extend other templates; write the text into this one",
                            self.where(role))
        return env.from_string(tree)

    def render(self, row: dict, index: int, roles: tuple[str, ...] = ROLES) -> list[dict]:
        """Messages for one row; the assistant message is left out when 'assistant' is not in roles."""
        messages = []
        with RowBudget() as budget:
            for role in roles:
                if role not in self._compiled:
                    continue
                content = self._render_one(role, row, index, budget).strip()
                if role == "system" and not content:
                    continue  # an empty system template means "no system message"
                messages.append({"role": role, "content": content})
        return messages

    def _render_one(self, role: str, row: dict, index: int, budget: RowBudget) -> str:
        try:
            # the timer may raise only inside this window, never in the error handling below
            budget.inside = True
            try:
                return render_text(self._compiled[role], {**row, "row": row})
            finally:
                budget.inside = False
        except NullValue:
            nulls = ", ".join(k for k, v in row.items() if v is None) or "none of them: a computed value"
            raise UserError(f"template '{role}' prints a null value on row {index} (null columns: {nulls}); fill "
                            "them, or write {{ column or '' }} where empty is meant", self.where(role)) from None
        except UndefinedError as e:
            columns = ", ".join(row)
            raise UserError(f"template '{role}' names a missing column or field: {e.message} "
                            f"(row {index}; the row has: {columns})", self.where(role)) from e
        except LimitExceeded as e:
            raise UserError(f"template '{role}' exceeded a limit on row {index}: {e}", self.where(role)) from e
        except SecurityError as e:
            raise UserError(f"template '{role}' tried something the sandbox forbids on row {index}: {e}",
                            self.where(role)) from e
        except TemplateError as e:
            raise UserError(f"template '{role}' failed on row {index}: {e}", self.where(role)) from e
        except Exception as e:  # noqa: BLE001 - 1/0, int('x'), a too-deep recursion: all mistakes in the template
            raise UserError(f"template '{role}' failed on row {index}: {type(e).__name__}: {e}",
                            self.where(role)) from e

    def text_hash(self) -> str:
        import hashlib

        return hashlib.sha256(repr(sorted(self.sources.items())).encode()).hexdigest()


def load_templates(config) -> PromptTemplates:
    """Templates from `prompts_path` (system.jinja, user.jinja, assistant.jinja), overridden by inline `data:` ones."""
    sources, origin, files = {}, config.where, {}
    if config.workflow.prompts_path:
        folder = config.resolve_path(config.workflow.prompts_path)
        if folder is None or not folder.is_dir():
            raise UserError(f"prompts_path is not a folder: {config.workflow.prompts_path}", config.where)
        origin = str(folder)
        for role in ROLES:
            path = folder / f"{role}.jinja"
            if path.is_file():
                try:
                    sources[role], files[role] = path.read_text(encoding="utf-8"), path.name
                except UnicodeDecodeError as e:
                    bad = e.object[e.start:e.start + 1]
                    raise UserError(f"{path.name} is not UTF-8 text (byte {e.start} is {bad!r}); save it as UTF-8",
                                    str(path)) from e
    for role in ROLES:
        inline = getattr(config.data, f"{role}_template")
        if inline is not None:
            sources[role] = inline
            files.pop(role, None)
    for role in ("user", "assistant"):
        if role not in sources:
            raise UserError(f"no '{role}' template: put {role}.jinja in prompts_path or set "
                            f"data.{role}_template", origin)
    return PromptTemplates(sources, origin, files, config.where)


def to_format(messages: list[dict], data_format: str) -> dict:
    """One conversation in one of TRL's four dataset formats."""
    prompt = [m for m in messages if m["role"] != "assistant"]
    reply = [m for m in messages if m["role"] == "assistant"]
    if data_format == "conversational_prompt_completion":
        return {"prompt": prompt, "completion": reply}
    if data_format == "conversational_language_modeling":
        return {"messages": messages}
    prompt_text = "".join(m["content"] + "\n\n" for m in prompt)
    reply_text = "".join(m["content"] for m in reply)
    if data_format == "prompt_completion":
        return {"prompt": prompt_text, "completion": reply_text}
    return {"text": prompt_text + reply_text}
