"""Pieces the query shapes share: joins and chains with their aliases, output columns, aggregates, thresholds."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .catalog import DATE_KINDS, GROUP_KINDS, NUMBER_KINDS, Column, Table
from .conditions import column_ref, nice_number, plural_event
from .phrasing import (
    is_plain,
    is_plural,
    listing,
    plural_of,
    rounding,
    with_article,
)
from .sampling import Db

# Columns whose total means nothing (a sum of prices, scores, diameters): averaged or ranked, never summed.
_NO_SUM = ("rate", "score", "pct", "level", "priority", "strength", "stars", "latitude", "temperature", "multiplier",
           "per_", "price", "fee", "year", "number", "capacity", "size", "count", "budget", "diameter", "elevation",
           "depth", "drop", "width", "age", "length_m", "population")


@dataclass(frozen=True)
class Query:
    question: str
    sql: str
    tables: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    """child.ref -> parent.pk, with the aliases the query gives them."""

    child: Table
    ref: Column
    parent: Table
    ca: str
    pa: str

    def join(self) -> str:
        return (f"{self.child.name} AS {self.ca} JOIN {self.parent.name} AS {self.pa} "
                f"ON {self.ca}.{self.ref.name} = {self.pa}.{self.parent.pk.name}")


_KEYWORDS = {"as", "by", "do", "if", "in", "is", "no", "of", "on", "or", "to"}


def alias_for(table: Table, taken: set[str]) -> str:
    words = table.name.split("_")
    initials = "".join(w[0] for w in words)
    for alias in (initials, initials + words[-1][1], table.name[:3], initials + "2"):
        if alias not in taken and alias not in _KEYWORDS:
            taken.add(alias)
            return alias
    raise ValueError(f"no alias left for {table.name}")


def _links(db: Db, plain: bool = False) -> list[tuple[Table, Column, Table]]:
    """Every (child, reference, parent) of the domain; plain keeps the references named after their parent
    (policy_id, not origin_port_id), where "each policy" has one meaning without naming the role."""
    return [(child, ref, db.tables[ref.parent]) for child in db.tables.values() for ref in child.refs
            if db.rows[child.name] and (not plain or is_plain(db.tables, ref))]


def pick_link(rng: random.Random, db: Db, plain: bool = False) -> Link | None:
    options = _links(db, plain)
    if not options:
        return None
    child, ref, parent = rng.choice(options)
    taken: set[str] = set()
    return Link(child, ref, parent, alias_for(child, taken), alias_for(parent, taken))


def _shortcut(tables: dict[str, Table], names: list[str]) -> bool:
    """Whether a table on the path also references a table further along: then 'each X' has two meanings."""
    return any(r.parent == later for i, name in enumerate(names) for r in tables[name].refs for later in names[i + 2:])


def pick_chain(rng: random.Random, db: Db) -> list[Link] | None:
    """A path of two or three plain references (child -> parent -> grandparent ...) with no shortcut."""
    hops = _links(db, plain=True)
    paths, found = [[hop] for hop in hops], []
    for _ in range(2):
        paths = [p + [h] for p in paths for h in hops if h[0].name == p[-1][2].name and h[2].name not in
                 {x[0].name for x in p}]
        found += [p for p in paths if not _shortcut(db.tables, [p[0][0].name] + [hop[2].name for hop in p])]
    if not found:
        return None
    path = rng.choice(found)
    taken: set[str] = set()
    aliases = [alias_for(path[0][0], taken)] + [alias_for(hop[2], taken) for hop in path]
    return [Link(c, r, p, aliases[i], aliases[i + 1]) for i, (c, r, p) in enumerate(path)]


def chain_join(chain: list[Link]) -> str:
    first = chain[0]
    text = f"{first.child.name} AS {first.ca}"
    for link in chain:
        text += f" JOIN {link.parent.name} AS {link.pa} ON {link.ca}.{link.ref.name} = {link.pa}.{link.parent.pk.name}"
    return text


def pick_table(rng: random.Random, db: Db, need) -> Table | None:
    options = [t for t in db.tables.values() if db.rows[t.name] and need(t)]
    return rng.choice(options) if options else None


def label_sql(table: Table, alias: str = "") -> list[str]:
    return [column_ref(alias, c) for c in table.label]


def outputs(rng: random.Random, db: Db, table: Table, alias: str = "", extra: float = 0.45,
             avoid=()) -> tuple[list[str], str]:
    """The SELECT list and how the question names it: the label, sometimes with one more column."""
    select, words = label_sql(table, alias), [db.names.labels(table)]
    more = [c for c in table.columns if c.kind in (*GROUP_KINDS, *NUMBER_KINDS, *DATE_KINDS)
            and c not in avoid and c not in table.label]
    if more and rng.random() < extra:
        column = rng.choice(more)
        select.append(column_ref(alias, column))
        words.append(plural_of(db.names.column(table, column)))
    return select, listing(words)


@dataclass(frozen=True)
class Measure:
    sql: str  # as selected: ROUND(AVG(x), 2)
    raw: str  # the bare aggregate, for HAVING: AVG(x)
    words: str  # "average claim amount"
    sentence: str = ""  # the rounding request, when the value is rounded


COUNT = Measure("COUNT(*)", "COUNT(*)", "number")


def measure(rng: random.Random, db: Db, table: Table, alias: str = "",
             funcs=("AVG", "SUM", "MIN", "MAX")) -> Measure | None:
    """An aggregate of one of the table's numeric columns, with the words a question uses for it."""
    numbers = [c for c in table.of(*NUMBER_KINDS) if c.kind != "year"]
    if not numbers:
        return None
    column = rng.choice(numbers)
    if any(part in column.name for part in _NO_SUM):  # a total of prices or scores means nothing
        funcs = tuple(f for f in funcs if f != "SUM") or ("AVG",)
    func, ref, words = rng.choice(funcs), column_ref(alias, column), db.names.column(table, column)
    raw = f"{func}({ref})"
    if func == "AVG":
        decimals, sentence = rounding(rng)
        return Measure(f"ROUND({raw}, {decimals})", raw, f"{rng.choice(('average', 'mean'))} {words}", sentence)
    if func == "SUM":
        total = words if words.startswith("total ") else f"total {words}"  # not "the total total billed"
        return Measure(f"ROUND({raw}, 2)" if column.kind == "real" else raw, raw, total)
    extreme = ("highest", "largest", "maximum") if func == "MAX" else ("lowest", "smallest", "minimum")
    if is_plural(words):
        extreme = ("most",) if func == "MAX" else ("fewest",)
    return Measure(raw, raw, f"{rng.choice(extreme)} {words}")


def order_words(rng: random.Random, words: str, desc: bool, kind: str, event: str = "") -> str:
    if event:
        return f" Sort by when they {plural_event(event)}, {'latest' if desc else 'earliest'} first."
    if kind in DATE_KINDS:
        return rng.choice((" Show the most recent first.", f" Sort by {words}, latest first.") if desc else
                          (" Show the earliest first.", f" Sort by {words}, earliest first."))
    return rng.choice((f" Sort by {words}, highest first.", f" List them from the highest {words} to the lowest.")
                      if desc else (f" Sort by {words}, lowest first.", f" Order them by {words} in ascending order."))


def where_clause(conditions: list[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def query_values(db: Db, sql: str) -> list[tuple]:
    return db.open().execute(sql).fetchall()


def threshold(rng: random.Random, values: list, kind: str = "int"):
    """A cut with values on both sides: some rows pass, some do not."""
    values = sorted(v for v in values if v is not None)
    if len(values) < 2 or values[0] == values[-1]:
        return None
    cut = nice_number(rng.choice(values[:-1]), "real" if isinstance(values[0], float) else kind)
    return cut if values[0] <= cut < values[-1] else None


def join_words(db: Db, link: Link) -> dict:
    """Fields every join question uses: the child and parent nouns, the reference's role, the labels."""
    role, child = db.names.role(link.ref), db.names.one(link.child)
    return dict(C=db.names.many(link.child), c1=child, a_c1=with_article(child), P=db.names.many(link.parent),
                p1=db.names.one(link.parent), role=role, roles=plural_of(role), plain=is_plain(db.tables, link.ref),
                plab=db.names.labels(link.parent), plab1=db.names.label(link.parent))


def group_column(rng, table: Table) -> Column | None:
    return rng.choice(table.groups) if table.groups else None


def count_sql(rng, name: str) -> tuple[str, str]:
    """COUNT(*), sometimes with an alias the ORDER BY then uses: (select item, order key)."""
    if rng.random() < 0.5:
        alias = name.replace(" ", "_") + "_count"
        return f"COUNT(*) AS {alias}", alias
    return "COUNT(*)", "COUNT(*)"
