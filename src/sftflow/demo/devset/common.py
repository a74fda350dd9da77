"""What every development-database builder draws on: its schema file, dates and times, people, weighted picks.

Every helper takes the builder's ``random.Random`` and draws from it in a fixed order, so a database's rows
depend only on its seed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Callable
from importlib import resources

FIRST_NAMES = ("Amara", "Ben", "Chloe", "Dmitri", "Elena", "Felix", "Gemma", "Hassan", "Isla", "Jonah",
               "Keiko", "Lars", "Maya", "Nikhil", "Olivia", "Pablo", "Quinn", "Rosa", "Samir", "Tessa",
               "Umar", "Vera", "Wes", "Ximena", "Yusuf", "Zoe", "Aidan", "Bianca", "Cyrus", "Daria",
               "Emeka", "Freya", "Gabriel", "Hana", "Ivan", "Jasmine", "Kofi", "Lucia", "Mateo", "Nora",
               "Oskar", "Priya", "Rafael", "Sienna", "Theo", "Valentina", "Wei", "Yara")
LAST_NAMES = ("Abbott", "Bergstrom", "Castillo", "Dubois", "Eriksen", "Fischer", "Gallagher", "Haddad",
              "Ibarra", "Jovanovic", "Kowalski", "Laurent", "Mbeki", "Nakamura", "O'Connor", "Petrov",
              "Quintero", "Rossi", "Sandoval", "Takahashi", "Underwood", "Varga", "Whitfield", "Xu",
              "Yilmaz", "Zimmerman", "Adeyemi", "Bauer", "Chowdhury", "Delgado", "Esposito", "Fontaine",
              "Greene", "Horvath", "Iqbal", "Jensen", "Kaur", "Lindgren", "Moreno", "Novak", "Okafor",
              "Park", "Ramirez", "Schultz", "Tanaka", "Volkov", "Walsh", "Yamada")
# When people ride and listen, hour by hour from midnight: a morning and a larger evening peak.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 5, 12, 16, 9, 6, 7, 9, 8, 7, 9, 13, 17, 12, 8, 5, 3, 2, 1)

Rows = dict[str, list[tuple]]  # table -> rows, parents before children (the order they are inserted in)


def schema(db_id: str) -> str:
    """The CREATE TABLE statements in ``<db_id>.sql`` beside this module."""
    text = resources.files(__package__).joinpath(f"{db_id}.sql").read_text(encoding="utf-8")
    # The fingerprint in each file's PRAGMA user_version was taken over the schema with a leading newline
    # (it was a triple-quoted string): keep it, so files built before the schemas moved stay current.
    return "\n" + text


def date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def iso_day_between(rng: random.Random, start: str, end: str) -> str:
    """A day from ``start`` to ``end`` (ISO dates, both included), as an ISO date."""
    return day_between(rng, date(start), date(end)).isoformat()


def seasonal_day(rng: random.Random, years: tuple[int, ...], month_weights: tuple[int, ...]) -> dt.date:
    year = rng.choice(years)
    month = rng.choices(range(1, 13), weights=month_weights)[0]
    return dt.date(year, month, rng.randint(1, calendar.monthrange(year, month)[1]))


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def at(rng: random.Random, day: dt.date, hour: int, seconds: bool = False) -> dt.datetime:
    """``day`` at ``hour`` and a random minute (and second, when asked; else 0)."""
    minute = rng.randint(0, 59)
    return dt.datetime.combine(day, dt.time(hour, minute, rng.randint(0, 59) if seconds else 0))


def busy_hour(rng: random.Random) -> int:
    """An hour of the day, weighted by HOUR_WEIGHTS."""
    return rng.choices(range(24), weights=HOUR_WEIGHTS)[0]


def stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def pick(rng: random.Random, weighted: dict):
    """One key of ``weighted`` (value -> weight)."""
    return rng.choices(tuple(weighted), weights=tuple(weighted.values()))[0]


def unless(rng: random.Random, missing: float, make: Callable, *args):
    """None with probability ``missing`` (a NULL in the column), else ``make(*args)``: one draw, then make's."""
    return None if rng.random() < missing else make(*args)


def unique_people(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """n distinct (first, last) name pairs, so a question can name a person unambiguously."""
    pairs = [(f, s) for f in FIRST_NAMES for s in LAST_NAMES]
    return rng.sample(pairs, n)


def email(first: str, last: str, n: int, domain: str) -> str:
    return f"{first}.{last}{n}@{domain}".lower().replace("'", "")


def chronological(rows: list[tuple], col: int) -> list[tuple]:
    """Rows sorted by column ``col`` and renumbered 1..n: ids follow the calendar as in a live system."""
    rows = sorted(rows, key=lambda r: (r[col], r[0]))
    return [(i,) + r[1:] for i, r in enumerate(rows, 1)]
