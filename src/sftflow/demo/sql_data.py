"""Deterministic synthetic text-to-SQL rows shaped like gretelai/synthetic_text_to_sql.

Each row has ``id``, ``domain``, ``shape``, ``sql_prompt``, ``sql_context`` (CREATE TABLE and
INSERT statements, one per line) and ``sql`` (a single-line SQLite query without a trailing
semicolon). Every gold query is executed against its context and kept only if it returns
a non-empty, non-NULL result.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sftflow.sql_sandbox import Rejected, run_query

# Column kinds: L unique label text, C categorical text, I integer, R real, D date text, F foreign key.
_SQL_TYPES = {"L": "TEXT", "C": "TEXT", "D": "TEXT", "I": "INTEGER", "F": "INTEGER", "R": "REAL"}
# Kind groups used when a query shape needs "some numeric column" etc.
_KIND_GROUPS = {"N": "IR", "B": "IRD"}

_PEOPLE = ("Alice Smith", "Bob Jones", "Carla Diaz", "David Lee", "Emma Brown", "Farid Khan",
           "Grace Kim", "Hugo Martin", "Ines Silva", "Jack Wilson", "Kara Novak", "Liam Chen")
_CITIES = ("Boston", "Chicago", "Denver", "Austin", "Seattle", "Miami")


@dataclass(frozen=True)
class Table:
    name: str
    singular: str
    cols: tuple  # ((column, kind, pool), ...) excluding the leading "id INTEGER" column


def _t(name: str, singular: str, *cols: tuple) -> Table:
    return Table(name, singular, tuple(cols))


# domain -> (parent table, child table); the child's F column references parent.id.
_SCHEMAS = {
    "retail": (
        _t("products", "product", ("name", "L", ("Laptop", "Desk Lamp", "Coffee Maker", "Backpack",
           "Headphones", "Blender", "Office Chair", "Water Bottle")),
           ("category", "C", ("Electronics", "Home", "Kitchen", "Outdoor")), ("price", "R", (5, 900))),
        _t("orders", "order", ("product_id", "F", None), ("quantity", "I", (1, 20)),
           ("order_date", "D", (2022, 2024)))),
    "hospital": (
        _t("doctors", "doctor", ("name", "L", _PEOPLE),
           ("specialty", "C", ("Cardiology", "Pediatrics", "Neurology", "Oncology")),
           ("years_experience", "I", (1, 35))),
        _t("patients", "patient", ("doctor_id", "F", None), ("age", "I", (1, 95)),
           ("ward", "C", ("A", "B", "C")), ("admission_date", "D", (2022, 2024)))),
    "school": (
        _t("students", "student", ("name", "L", _PEOPLE),
           ("major", "C", ("Biology", "History", "Mathematics", "Physics")), ("gpa", "R", (2, 4))),
        _t("enrollments", "enrollment", ("student_id", "F", None),
           ("course", "C", ("Algebra", "Chemistry", "Literature", "Statistics")), ("score", "I", (40, 100)))),
    "library": (
        _t("books", "book", ("title", "L", ("Dune", "Emma", "Hamlet", "Ulysses", "Beloved", "Rebecca",
           "Dracula", "Matilda")), ("genre", "C", ("Fiction", "Classic", "Horror", "Drama")),
           ("pages", "I", (90, 900))),
        _t("loans", "loan", ("book_id", "F", None), ("days_borrowed", "I", (1, 30)),
           ("loan_date", "D", (2022, 2024)))),
    "airline": (
        _t("flights", "flight", ("flight_number", "L", ("AA101", "BA202", "DL303", "UA404", "LH505",
           "AF606", "KL707", "QF808")), ("origin", "C", _CITIES[:4]), ("seats", "I", (50, 300))),
        _t("bookings", "booking", ("flight_id", "F", None), ("fare", "R", (80, 1200)),
           ("cabin", "C", ("Economy", "Business", "First")))),
    "hr": (
        _t("departments", "department", ("name", "L", ("Sales", "Marketing", "Finance", "Legal",
           "Engineering", "Support", "Research")), ("city", "C", _CITIES[:3]),
           ("budget", "I", (50000, 900000))),
        _t("employees", "employee", ("department_id", "F", None), ("name", "L", _PEOPLE),
           ("salary", "I", (35000, 160000)), ("hire_date", "D", (2015, 2024)))),
    "movies": (
        _t("movies", "movie", ("title", "L", ("Inception", "Up", "Heat", "Alien", "Jaws", "Rocky",
           "Frozen", "Gravity")), ("genre", "C", ("Action", "Comedy", "Drama", "Sci-Fi")),
           ("release_year", "I", (1975, 2023))),
        _t("reviews", "review", ("movie_id", "F", None), ("rating", "I", (1, 10)),
           ("review_date", "D", (2020, 2024)))),
    "sports": (
        _t("teams", "team", ("name", "L", ("Eagles", "Tigers", "Sharks", "Wolves", "Falcons",
           "Bears", "Lions", "Hawks")), ("city", "C", _CITIES[:4]), ("founded_year", "I", (1880, 2010))),
        _t("players", "player", ("team_id", "F", None), ("name", "L", _PEOPLE),
           ("position", "C", ("Forward", "Midfielder", "Defender")), ("goals", "I", (0, 40)))),
    "banking": (
        _t("customers", "customer", ("name", "L", _PEOPLE), ("city", "C", _CITIES[2:]),
           ("credit_score", "I", (450, 850))),
        _t("transactions", "transaction", ("customer_id", "F", None), ("amount", "R", (10, 5000)),
           ("transaction_type", "C", ("Deposit", "Withdrawal", "Transfer")),
           ("transaction_date", "D", (2023, 2024)))),
    "real_estate": (
        _t("agents", "agent", ("name", "L", _PEOPLE), ("agency", "C", ("Redfin", "Compass", "Remax")),
           ("years_active", "I", (1, 30))),
        _t("properties", "property", ("agent_id", "F", None), ("city", "C", _CITIES),
           ("price", "I", (90000, 1500000)), ("bedrooms", "I", (1, 6)))),
    "restaurants": (
        _t("restaurants", "restaurant", ("name", "L", ("Bella Roma", "Sakura", "Taco Loco",
           "Golden Wok", "Le Bistro", "Curry House", "Green Bowl", "Smokehouse")),
           ("cuisine", "C", ("Italian", "Japanese", "Mexican", "Indian")), ("rating", "R", (2, 5))),
        _t("inspections", "inspection", ("restaurant_id", "F", None), ("score", "I", (60, 100)),
           ("inspection_date", "D", (2021, 2024)))),
    "logistics": (
        _t("warehouses", "warehouse", ("name", "L", ("North Hub", "South Depot", "East Yard",
           "West Center", "Harbor Point", "Central Store", "Valley Base")), ("city", "C", _CITIES[1:5]),
           ("capacity", "I", (1000, 50000))),
        _t("shipments", "shipment", ("warehouse_id", "F", None), ("weight", "R", (1, 2000)),
           ("status", "C", ("Delivered", "In Transit", "Pending")), ("ship_date", "D", (2023, 2024)))),
}
DOMAINS = tuple(_SCHEMAS)

# Readable phrases for column names whose snake_case reads badly.
_COL_WORDS = {"years_experience": "years of experience", "founded_year": "founding year",
              "gpa": "GPA", "weight": "weight in kg"}

_AGGS = (("SUM", ("total",)), ("AVG", ("average", "mean")), ("MIN", ("minimum", "lowest")),
         ("MAX", ("maximum", "highest")))
_CMP = {">": ("greater than", "more than", "above", "over"), "<": ("less than", "below", "under")}

# Phrasings per shape; fields are filled by str.format, unused fields are ignored.
_TEMPLATES = {
    "filter_eq": ("List the {labs} of all {t} with {c} '{v}'.", "Which {t} have {c} '{v}'?",
                  "Show the {labs} of {t} whose {c} is '{v}'.", "Find every {one} in {c} '{v}'.",
                  "Get the {labs} of {t} where the {c} equals '{v}'."),
    "filter_compare": ("List the {labs} and {c} of {t} with {c} {cmp} {n}.",
                       "Which {t} have {c} {cmp} {n}?", "Show {t} whose {c} is {cmp} {n}.",
                       "Find the {labs} of {t} with {c} {cmp} {n}, including the {c}."),
    "filter_between": ("List the {labs} of {t} with {c} between {a} and {b}.",
                       "Which {t} have {c} from {a} to {b}?",
                       "Show {t} whose {c} falls between {a} and {b}.",
                       "Find all {t} with {c} in the range {a} to {b}."),
    "filter_like": ("List the {t} whose {lab} starts with '{p}'.",
                    "Which {t} have a {lab} beginning with '{p}'?",
                    "Find {t} with a {lab} that begins with '{p}'.",
                    "Show every {olab} starting with '{p}'."),
    "aggregate": ("What is the {aggw} {c} of all {t}?", "Calculate the {aggw} {c} across {t}.",
                  "Find the {aggw} {c} among {t}.", "Show the {aggw} {c} of {t}."),
    "aggregate_count": ("How many {t} are there?", "Count the number of {t}.",
                        "What is the total number of {t}?", "Return the count of {t}."),
    "aggregate_where": ("What is the {aggw} {c} of {t} {cond}?", "Calculate the {aggw} {c} for {t} {cond}.",
                        "Find the {aggw} {c} among {t} {cond}.", "Give me the {aggw} {c} of {t} {cond}."),
    "aggregate_where_count": ("How many {t} are there {cond}?", "Count the {t} {cond}.",
                              "What is the number of {t} {cond}?", "Return the count of {t} {cond}."),
    "group_by": ("What is the {aggw} {c} for each {g}?", "Show the {aggw} {c} of {t} per {g}.",
                 "For each {g}, find the {aggw} {c} of {t}.", "List each {g} with the {aggw} {c}."),
    "group_by_count": ("How many {t} are there in each {g}?", "Count the {t} by {g}.",
                       "Show the number of {t} per {g}.", "For each {g}, how many {t} are there?"),
    "group_by_having": ("For which {gs} is the {aggw} {c} above {n}?",
                        "List the {gs} whose {aggw} {c} exceeds {n}.",
                        "Show each {g} where the {aggw} {c} of {t} is more than {n}.",
                        "Find {gs} where the {aggw} {c} is greater than {n}, with that value."),
    "group_by_having_count": ("Which {gs} have more than {n} {t}?", "List {gs} with over {n} {t}.",
                              "Show each {g} that has more than {n} {t}, with the count.",
                              "Find the {gs} shared by more than {n} {t}."),
    "top_k": ("List the top {k} {t} by {c}.", "Which {k} {t} have the {hi} {c}?",
              "Show the {k} {t} with the {hi} {c}.", "What are the {labs} of the {k} {t} with the {hi} {c}?",
              "Find the {k} {t} that have the {hi} {c}."),
    "distinct": ("List the distinct {gs} of {t}{cond}.", "What are the unique {gs} among {t}{cond}?",
                 "Show all different {gs} found in {t}{cond}.", "Which {gs} appear in {t}{cond}?"),
    "join_filter": ("List the {olab} and the {cc} for {scope}.",
                    "Show the {cc} of {ct} along with the {olab}, for {scope} only.",
                    "For {scope}, what are the {one} {labs} and the matching {ccs}?",
                    "Find the {labs} of {t} and the {cc} of their {ct}, for {scope}."),
    "join_aggregate": ("What is the {aggw} {cc} of {ct} for each {one}?",
                       "Show each {olab} with the {aggw} {cc} of its {ct}.",
                       "For every {one}, list the {lab} and the {aggw} {cc} across its {ct}.",
                       "Calculate the {aggw} {cc} of {ct} per {olab}."),
    "join_aggregate_count": ("How many {ct} does each {one} have?", "Count the {ct} for each {olab}.",
                             "List each {olab} with its number of {ct}.",
                             "Show the number of {ct} per {one}."),
}


@dataclass(frozen=True)
class _Data:
    parent: Table
    child: Table
    rows: dict  # table name -> list of row tuples (id first)

    def values(self, t: Table, col: str) -> list:
        idx = 1 + [c for c, _, _ in t.cols].index(col)
        return [r[idx] for r in self.rows[t.name]]


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + ("es" if word.endswith("s") else "s")


def _words(col: str) -> str:
    return _COL_WORDS.get(col, col.replace("_", " "))


def _cols(t: Table, kind: str) -> list[str]:
    kinds = _KIND_GROUPS.get(kind, kind)
    return [c for c, k, _ in t.cols if k in kinds]


def _label(t: Table) -> str:
    return (_cols(t, "L") or ["id"])[0]


def _pick_table(rng: random.Random, d: _Data, needs: str) -> Table | None:
    candidates = [t for t in (d.parent, d.child) if all(_cols(t, k) for k in needs)]
    return rng.choice(candidates) if candidates else None


def _lit(v) -> str:
    return "'" + v.replace("'", "''") + "'" if isinstance(v, str) else repr(v)


def _value(rng: random.Random, kind: str, pool, n_parent: int):
    if kind == "C":
        return rng.choice(pool)
    if kind == "F":
        return rng.randint(1, n_parent)
    if kind == "R":
        return round(rng.uniform(*pool), 2)
    if kind == "D":
        return f"{rng.randint(*pool)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    lo, hi = pool  # kind "I": round big amounts so they look like real prices and salaries
    step = 1000 if hi >= 100000 else 100 if hi >= 10000 else 1
    return rng.randint(lo // step, hi // step) * step


def _sample_rows(rng: random.Random, t: Table, n_parent: int) -> list[tuple]:
    n = rng.randint(3, 6)
    labels = {c: rng.sample(pool, n) for c, k, pool in t.cols if k == "L"}
    return [(i + 1,) + tuple(labels[c][i] if k == "L" else _value(rng, k, pool, n_parent)
                             for c, k, pool in t.cols) for i in range(n)]


def _sample_data(rng: random.Random, domain: str) -> _Data:
    parent, child = _SCHEMAS[domain]
    prows = _sample_rows(rng, parent, 0)
    return _Data(parent, child, {parent.name: prows, child.name: _sample_rows(rng, child, len(prows))})


def _context(d: _Data, tables: tuple) -> str:
    lines = []
    for t in tables:
        cols = ", ".join(["id INTEGER"] + [f"{c} {_SQL_TYPES[k]}" for c, k, _ in t.cols])
        lines.append(f"CREATE TABLE {t.name} ({cols});")
    for t in tables:
        vals = ", ".join("(" + ", ".join(_lit(v) for v in r) + ")" for r in d.rows[t.name])
        lines.append(f"INSERT INTO {t.name} VALUES {vals};")
    return "\n".join(lines)


def _fields(t: Table, **kw) -> dict:
    lab = _label(t)
    words = _words(lab)
    olab = words if words.startswith(t.singular) else f"{t.singular} {words}"  # not "flight flight number"
    f = {"t": t.name.replace("_", " "), "one": t.singular, "lab": words, "labs": _plural(words), "olab": olab}
    return {**f, **kw}


def _say(rng: random.Random, key: str, fields: dict) -> str:
    return rng.choice(_TEMPLATES[key]).format(**fields)


def _agg(rng: random.Random) -> tuple[str, str]:
    func, words = rng.choice(_AGGS)
    return func, rng.choice(words)


def _condition(rng: random.Random, d: _Data, t: Table, avoid: str = "") -> tuple[str, str] | None:
    """A random WHERE clause on t as (sql, phrase); None if t has no usable column."""
    cols = [c for c in _cols(t, "C") + _cols(t, "N") if c != avoid]
    if not cols:
        return None
    c = rng.choice(cols)
    if c in _cols(t, "C"):
        v = rng.choice(d.values(t, c))
        return f"{c} = {_lit(v)}", rng.choice((f"whose {_words(c)} is '{v}'", f"with {_words(c)} '{v}'"))
    op = rng.choice((">", "<"))
    n = int(rng.choice(d.values(t, c)))
    return f"{c} {op} {n}", rng.choice((f"with {_words(c)} {rng.choice(_CMP[op])} {n}",
                                        f"whose {_words(c)} is {rng.choice(_CMP[op])} {n}"))


# ---- query shapes: each returns (prompt, sql, tables used), or None to retry with new data ----

def _filter_eq(rng, d):
    t = _pick_table(rng, d, "C")
    c = rng.choice(_cols(t, "C"))
    v = rng.choice(d.values(t, c))
    sql = f"SELECT {_label(t)} FROM {t.name} WHERE {c} = {_lit(v)}"
    return _say(rng, "filter_eq", _fields(t, c=_words(c), v=v)), sql, (t,)


def _filter_compare(rng, d):
    t = _pick_table(rng, d, "N")
    c = rng.choice(_cols(t, "N"))
    op = rng.choice((">", "<"))
    n = int(rng.choice(d.values(t, c)))
    sql = f"SELECT {_label(t)}, {c} FROM {t.name} WHERE {c} {op} {n}"
    fields = _fields(t, c=_words(c), cmp=rng.choice(_CMP[op]), n=n)
    return _say(rng, "filter_compare", fields), sql, (t,)


def _filter_between(rng, d):
    t = _pick_table(rng, d, "B")
    c = rng.choice(_cols(t, "B"))
    distinct = sorted(set(d.values(t, c)))  # sorted, so set order never leaks into the output
    if len(distinct) < 2:
        return None
    a, b = sorted(rng.sample(distinct, 2))
    if isinstance(a, float):  # widen to whole numbers so the prompt reads naturally
        a, b = int(a), int(b) + 1
    sql = f"SELECT {_label(t)}, {c} FROM {t.name} WHERE {c} BETWEEN {_lit(a)} AND {_lit(b)}"
    return _say(rng, "filter_between", _fields(t, c=_words(c), a=a, b=b)), sql, (t,)


def _filter_like(rng, d):
    t = _pick_table(rng, d, "L")
    c = _label(t)
    p = rng.choice(d.values(t, c))[: rng.randint(1, 2)]
    sql = f"SELECT {c} FROM {t.name} WHERE {c} LIKE {_lit(p + '%')}"
    return _say(rng, "filter_like", _fields(t, p=p)), sql, (t,)


def _aggregate(rng, d, where: bool = False):
    t = _pick_table(rng, d, "N")
    cond_sql, phrase = _condition(rng, d, t) if where else ("", "")
    key = "aggregate_where" if where else "aggregate"
    fields = _fields(t, cond=phrase)
    if rng.random() < 0.3:
        key, sel = key + "_count", "COUNT(*)"
    else:
        func, word = _agg(rng)
        c = rng.choice(_cols(t, "N"))
        sel = f"{func}({c})"
        fields.update(c=_words(c), aggw=word)
    tail = f" WHERE {cond_sql}" if where else ""
    return _say(rng, key, fields), f"SELECT {sel} FROM {t.name}{tail}", (t,)


def _aggregate_where(rng, d):
    return _aggregate(rng, d, where=True)


def _group_by(rng, d, having: bool = False):
    t = _pick_table(rng, d, "C")
    g = rng.choice(_cols(t, "C"))
    nums = _cols(t, "N")
    fields = _fields(t, g=_words(g), gs=_plural(_words(g)), n=1)
    key = "group_by_having" if having else "group_by"
    if nums and rng.random() < 0.7:
        func, word = _agg(rng)
        c = rng.choice(nums)
        sel = f"{func}({c})"
        fields.update(c=_words(c), aggw=word, n=int(rng.choice(d.values(t, c))))
    else:
        key, sel = key + "_count", "COUNT(*)"
    tail = f" HAVING {sel} > {fields['n']}" if having else ""
    sql = f"SELECT {g}, {sel} FROM {t.name} GROUP BY {g}{tail}"
    return _say(rng, key, fields), sql, (t,)


def _group_by_having(rng, d):
    return _group_by(rng, d, having=True)


def _top_k(rng, d):
    t = _pick_table(rng, d, "N")
    c = rng.choice(_cols(t, "N"))
    k = rng.randint(2, 3)
    desc = rng.random() < 0.7
    sql = f"SELECT {_label(t)}, {c} FROM {t.name} ORDER BY {c} {'DESC' if desc else 'ASC'} LIMIT {k}"
    hi = rng.choice(("highest", "largest") if desc else ("lowest", "smallest"))
    return _say(rng, "top_k", _fields(t, c=_words(c), k=k, hi=hi)), sql, (t,)


def _distinct(rng, d):
    t = _pick_table(rng, d, "C")
    g = rng.choice(_cols(t, "C"))
    cond = _condition(rng, d, t, avoid=g) if rng.random() < 0.5 else None
    tail = f" WHERE {cond[0]}" if cond else ""
    fields = _fields(t, gs=_plural(_words(g)), cond=" " + cond[1] if cond else "")
    return _say(rng, "distinct", fields), f"SELECT DISTINCT {g} FROM {t.name}{tail}", (t,)


def _join_parts(d: _Data) -> tuple[str, str, str]:
    """Aliases and the FROM ... JOIN clause linking child rows to their parent."""
    p, c = d.parent, d.child
    pa, ca = p.name[0], c.name[0] if c.name[0] != p.name[0] else c.name[:2]
    fk = _cols(c, "F")[0]
    return pa, ca, f"FROM {c.name} {ca} JOIN {p.name} {pa} ON {ca}.{fk} = {pa}.id"


def _join_filter(rng, d):
    pa, ca, join = _join_parts(d)
    p, c = d.parent, d.child
    on_parent = rng.random() < 0.5
    cond_sql, phrase = _condition(rng, d, p if on_parent else c)
    col = rng.choice([x for x, k, _ in c.cols if k != "F"])
    cc = f"{c.singular} {_words(col)}" if col in _cols(c, "L") else _words(col)  # "player name", not "name"
    sql = f"SELECT {pa}.{_label(p)}, {ca}.{col} {join} WHERE {pa if on_parent else ca}.{cond_sql}"
    scope = f"{(p if on_parent else c).name.replace('_', ' ')} {phrase}"
    fields = _fields(p, ct=c.name, cc=cc, ccs=_plural(cc), scope=scope)
    return _say(rng, "join_filter", fields), sql, (p, c)


def _join_aggregate(rng, d):
    pa, ca, join = _join_parts(d)
    p, c = d.parent, d.child
    fields = _fields(p, ct=c.name)
    if rng.random() < 0.3:
        key, sel = "join_aggregate_count", f"COUNT({ca}.id)"
    else:
        func, word = _agg(rng)
        col = rng.choice(_cols(c, "N"))
        key, sel = "join_aggregate", f"{func}({ca}.{col})"
        fields.update(aggw=word, cc=_words(col))
    sql = f"SELECT {pa}.{_label(p)}, {sel} {join} GROUP BY {pa}.{_label(p)}"
    return _say(rng, key, fields), sql, (p, c)


_BUILDERS = {
    "filter_eq": _filter_eq, "filter_compare": _filter_compare, "filter_between": _filter_between,
    "filter_like": _filter_like, "aggregate": _aggregate, "aggregate_where": _aggregate_where,
    "group_by": _group_by, "group_by_having": _group_by_having, "top_k": _top_k,
    "distinct": _distinct, "join_filter": _join_filter, "join_aggregate": _join_aggregate,
}
SHAPES = tuple(_BUILDERS)


def _is_good(sql_context: str, sql: str) -> bool:
    try:
        rows = run_query(sql_context, sql, timeout_s=5.0)
    except (ValueError, Rejected):
        return False
    # Aggregates over empty sets give NULL; the data itself never holds NULLs.
    return bool(rows) and all(v is not None for r in rows for v in r)


def _make_row(rng: random.Random, domain: str, shape: str, tries: int = 30) -> dict:
    """Sample data and a query of the given shape until the gold query returns real rows."""
    for _ in range(tries):
        d = _sample_data(rng, domain)
        built = _BUILDERS[shape](rng, d)
        if built is None:
            continue
        prompt, sql, tables = built
        context = _context(d, tables)
        if _is_good(context, sql):
            return {"domain": domain, "shape": shape, "sql_prompt": prompt,
                    "sql_context": context, "sql": sql}
    raise RuntimeError(f"could not build a {shape!r} query for domain {domain!r}")


def generate_rows(n: int, seed: int = 0) -> list[dict]:
    """Return ``n`` distinct rows, deterministic for a given ``(n, seed)``."""
    rng = random.Random(seed)
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()  # membership only; never iterated, so hash order is irrelevant
    while len(rows) < n:
        row = _make_row(rng, rng.choice(DOMAINS), rng.choice(SHAPES))
        key = (row["sql_context"], row["sql_prompt"])
        if key not in seen:
            seen.add(key)
            rows.append({"id": len(rows), **row})
    return rows


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    """Write rows to a temp file beside ``path`` and rename it, so readers never see half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_splits(out_dir, n_train: int, n_test: int, seed: int = 0) -> dict[str, Path]:
    """Write disjoint ``train.jsonl`` and ``test.jsonl`` into ``out_dir``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = generate_rows(n_train + n_test, seed)  # rows are unique, so the two slices are disjoint
    splits = {"train": rows[:n_train], "test": rows[n_train:]}
    paths = {}
    for name, split in splits.items():
        paths[name] = out / f"{name}.jsonl"
        _write_jsonl(paths[name], [{**r, "id": i} for i, r in enumerate(split)])
    return paths
