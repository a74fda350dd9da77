"""Words: how a question names tables and columns, plurals and articles, listings and rounding requests."""

from __future__ import annotations

import random

from .catalog import Column, Table, singular_of

_UNITS = {"kg": "in kg", "km": "in km", "m": "in metres", "mm": "in mm", "cm": "in cm", "g": "in grams",
          "m3": "in cubic metres", "kw": "in kW", "kwh": "in kWh", "sqm": "in square metres", "kmh": "in km/h",
          "nm": "in nautical miles", "px": "in pixels", "mb": "in MB", "deg": "in degrees"}
_TOKENS = {"id": "ID", "pct": "percentage", "ha": "hectare", "teu": "TEU", "leo": "LEO", "ev": "EV", "os": "OS"}
# Names whose words read badly when split at the underscores.
_COLUMN_WORDS = {"years_experience": "years of experience", "years_keeping": "years of beekeeping",
                 "duration_minutes": "duration in minutes", "talk_seconds": "talk time in seconds",
                 "response_minutes": "response time in minutes", "crossing_minutes": "crossing time in minutes",
                 "bake_minutes": "baking time in minutes", "delay_minutes": "delay in minutes",
                 "yield_tonnes": "yield in tonnes", "capacity_tonnes": "capacity in tonnes",
                 "quota_tonnes": "quota in tonnes", "area_hectares": "area in hectares",
                 "fuel_litres": "fuel in litres", "insurance_covered": "amount covered by insurance",
                 "rated_kw": "rated power in kW", "peak_kw": "peak output in kW",
                 "chlorine_mg_l": "chlorine in mg/L", "turbidity_ntu": "turbidity in NTU"}
_PARTICIPLES = {"paid", "sold", "flown", "spoken", "made", "due", "built", "laid", "bought", "driven", "written",
                "seen", "given", "held", "taken", "set", "owed"}  # besides the regular ones in -ed
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
SYNONYM_SHARE = 0.6  # how often a table or column is called by a synonym rather than its own words


def _is_participle(word: str) -> bool:
    return word in _PARTICIPLES or (word.endswith("ed") and not word.endswith("eed"))  # not "speed", "seed"


def _head(words: str) -> tuple[str, str, str]:
    """(before, noun, after): the noun a plural ending goes on, e.g. 'amount' in 'amount paid', 'price per jar'."""
    for sep in (" in ", " per ", " of ", " to ", " by "):
        if sep in words:
            left, right = words.split(sep, 1)
            before, noun, after = _head(left)
            return before, noun, after + sep + right
    parts = words.split(" ")
    tail = 2 if len(parts) > 2 and parts[-1] in ("out", "up") and _is_participle(parts[-2]) else 1  # "paid out"
    if len(parts) > tail and _is_participle(parts[-tail]):
        before, noun, after = _head(" ".join(parts[:-tail]))
        return before, noun, after + " " + " ".join(parts[-tail:])
    return " ".join(parts[:-1]) + (" " if len(parts) > 1 else ""), parts[-1], ""


def is_plural(words: str) -> bool:
    noun = _head(words)[1]
    return noun.endswith("s") and not noun.endswith(("ss", "us", "is"))


def plural_of(words: str) -> str:
    before, noun, after = _head(words)
    if is_plural(words) or (noun.isupper() and noun.endswith("S")):  # "device OS" stays as it is
        return words
    if noun.endswith("is"):
        noun = noun[:-2] + "es"
    elif noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        noun = noun[:-1] + "ies"
    elif noun.endswith(("s", "x", "ch", "sh")):
        noun += "es"
    else:
        noun += "s"
    return before + noun + after


def with_article(words: str) -> str:
    """The word with its indefinite article."""
    sounds_like_you = words.startswith(("unit", "univ", "union", "uniq", "unif", "use", "usu", "uti"))
    vowel = words[:1].lower() in tuple("aeio") or (words[:1].lower() == "u" and not sounds_like_you)
    return ("an " if vowel or words.startswith("hour") else "a ") + words


def role_words(tables: dict[str, Table], column: Column) -> str:
    """What a reference means for its row: 'policy' for policy_id, 'assignee' for assignee_id."""
    role = column.name.removesuffix("_id").replace("_", " ")
    parent = tables[column.parent].singular
    return parent if parent.endswith(role) or parent.startswith(role + " ") else role


def is_plain(tables: dict[str, Table], ref: Column) -> bool:
    """Whether a reference is just 'the policy' (policy_id), not a role like 'assignee' or 'origin port'."""
    return role_words(tables, ref) == tables[ref.parent].singular


def column_words(tables: dict[str, Table], table: Table, column: Column) -> str:
    if column.name in _COLUMN_WORDS:
        return _COLUMN_WORDS[column.name]
    if column.kind == "ref":
        return role_words(tables, column) + " ID"
    parts = column.name.split("_")
    if parts[-1] in ("name", "title") and " ".join(parts[:-1]) in ("full", table.singular, table.singular.split()[-1]):
        return parts[-1]  # "the names of labs", not "the lab names of labs"
    tail = ""
    if len(parts) > 1 and parts[-1] in _UNITS and parts[-2] != "per":
        tail = " " + _UNITS[parts.pop()]
    return " ".join(_TOKENS.get(p, p) for p in parts) + tail


def own_words(table: Table) -> tuple[str, str]:
    """A table's own words, plural and singular: ('policy holders', 'policy holder')."""
    return table.name.replace("_", " "), table.singular


def _mentions(phrase: str, words: set[str]) -> bool:
    return bool(words & {w for p in phrase.split() for w in (p, p.removesuffix("s"))})


class Naming:
    """How one question calls the tables and columns it mentions: each name is drawn once, then kept.

    Questions that always spell a table's own words teach a model to turn words into identifiers
    ("policy holders" -> policy_holders) instead of reading the schema; users say "customers"."""

    def __init__(self, rng: random.Random, tables: dict[str, Table], share: float = SYNONYM_SHARE):
        self.rng, self.tables, self.share = rng, tables, share
        self._tables: dict[str, tuple[str, str]] = {}
        self._columns: dict[tuple[str, str], str] = {}
        self._events: dict[tuple[str, str], str] = {}

    def _table(self, table: Table) -> tuple[str, str]:
        if table.name not in self._tables:
            self._tables[table.name] = self._table_name(table)
        return self._tables[table.name]

    def _table_name(self, table: Table) -> tuple[str, str]:
        if not self._renames(table.synonyms):
            return own_words(table)
        # Mostly a name with none of the identifier's words: "customers" teaches more than "policy customers".
        own = {singular_of(w) for w in table.name.split("_")}
        clean = [s for s in table.synonyms if not own & {singular_of(w) for w in s[0].split()}]
        return self.rng.choice(clean if clean and self.rng.random() < 0.75 else table.synonyms)

    def _renames(self, synonyms) -> bool:
        return bool(synonyms) and self.rng.random() < self.share

    def many(self, table: Table) -> str:
        return self._table(table)[0]

    def one(self, table: Table) -> str:
        return self._table(table)[1]

    def renamed(self, table: Table) -> bool:
        return self._table(table) != own_words(table)

    def column(self, table: Table, column: Column) -> str:
        """The column's words, or one of its synonyms; the table's own words are avoided once it is renamed."""
        key = (table.name, column.name)
        if key not in self._columns:
            self._columns[key] = self._column(table, column)
        return self._columns[key]

    def _column(self, table: Table, column: Column) -> str:
        if column.kind == "ref":
            return self.role(column) + " ID"
        if column.kind == "id" and self.renamed(table):
            return "ID"  # "the IDs of the clients", not "the holder IDs of the clients"
        own, synonyms = column_words(self.tables, table, column), column.synonyms
        if self.renamed(table):  # once claims are "cases", their claim_amount is "the amount", not "the claim amount"
            table_words = set(table.name.split("_")) | set(table.singular.split())
            clean = tuple(s for s in synonyms if not _mentions(s, table_words))
            if clean and _mentions(own, table_words):
                return self.rng.choice(clean)
            synonyms = clean or synonyms
        return self.rng.choice(synonyms) if self._renames(synonyms) else own

    def role(self, column: Column) -> str:
        """What a reference is called: the parent's name when it is just 'the policy', else its role."""
        if is_plain(self.tables, column):
            return self.one(self.tables[column.parent])
        own = role_words(self.tables, column)
        key = (f"role of {column.parent}", column.name)
        if key not in self._columns:
            self._columns[key] = self.rng.choice(column.synonyms) if self._renames(column.synonyms) else own
        return self._columns[key]

    def event(self, table: Table, column: Column) -> str:
        """For a date column, sometimes what happened on it ('was filed', 'joined') instead of its noun."""
        key = (table.name, column.name)
        if key not in self._events:
            self._events[key] = column.event if column.event and self.rng.random() < 0.5 else ""
        return self._events[key]

    def labels(self, table: Table) -> str:
        """The label, plural: 'names', 'first and last names', 'claim IDs'."""
        label = table.label
        return "first and last names" if len(label) == 2 else plural_of(self.column(table, label[0]))

    def label(self, table: Table) -> str:
        label = table.label
        return "first and last name" if len(label) == 2 else self.column(table, label[0])


def says_label(table: Table) -> bool:
    """Whether 'Which X ...?' plainly asks for the label: a name does, a bare id number does not."""
    return table.label[0].kind != "id"


def listing(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def rounding(rng: random.Random) -> tuple[int, str]:
    """How much to round, and the sentence that asks for it: a question must say what the answer's precision is."""
    n = 2 if rng.random() < 0.8 else 1
    words, s = _NUMBER_WORDS[n], "" if n == 1 else "s"
    return n, rng.choice((f" Round to {words} decimal{s}.", f" Round the result to {n} decimal place{s}.",
                          f" Give the answer rounded to {words} decimal{s}.", f" Round to {n} decimal place{s}."))


_FRAMES = ("In the {t} database, {q}", "Using the {t} data, {q}", "Looking at the {t} tables, {q}",
           "Based on the {t} records, {q}")
_REQUESTS = ("Give the ", "Find the ", "Tell me the ", "Show the ")


def framed(rng: random.Random, question: str, topics: tuple[str, ...], tables: tuple[str, ...]) -> str:
    """The question as users frame it: sometimes naming the database's topic, sometimes as a request.

    A topic that names one of the query's tables ("the museum database" for museums) would hand over the
    identifier again, so only the others are used."""
    words = {singular_of(w) for name in tables for w in name.split("_")}
    topics = tuple(t for t in topics if not words & {singular_of(w) for w in t.replace("'s", "").split()})
    roll, lowered = rng.random(), question[:1].lower() + question[1:]
    if roll < 0.2 and topics:
        return rng.choice(_FRAMES).format(t=rng.choice(topics), q=lowered)
    one_sentence = question.count("?") == 1 and question.endswith("?") and ". " not in question
    if 0.2 <= roll < 0.5 and one_sentence and question.startswith(("What is the ", "What are the ")):
        return rng.choice(_REQUESTS) + question.split(" the ", 1)[1][:-1] + "."  # "What is the X?" -> "Give the X."
    if 0.5 <= roll < 0.6 and question.startswith(("List ", "Show ", "Give ", "Find ", "Count ", "Calculate ")):
        return "Please " + lowered
    return question


def ask(rng: random.Random, templates: tuple[str, ...], **fields) -> str:
    text = rng.choice(templates).format(**fields)
    return text[:1].upper() + text[1:]
