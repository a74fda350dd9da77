"""The domain catalogue, loaded once from catalog.yaml and domains/*.yaml: tables and columns, with the kinds that
decide how they are sampled and phrased. catalog.yaml describes the files' format."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import yaml

SQL_TYPES = {"id": "INTEGER", "ref": "INTEGER", "int": "INTEGER", "year": "INTEGER", "flag": "INTEGER",
             "real": "REAL"}  # every other kind is TEXT: names, categories, ISO dates
LABEL_KINDS = ("person", "name")  # a table's label: what "which X" answers with
NUMBER_KINDS = ("int", "year", "real")
DATE_KINDS = ("date", "after")
GROUP_KINDS = ("cat", "city", "country")
TEXT_KINDS = ("person", "name", "last")
# kind -> the keys its arguments are read from, in the order the sampler reads them
_KIND_ARGS = {"id": (), "person": (), "first": (), "last": (), "email": (), "city": (), "country": (),
              "ref": ("table",), "name": ("words",), "cat": ("values",), "int": ("range",), "year": ("range",),
              "real": ("range",), "date": ("years",), "after": ("from", "days"), "flag": ("phrases",)}
_OPTIONAL_ARGS = {"phrases"}  # a flag without phrases reads "are <name without is_>" / "are not ..."
_COLUMN_KEYS = {"kind", "nullable", "synonyms", "event"}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the catalogue loads on import


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


def _text(value, where: str) -> str:
    """A word or number from the files as text; YAML's true/false/null ("yes", "no", "off") must be quoted."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{where}: {value!r} read as {type(value).__name__}; write it in quotes")
    return str(value)


def _args(kind: str, spec: dict, where: str) -> tuple[str, ...]:
    if kind == "name":  # one "|"-joined string of alternatives per word list
        return tuple("|".join(_text(w, where) for w in words) for words in spec["words"])
    values = []
    for key in _KIND_ARGS[kind]:
        value = spec.get(key, [])
        values += value if isinstance(value, list) else [value]
    return tuple(_text(v, where) for v in values)


def _column(where: str, name: str, spec: str | dict) -> Column:
    spec = {"kind": spec} if isinstance(spec, str) else spec
    kind = spec.get("kind")
    if kind not in _KIND_ARGS:
        raise ValueError(f"{where}: unknown column kind {kind!r}")
    unknown = set(spec) - _COLUMN_KEYS - set(_KIND_ARGS[kind])
    missing = set(_KIND_ARGS[kind]) - _OPTIONAL_ARGS - set(spec)
    if unknown or missing:
        raise ValueError(f"{where}: a {kind} column takes {sorted(_KIND_ARGS[kind])} "
                         f"(unknown: {sorted(unknown)}, missing: {sorted(missing)})")
    synonyms = tuple(_text(s, where) for s in spec.get("synonyms", ()))
    return Column(name, kind, _args(kind, spec, where), bool(spec.get("nullable")), synonyms,
                  _text(spec.get("event", ""), where))


def _table(domain: str, name: str, spec: dict) -> Table:
    columns = tuple(_column(f"{domain}: {name}.{column}", column, s) for column, s in spec["columns"].items())
    synonyms = tuple((plural, singular or singular_of(plural)) for plural, singular in spec.get("synonyms", {}).items())
    return Table(name, spec.get("singular") or singular_of(name), columns, synonyms)


def _read(path: str) -> dict:
    return yaml.load(resources.files(__package__).joinpath(path).read_text(encoding="utf-8"), Loader=_LOADER)


def parse_domain(domain: str, spec: dict) -> tuple[tuple[str, ...], dict[str, Table]]:
    """(topics, tables) of one domain's file as YAML reads it; a reference must point at a table defined above it."""
    tables: dict[str, Table] = {}
    for name, table_spec in spec["tables"].items():
        table = _table(domain, name, table_spec)
        for ref in table.refs:
            if ref.parent not in tables:
                raise ValueError(f"{domain}: {name}.{ref.name} references {ref.parent}, which is not defined above it")
        tables[name] = table
    return tuple(spec["topics"]), tables


_CATALOG = _read("catalog.yaml")
_PARSED = {domain: parse_domain(domain, _read(f"domains/{domain}.yaml")) for domain in _CATALOG["domains"]}
SCHEMAS: dict[str, dict[str, Table]] = {domain: tables for domain, (_, tables) in _PARSED.items()}
TOPICS: dict[str, tuple[str, ...]] = {domain: topics for domain, (topics, _) in _PARSED.items()}
DOMAINS = tuple(SCHEMAS)
# The pools person, city and country columns draw from.
FIRST_NAMES, LAST_NAMES, CITIES, COUNTRIES, MAIL_HOSTS = (
    tuple(_CATALOG["names"][key]) for key in ("first", "last", "cities", "countries", "mail_hosts"))
