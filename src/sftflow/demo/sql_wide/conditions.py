"""Conditions: one WHERE clause on one column, with the phrases a question uses for it."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .catalog import DATE_KINDS, GROUP_KINDS, NUMBER_KINDS, TEXT_KINDS, Column, Table
from .phrasing import is_plural, with_article
from .render import sql_literal
from .sampling import Db

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_ABOVE = {">": ("above", "over", "greater than", "higher than"), "<": ("below", "under", "less than", "lower than"),
          ">=": ("at least", "no less than"), "<=": ("at most", "no more than")}
_MORE = {">": ("more than",), "<": ("fewer than", "less than"), ">=": ("at least",), "<=": ("at most",)}
_LATER = {">": ("after",), "<": ("before",), ">=": ("in or after",), "<=": ("in or before",)}


@dataclass(frozen=True)
class Cond:
    sql: str
    whose: tuple[str, ...]  # phrases after a noun, singular or plural: "whose status is 'open'", "with no email"
    have: str  # plural verb phrase: "have a status of 'open'"
    has: str  # singular verb phrase: "has a status of 'open'"
    column: Column

    def rel(self, rng: random.Random, plural: bool = True) -> str:
        return rng.choice(self.whose + ("that " + (self.have if plural else self.has),))


def rels(rng: random.Random, conds: list[Cond], plural: bool = True) -> str:
    return " and ".join(c.rel(rng, plural) for c in conds)


def _having(sql: str, whose: tuple[str, ...], what: str, column: Column) -> Cond:
    """A condition whose verb phrases are 'have <what>' and 'has <what>'."""
    return Cond(sql, whose, f"have {what}", f"has {what}", column)


def plural_event(event: str) -> str:
    """'was filed' -> 'were filed'; an active verb ('joined') is the same for many."""
    return "were " + event[4:] if event.startswith("was ") else event


def _happened(sql: str, event: str, when: str, column: Column) -> Cond:
    """A date condition said with its verb: 'filed in 2023', 'that were filed in 2023', 'that joined in 2023'."""
    after_noun = (f"{event[4:]} {when}",) if event.startswith("was ") else ()
    return Cond(sql, after_noun, f"{plural_event(event)} {when}", f"{event} {when}", column)


def _not_yet(sql: str, event: str, is_null: bool, column: Column) -> Cond:
    """Whether a later event has happened: 'that have been settled', 'not yet settled', 'that have not left'."""
    passive = event.startswith("was ")
    done = "been " + event[4:] if passive else event  # active verbs in the catalogue read the same after 'have'
    if is_null:
        return Cond(sql, (f"not yet {event[4:]}",) if passive else (), f"have not {done}", f"has not {done}", column)
    return Cond(sql, (f"already {event[4:]}",) if passive else (), f"have {done}", f"has {done}", column)


def _singular_verb(phrase: str) -> str:
    verb, _, rest = phrase.partition(" ")
    irregular = {"are": "is", "have": "has", "were": "was", "do": "does", "did": "did"}
    verb = irregular.get(verb, verb if verb.endswith("ed") else verb + "s")
    return f"{verb} {rest}".strip()


def column_ref(alias: str, column: Column) -> str:
    return f"{alias}.{column.name}" if alias else column.name


def nice_number(value, kind: str):
    """A threshold a person would type: whole numbers for large values, one decimal for small reals."""
    if kind != "real":
        return value
    size = abs(value)
    if size >= 1000:
        return int(round(value, -2))
    if size >= 100:
        return int(round(value, -1))
    return int(round(value)) if size >= 10 else round(value, 1)


def date_words(rng: random.Random, day: str) -> str:
    d = dt.date.fromisoformat(day)
    return rng.choice((day, f"{MONTHS[d.month - 1]} {d.day}, {d.year}", f"{d.day} {MONTHS[d.month - 1]} {d.year}"))


def _equal_cond(rng, db, table, column, alias) -> Cond:
    values = sorted(set(db.values(table, column)))
    words, ref = db.names.column(table, column), column_ref(alias, column)
    quote = (lambda v: f"'{v}'") if rng.random() < 0.6 else str
    roll = rng.random()
    if roll < 0.12 and len(values) > 2:
        a, b = rng.sample(values, 2)
        either = f"{quote(a)} or {quote(b)}"
        return _having(f"{ref} IN ({sql_literal(a)}, {sql_literal(b)})", (f"whose {words} is {either}",),
                       f"{with_article(words)} of {either}", column)
    value = rng.choice(values)
    if roll < 0.25 and len(values) > 1:
        return _having(f"{ref} <> {sql_literal(value)}", (f"whose {words} is not {quote(value)}",),
                       f"{with_article(words)} other than {quote(value)}", column)
    said = quote(value)
    return _having(f"{ref} = {sql_literal(value)}", (f"whose {words} is {said}", f"with {words} {said}"),
                   f"{with_article(words)} of {said}", column)


def _flag_cond(rng, db, table, column, alias) -> Cond | None:
    yes = 1 if rng.random() < 0.6 else 0
    if yes not in db.values(table, column):
        return None
    phrases = column.args or (f"are {column.name[3:]}", f"are not {column.name[3:]}")
    have = phrases[0 if yes else 1]
    return Cond(f"{column_ref(alias, column)} = {yes}", (), have, _singular_verb(have), column)


def _number_cond(rng, db, table, column, alias) -> Cond:
    n = nice_number(rng.choice(db.values(table, column)), column.kind)
    op = rng.choices((">", "<", ">=", "<="), weights=(4, 4, 1, 1))[0]
    words, sql = db.names.column(table, column), f"{column_ref(alias, column)} {op} {n}"
    if column.kind == "year":
        later = rng.choice(_LATER[op])
        return Cond(sql, (f"whose {words} is {later} {n}",), f"have {with_article(words)} {later} {n}",
                     f"has {with_article(words)} {later} {n}", column)
    if is_plural(words):
        more = rng.choice(_MORE[op])
        return Cond(sql, (f"with {more} {n} {words}",), f"have {more} {n} {words}", f"has {more} {n} {words}", column)
    above = rng.choice(_ABOVE[op])
    return Cond(sql, (f"whose {words} is {above} {n}", f"with {with_article(words)} {above} {n}"),
                 f"have {with_article(words)} {above} {n}", f"has {with_article(words)} {above} {n}", column)


def between_cond(rng, db, table, column, alias) -> Cond | None:
    values = sorted(set(db.values(table, column)))
    if len(values) < 3:
        return None
    low, high = sorted(rng.sample(values, 2))
    ref, words = column_ref(alias, column), db.names.column(table, column)
    if column.kind in DATE_KINDS:
        span = f"between {date_words(rng, low)} and {date_words(rng, high)}"
        sql = f"{ref} BETWEEN {sql_literal(low)} AND {sql_literal(high)}"
    else:
        low, high = nice_number(low, column.kind), nice_number(high, column.kind)
        if low >= high:
            return None
        span, sql = f"between {low} and {high}", f"{ref} BETWEEN {low} AND {high}"
    event = db.names.event(table, column)
    if event:
        return _happened(sql, event, span, column)
    if is_plural(words):
        return Cond(sql, (f"with {span} {words}",), f"have {span} {words}", f"has {span} {words}", column)
    return _having(sql, (f"whose {words} is {span}", f"with {with_article(words)} {span}"),
                   f"{with_article(words)} {span}", column)


def _date_cond(rng, db, table, column, alias) -> Cond | None:
    day = rng.choice(db.values(table, column))
    ref, words, year, month = column_ref(alias, column), db.names.column(table, column), day[:4], int(day[5:7])
    mode = rng.choice(("before", "after", "year", "year", "month", "between"))
    if mode == "between":
        return between_cond(rng, db, table, column, alias)
    if mode == "year":
        sql = rng.choice((f"strftime('%Y', {ref}) = '{year}'", f"{ref} BETWEEN '{year}-01-01' AND '{year}-12-31'"))
        when = f"in {year}"
    elif mode == "month":
        sql, when = f"strftime('%Y-%m', {ref}) = '{day[:7]}'", f"in {MONTHS[month - 1]} {year}"
    else:
        cut = day[:8] + "01" if rng.random() < 0.7 else day
        sql = f"{ref} {'<' if mode == 'before' else '>'} '{cut}'"
        when = f"{mode} {date_words(rng, cut)}"
    event = db.names.event(table, column)
    if event:
        return _happened(sql, event, when, column)
    return _having(sql, (f"whose {words} is {when}", f"with {with_article(words)} {when}"),
                   f"{with_article(words)} {when}", column)


def _null_cond(rng, db, table, column, alias) -> Cond | None:
    present = len(db.values(table, column))
    missing = len(db.rows[table.name]) - present
    is_null = rng.random() < 0.5
    if not present or not missing:
        return None
    event = db.names.event(table, column) if column.kind == "after" else ""  # a missing later date: not yet
    if event:
        return _not_yet(f"{column_ref(alias, column)} IS {'NULL' if is_null else 'NOT NULL'}", event, is_null, column)
    words = db.names.role(column) if column.kind == "ref" else db.names.column(table, column)
    some, be = (words, "are") if is_plural(words) else (with_article(words), "is")
    if is_null:
        return Cond(f"{column_ref(alias, column)} IS NULL", (f"with no {words}", f"without {some}",
                     f"whose {words} {be} missing", f"whose {words} {be} not recorded"),
                     f"have no {words}", f"has no {words}", column)
    return Cond(f"{column_ref(alias, column)} IS NOT NULL", (f"with {some} recorded", f"whose {words} {be} known"),
                 f"have {some}", f"has {some}", column)


def _like_cond(rng, db, table, column, alias) -> Cond | None:
    value = rng.choice(db.values(table, column))
    tokens = [t for t in value.split() if len(t) >= 3 and t.isalpha()]
    if any(ch in value for ch in "%_'") or not tokens:
        return None
    mode = rng.choice(("starts", "starts", "contains", "ends"))
    if mode == "starts":
        part = value[: rng.randint(1, 3)].strip()
        pattern, says, saying = f"{part}%", f"starts with '{part}'", f"starting with '{part}'"
    elif mode == "contains":
        part = rng.choice(tokens)
        pattern, says, saying = f"%{part}%", f"contains '{part}'", f"containing '{part}'"
    else:
        part = tokens[-1] if value.endswith(tokens[-1]) else value[-3:]
        pattern, says, saying = f"%{part}", f"ends with '{part}'", f"ending in '{part}'"
    words = db.names.column(table, column)
    return Cond(f"{column_ref(alias, column)} LIKE '{pattern}'", (f"whose {words} {says}",),
                 f"have {with_article(words)} {saying}", f"has {with_article(words)} {saying}", column)


COND_MAKERS = {"equal": _equal_cond, "flag": _flag_cond, "number": _number_cond, "date": _date_cond,
                "null": _null_cond, "like": _like_cond, "between": between_cond}
ALL_CONDS = ("equal", "equal", "flag", "number", "date", "null")


def _cond_types(column: Column) -> list[str]:
    kind, types = column.kind, []
    if kind in GROUP_KINDS:
        types.append("equal")
    elif kind == "flag":
        types.append("flag")
    elif kind in NUMBER_KINDS:
        types += ["number", "between"]
    elif kind in DATE_KINDS:
        types += ["date", "between"]
    elif kind in TEXT_KINDS and not column.nullable:
        types.append("like")
    if column.nullable and kind != "flag":
        types.append("null")
    return types


def condition(rng: random.Random, db: Db, table: Table, alias: str = "", kinds=ALL_CONDS,
               avoid=()) -> Cond | None:
    """A random condition on one of the table's columns, of one of the given kinds; None if it has none."""
    options = [(k, c) for c in table.columns if c not in avoid and db.values(table, c)  # all NULL: nothing to ask
               for k in _cond_types(c) if k in kinds]
    rng.shuffle(options)
    for kind, column in options[:4]:
        cond = COND_MAKERS[kind](rng, db, table, column, alias)
        if cond is not None:
            return cond
    return None
