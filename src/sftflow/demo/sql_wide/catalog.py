"""The domain catalogue parsed once: tables and columns, with the kinds that decide how they are sampled and phrased."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .domains import DOMAIN_SPECS

SQL_TYPES = {"id": "INTEGER", "ref": "INTEGER", "int": "INTEGER", "year": "INTEGER", "flag": "INTEGER",
             "real": "REAL"}  # every other kind is TEXT: names, categories, ISO dates
LABEL_KINDS = ("person", "name")  # a table's label: what "which X" answers with
NUMBER_KINDS = ("int", "year", "real")
DATE_KINDS = ("date", "after")
GROUP_KINDS = ("cat", "city", "country")
TEXT_KINDS = ("person", "name", "last")
_COLUMN = re.compile(r"(\w+) (\w+)(?:\(([^)]*)\))?(\?)?(?: \[([^\]]*)\])?(?: ~(\w+))?")
_HEAD = re.compile(r"(\w+)(?:/([a-z ]+?))?(?: \[([^\]]*)\])?")
_KINDS = {"id", "ref", "person", "first", "last", "email", "city", "country", "name", "cat", "int", "year", "real",
          "date", "after", "flag"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    args: tuple[str, ...]
    nullable: bool
    synonyms: tuple[str, ...] = ()  # what people call it besides its own words: "premium" for premium_amount
    event: str = ""  # for a date, what happened on it, singular past: "was filed", "joined"

    @property
    def parent(self) -> str:
        """The referenced table of a ref column."""
        return self.args[0]


@dataclass(frozen=True)
class Table:
    name: str
    singular: str
    columns: tuple[Column, ...]
    synonyms: tuple[tuple[str, str], ...] = ()  # (plural, singular) other names: ("clients", "client")

    @property
    def pk(self) -> Column | None:
        return next((c for c in self.columns if c.kind == "id"), None)

    @property
    def refs(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind == "ref")

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def of(self, *kinds: str) -> list[Column]:
        return [c for c in self.columns if c.kind in kinds]

    @property
    def groups(self) -> list[Column]:
        """Columns to group by: categories that are never NULL (a NULL group is an answer nobody asked for)."""
        return [c for c in self.of(*GROUP_KINDS) if not c.nullable]

    @property
    def label(self) -> tuple[Column, ...]:
        """The columns that name a row: first and last name, a name, else the id; none for link tables."""
        first, last = self.of("first"), self.of("last")
        if first and last:
            return first[0], last[0]
        named = [c for c in self.of(*LABEL_KINDS) if not c.nullable]
        if named:
            return (named[0],)
        return (self.pk,) if self.pk else ()


def singular_of(words: str) -> str:
    """'policy holders' -> 'policy holder': the last word loses its plural ending."""
    *first, last = words.replace("_", " ").split(" ")
    for tail, repl in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("s", "")):
        if last.endswith(tail):
            last = last[: -len(tail)] + repl
            break
    return " ".join(first + [last])


def _synonyms(text: str | None) -> tuple[tuple[str, str], ...]:
    """'clients|insured people/insured person' -> (plural, singular) pairs; '/' gives an irregular singular."""
    pairs = []
    for item in (text or "").split("|"):
        plural, _, singular = item.strip().partition("/")
        if plural:
            pairs.append((plural, singular or singular_of(plural)))
    return tuple(pairs)


def _parse_table(line: str) -> Table:
    head, body = line.split(":", 1)
    found = _HEAD.fullmatch(head.strip())
    if not found:
        raise ValueError(f"cannot parse table head {head!r}")
    name, singular, synonyms = found.groups()
    columns = []
    for match in _COLUMN.finditer(body):
        column, kind, args, nullable, words, event = match.groups()
        if kind not in _KINDS:
            raise ValueError(f"unknown column kind {kind!r} for {name}.{column}")
        columns.append(Column(column, kind, _split_args(kind, args or ""), bool(nullable),
                              tuple(w.strip() for w in (words or "").split("|") if w.strip()),
                              (event or "").replace("_", " ")))
    leftover = _COLUMN.sub("", body).replace(",", "").strip()
    if leftover:
        raise ValueError(f"cannot parse column spec near {leftover!r} in table {name}")
    return Table(name, singular or singular_of(name), tuple(columns), _synonyms(synonyms))


def _split_args(kind: str, args: str) -> tuple[str, ...]:
    if kind == "name":  # ";" separates word lists whose every combination is a name
        return tuple(args.split(";"))
    sep = "|" if kind in ("cat", "flag") else ","
    return tuple(a.strip() for a in args.split(sep)) if args.strip() else ()


def _parse_domain(spec: str) -> tuple[tuple[str, ...], dict[str, Table]]:
    """(topics, tables) of one domain's spec: a 'topic:' line, then one line per table."""
    lines: list[str] = []
    for raw in spec.strip("\n").splitlines():
        if raw.startswith(" "):
            lines[-1] += " " + raw.strip()
        elif raw.strip():
            lines.append(raw.strip())
    topics, tables = (), {}
    for line in lines:
        if line.startswith("topic:"):
            topics = tuple(t.strip() for t in line.removeprefix("topic:").split("|"))
            continue
        table = _parse_table(line)
        for ref in table.refs:
            if ref.parent not in tables:
                raise ValueError(f"{table.name}.{ref.name} references {ref.parent}, which is not defined above it")
        tables[table.name] = table
    return topics, tables


_PARSED = {domain: _parse_domain(spec) for domain, spec in DOMAIN_SPECS.items()}
SCHEMAS: dict[str, dict[str, Table]] = {domain: tables for domain, (_, tables) in _PARSED.items()}
TOPICS: dict[str, tuple[str, ...]] = {domain: topics for domain, (topics, _) in _PARSED.items()}
DOMAINS = tuple(SCHEMAS)
