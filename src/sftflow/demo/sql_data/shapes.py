"""The query shapes: each builds (question, gold SQL, tables used) from one sampled database, phrased with a
template from phrasing.yaml; None asks for new data."""

from __future__ import annotations

import random
from importlib import resources

import yaml

from .tables import Data, Table, cols, label, lit

_PHRASING = yaml.safe_load(resources.files(__package__).joinpath("phrasing.yaml").read_text(encoding="utf-8"))
_AGGS = tuple((func, tuple(words)) for func, words in _PHRASING["aggregates"].items())
_CMP = {op: tuple(words) for op, words in _PHRASING["comparisons"].items()}
_COL_WORDS = _PHRASING["column_words"]  # readable phrases for column names whose snake_case reads badly
_TEMPLATES = {shape: tuple(templates) for shape, templates in _PHRASING["templates"].items()}


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + ("es" if word.endswith("s") else "s")


def _words(col: str) -> str:
    return _COL_WORDS.get(col, col.replace("_", " "))


def _pick_table(rng: random.Random, d: Data, needs: str) -> Table | None:
    candidates = [t for t in (d.parent, d.child) if all(cols(t, k) for k in needs)]
    return rng.choice(candidates) if candidates else None


def _fields(t: Table, **kw) -> dict:
    lab = label(t)
    words = _words(lab)
    olab = words if words.startswith(t.singular) else f"{t.singular} {words}"  # not "flight flight number"
    f = {"t": t.name.replace("_", " "), "one": t.singular, "lab": words, "labs": _plural(words), "olab": olab}
    return {**f, **kw}


def _say(rng: random.Random, key: str, fields: dict) -> str:
    return rng.choice(_TEMPLATES[key]).format(**fields)


def _agg(rng: random.Random) -> tuple[str, str]:
    func, words = rng.choice(_AGGS)
    return func, rng.choice(words)


def _condition(rng: random.Random, d: Data, t: Table, avoid: str = "") -> tuple[str, str] | None:
    """A random WHERE clause on t as (sql, phrase); None if t has no usable column."""
    usable = [c for c in cols(t, "C") + cols(t, "N") if c != avoid]
    if not usable:
        return None
    c = rng.choice(usable)
    if c in cols(t, "C"):
        v = rng.choice(d.values(t, c))
        return f"{c} = {lit(v)}", rng.choice((f"whose {_words(c)} is '{v}'", f"with {_words(c)} '{v}'"))
    op = rng.choice((">", "<"))
    n = int(rng.choice(d.values(t, c)))
    return f"{c} {op} {n}", rng.choice((f"with {_words(c)} {rng.choice(_CMP[op])} {n}",
                                        f"whose {_words(c)} is {rng.choice(_CMP[op])} {n}"))


# ---- query shapes: each returns (prompt, sql, tables used), or None to retry with new data ----

def _filter_eq(rng, d):
    t = _pick_table(rng, d, "C")
    c = rng.choice(cols(t, "C"))
    v = rng.choice(d.values(t, c))
    sql = f"SELECT {label(t)} FROM {t.name} WHERE {c} = {lit(v)}"
    return _say(rng, "filter_eq", _fields(t, c=_words(c), v=v)), sql, (t,)


def _filter_compare(rng, d):
    t = _pick_table(rng, d, "N")
    c = rng.choice(cols(t, "N"))
    op = rng.choice((">", "<"))
    n = int(rng.choice(d.values(t, c)))
    sql = f"SELECT {label(t)}, {c} FROM {t.name} WHERE {c} {op} {n}"
    fields = _fields(t, c=_words(c), cmp=rng.choice(_CMP[op]), n=n)
    return _say(rng, "filter_compare", fields), sql, (t,)


def _filter_between(rng, d):
    t = _pick_table(rng, d, "B")
    c = rng.choice(cols(t, "B"))
    distinct = sorted(set(d.values(t, c)))  # sorted, so set order never leaks into the output
    if len(distinct) < 2:
        return None
    a, b = sorted(rng.sample(distinct, 2))
    if isinstance(a, float):  # widen to whole numbers so the prompt reads naturally
        a, b = int(a), int(b) + 1
    sql = f"SELECT {label(t)}, {c} FROM {t.name} WHERE {c} BETWEEN {lit(a)} AND {lit(b)}"
    return _say(rng, "filter_between", _fields(t, c=_words(c), a=a, b=b)), sql, (t,)


def _filter_like(rng, d):
    t = _pick_table(rng, d, "L")
    c = label(t)
    p = rng.choice(d.values(t, c))[: rng.randint(1, 2)]
    sql = f"SELECT {c} FROM {t.name} WHERE {c} LIKE {lit(p + '%')}"
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
        c = rng.choice(cols(t, "N"))
        sel = f"{func}({c})"
        fields.update(c=_words(c), aggw=word)
    tail = f" WHERE {cond_sql}" if where else ""
    return _say(rng, key, fields), f"SELECT {sel} FROM {t.name}{tail}", (t,)


def _aggregate_where(rng, d):
    return _aggregate(rng, d, where=True)


def _group_by(rng, d, having: bool = False):
    t = _pick_table(rng, d, "C")
    g = rng.choice(cols(t, "C"))
    nums = cols(t, "N")
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
    c = rng.choice(cols(t, "N"))
    k = rng.randint(2, 3)
    desc = rng.random() < 0.7
    sql = f"SELECT {label(t)}, {c} FROM {t.name} ORDER BY {c} {'DESC' if desc else 'ASC'} LIMIT {k}"
    hi = rng.choice(("highest", "largest") if desc else ("lowest", "smallest"))
    return _say(rng, "top_k", _fields(t, c=_words(c), k=k, hi=hi)), sql, (t,)


def _distinct(rng, d):
    t = _pick_table(rng, d, "C")
    g = rng.choice(cols(t, "C"))
    cond = _condition(rng, d, t, avoid=g) if rng.random() < 0.5 else None
    tail = f" WHERE {cond[0]}" if cond else ""
    fields = _fields(t, gs=_plural(_words(g)), cond=" " + cond[1] if cond else "")
    return _say(rng, "distinct", fields), f"SELECT DISTINCT {g} FROM {t.name}{tail}", (t,)


def _join_parts(d: Data) -> tuple[str, str, str]:
    """Aliases and the FROM ... JOIN clause linking child rows to their parent."""
    p, c = d.parent, d.child
    pa, ca = p.name[0], c.name[0] if c.name[0] != p.name[0] else c.name[:2]
    fk = cols(c, "F")[0]
    return pa, ca, f"FROM {c.name} {ca} JOIN {p.name} {pa} ON {ca}.{fk} = {pa}.id"


def _join_filter(rng, d):
    pa, ca, join = _join_parts(d)
    p, c = d.parent, d.child
    on_parent = rng.random() < 0.5
    cond_sql, phrase = _condition(rng, d, p if on_parent else c)
    col = rng.choice([x for x, k, _ in c.cols if k != "F"])
    cc = f"{c.singular} {_words(col)}" if col in cols(c, "L") else _words(col)  # "player name", not "name"
    sql = f"SELECT {pa}.{label(p)}, {ca}.{col} {join} WHERE {pa if on_parent else ca}.{cond_sql}"
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
        col = rng.choice(cols(c, "N"))
        key, sel = "join_aggregate", f"{func}({ca}.{col})"
        fields.update(aggw=word, cc=_words(col))
    sql = f"SELECT {pa}.{label(p)}, {sel} {join} GROUP BY {pa}.{label(p)}"
    return _say(rng, key, fields), sql, (p, c)


BUILDERS = {
    "filter_eq": _filter_eq, "filter_compare": _filter_compare, "filter_between": _filter_between,
    "filter_like": _filter_like, "aggregate": _aggregate, "aggregate_where": _aggregate_where,
    "group_by": _group_by, "group_by_having": _group_by_having, "top_k": _top_k,
    "distinct": _distinct, "join_filter": _join_filter, "join_aggregate": _join_aggregate,
}
SHAPES = tuple(BUILDERS)
