"""Rule-based row filters; a row is removed by the first rule it fails, and the report says which.

Rules run cheapest first: required fields, length in characters, length in tokens, regex
include/exclude on a field, then the SQL check (the gold query runs on its context in SQLite
and returns at least one non-NULL row), which reuses the evaluation's hardened sandbox.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sftflow.data.curate.rows import (
    check_outputs,
    compared_by,
    field_text,
    read_rows,
    report_path_for,
    row_text,
    snippet,
    write_report,
    write_rows,
)
from sftflow.errors import UserError

EXAMPLES_PER_RULE = 3


class Item:
    """One row while it is being checked; its text (and token count) are built only if a rule needs them."""

    def __init__(self, index: int, row: dict, fields, templates, tokenizer):
        self.index, self.row = index, row
        self._fields, self._templates, self._tokenizer = fields, templates, tokenizer

    @cached_property
    def text(self) -> str:
        return row_text(self.row, self.index, self._fields, self._templates, missing_ok=True)

    @cached_property
    def tokens(self) -> int:
        """Tokens of the rendered conversation under the chat template, else of the text."""
        if self._templates is not None:
            from sftflow.data.tokenize import chat_ids

            return len(chat_ids(self._tokenizer, self._templates.render(self.row, self.index)))
        return len(self._tokenizer(self.text, add_special_tokens=False)["input_ids"])


@dataclass(frozen=True)
class Rule:
    name: str
    check: Callable[[Item], str | None]  # the reason the row fails, or None


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def build_rules(*, required_fields: list[str] = (), min_chars: int | None = None, max_chars: int | None = None,
                min_tokens: int | None = None, max_tokens: int | None = None, tokenizer=None,
                include: dict[str, str] | None = None, exclude: dict[str, str] | None = None,
                sql_check: bool = False, sql_context_field: str = "sql_context", sql_field: str = "sql",
                sql_timeout_s: float = 2.0, script: str | None = None, min_script_share: float = 0.8) -> list[Rule]:
    """The rules the options ask for, in the order they run."""
    if (min_tokens or max_tokens) and tokenizer is None:
        raise UserError("min_tokens/max_tokens need a tokenizer")
    rules = [Rule("required_fields", lambda item: _missing(item.row, required_fields))] if required_fields else []
    rules += _bound("min_chars", min_chars, lambda item: len(item.text), "characters", low=True)
    rules += _bound("max_chars", max_chars, lambda item: len(item.text), "characters", low=False)
    rules += _bound("min_tokens", min_tokens, lambda item: item.tokens, "tokens", low=True)
    rules += _bound("max_tokens", max_tokens, lambda item: item.tokens, "tokens", low=False)
    rules += [_regex(name, pattern, keep_matching=True) for name, pattern in (include or {}).items()]
    rules += [_regex(name, pattern, keep_matching=False) for name, pattern in (exclude or {}).items()]
    if script:
        rules.append(_script(script, min_script_share))
    if sql_check:
        rules.append(Rule("sql_valid", lambda item: sql_problem(
            item.row.get(sql_context_field), item.row.get(sql_field), sql_timeout_s)))
    return rules


def _missing(row: dict, fields) -> str | None:
    bad = [name for name in fields if is_empty(row.get(name))]
    return f"empty or missing: {', '.join(bad)}" if bad else None


def _bound(name: str, limit: int | None, measure, unit: str, low: bool) -> list[Rule]:
    if limit is None:
        return []

    def check(item: Item) -> str | None:
        size = measure(item)
        too = size < limit if low else size > limit
        return f"{size} {unit} ({'<' if low else '>'} {limit})" if too else None

    return [Rule(name, check)]


def _regex(field: str, pattern: str, keep_matching: bool) -> Rule:
    try:
        compiled = re.compile(pattern)
    except re.error as e:
        raise UserError(f"bad regex for field '{field}': {pattern!r} ({e})") from e

    def check(item: Item) -> str | None:
        hit = compiled.search(field_text(item.row.get(field))) is not None
        if hit == keep_matching:
            return None
        return f"{field} {'does not match' if keep_matching else 'matches'} {pattern!r}"

    return Rule(f"{'include' if keep_matching else 'exclude'}:{field}", check)


def _script(script: str, share: float) -> Rule:
    """The cheap stand-in for language filtering: the share of letters written in one Unicode script
    (latin, cyrillic, greek, arabic, cjk, ...). It tells Russian from English, not French from German."""
    import unicodedata

    wanted = script.upper()

    def check(item: Item) -> str | None:
        letters = [c for c in item.text if c.isalpha()]
        if not letters:
            return "no letters"
        inside = sum(unicodedata.name(c, "").startswith(wanted) for c in letters) / len(letters)
        return None if inside >= share else f"{inside:.0%} of letters in {script} script (< {share:.0%})"

    return Rule(f"script:{script}", check)


def sql_problem(context, sql, timeout_s: float = 2.0) -> str | None:
    """Why a gold query is unusable (context fails, query fails, no rows), or None when it is fine."""
    from sftflow.sql_sandbox import Rejected, bounded_database

    if is_empty(context) or is_empty(sql):
        return "empty or missing SQL context or query"
    try:
        # The rows are user or model data: their SQL runs bounded in time and memory, in the sandbox's worker.
        with bounded_database(str(context)) as database:
            count, any_value = database.summary(str(sql), timeout_s)
    except ValueError as e:  # the context script failed
        return str(e)
    except Rejected as e:
        return f"query failed: {e}"
    if not count:
        return "query returns no rows"
    return None if any_value else "query returns only NULL"


@dataclass
class Filtered:
    kept: list[int]
    removed: dict[str, list[tuple[int, str]]]  # rule name -> [(row index, reason)]


def apply_rules(rows: list[dict], rules: list[Rule], *, fields=None, templates=None, tokenizer=None) -> Filtered:
    result = Filtered([], {rule.name: [] for rule in rules})
    for index, row in enumerate(rows):
        item = Item(index, row, fields, templates, tokenizer)
        failed = next(((rule, reason) for rule in rules if (reason := rule.check(item)) is not None), None)
        if failed is None:
            result.kept.append(index)
        else:
            result.removed[failed[0].name].append((index, failed[1]))
    return result


def filter_file(input_path: str | Path, output_path: str | Path, *, fields: list[str] | None = None,
                templates=None, tokenizer=None, report_path: str | Path | None = None, **rule_options) -> dict:
    """Write the rows of input_path that pass every rule to output_path (jsonl), and a json report.

    rule_options are build_rules' keywords; lengths are measured on `fields` joined, or on the
    conversation `templates` render (tokens: with the tokenizer's chat template), or on all fields.
    """
    report_path = Path(report_path) if report_path else report_path_for(output_path)
    check_outputs([input_path], [output_path, report_path])
    rules = build_rules(tokenizer=tokenizer, **rule_options)
    if not rules:
        raise UserError("no filter rule given: set required_fields, min/max_chars, min/max_tokens, include, "
                        "exclude or sql_check")
    rows = read_rows(input_path)
    result = apply_rules(rows, rules, fields=fields, templates=templates, tokenizer=tokenizer)
    write_rows(output_path, [rows[i] for i in result.kept])
    report = {"input": str(input_path), "output": str(output_path), "measured": compared_by(fields, templates),
              "rows_in": len(rows), "rows_out": len(result.kept),
              "rules": [_rule_entry(name, removed, rows, fields) for name, removed in result.removed.items()]}
    write_report(report_path, report, _summary(report, report_path))
    return report


def _rule_entry(name: str, removed: list, rows: list[dict], fields) -> dict:
    examples = [{"index": i, "reason": reason, "text": snippet(row_text(rows[i], i, fields, missing_ok=True))}
                for i, reason in removed[:EXAMPLES_PER_RULE]]
    return {"rule": name, "removed": len(removed), "examples": examples}


def _summary(report: dict, report_path) -> str:
    lines = [f"filter {report['input']}: {report['rows_in']} rows -> {report['rows_out']} kept"]
    lines += [f"  {r['rule']:<24} removed {r['removed']}" for r in report["rules"]]
    lines.append(f"  wrote {report['output']} and {report_path}")
    return "\n".join(lines)
