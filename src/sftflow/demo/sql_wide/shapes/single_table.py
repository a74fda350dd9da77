"""Single-table shapes: filters, counts, aggregates, top k, distinct values."""

from __future__ import annotations

from ..catalog import DATE_KINDS, GROUP_KINDS, NUMBER_KINDS, TEXT_KINDS, Column
from ..conditions import ALL_CONDS, COND_MAKERS, condition, rels
from ..phrasing import (
    ask,
    is_plain,
    is_plural,
    listing,
    plural_of,
    says_label,
    with_article,
)
from ..query_parts import (
    Query,
    label_sql,
    measure,
    order_words,
    outputs,
    pick_table,
    where_clause,
)


def _filter_question(rng, db, table, outs, conds, only_label) -> str:
    fields = dict(outs=outs, T=db.names.many(table), one=db.names.one(table), rel=rels(rng, conds),
                  rel1=rels(rng, conds, plural=False), have=" and ".join(c.have for c in conds))
    templates = ["List the {outs} of {T} {rel}.", "Show the {outs} of all {T} {rel}.",
                 "What are the {outs} of the {T} {rel}?", "Give me the {outs} of {T} {rel}.",
                 "Find the {outs} of every {one} {rel1}.", "Which {T} {have}? Give their {outs}."]
    if only_label and says_label(table):
        templates += ["Which {T} {have}?"] * 2
    return ask(rng, tuple(templates), **fields)


def _filtered(rng, db, table, conds, extra=0.45, order_by: Column | None = None) -> Query | None:
    conds = [c for c in conds if c is not None]
    if not conds or not table.label:
        return None
    avoid = [c.column for c in conds]
    select, outs = outputs(rng, db, table, extra=extra, avoid=avoid)
    sql = f"SELECT {', '.join(select)} FROM {table.name} WHERE {' AND '.join(c.sql for c in conds)}"
    question = _filter_question(rng, db, table, outs, conds, len(select) == len(table.label))
    if order_by is not None:
        sql, question = _sorted_by(rng, db, table, order_by, sql, question)
    return Query(question, sql, (table.name,))


def _sorted_by(rng, db, table, column, sql: str, question: str) -> tuple[str, str]:
    """The query sorted by `column` (descending three times in five) and the question saying so."""
    desc = rng.random() < 0.6
    words = order_words(rng, db.names.column(table, column), desc, column.kind, db.names.event(table, column))
    return f"{sql} ORDER BY {column.name} {'DESC' if desc else 'ASC'}", question + words


def _filter_equal(rng, db):
    table = pick_table(rng, db, lambda t: t.label and t.of(*GROUP_KINDS, "flag"))
    if table is None:
        return None
    conds = [condition(rng, db, table, kinds=("equal", "flag"))]
    if conds[0] and rng.random() < 0.3:
        conds.append(condition(rng, db, table, kinds=ALL_CONDS, avoid=[conds[0].column]))
    return _filtered(rng, db, table, conds)


def _filter_range(rng, db):
    table = pick_table(rng, db, lambda t: t.label and t.of(*NUMBER_KINDS, *DATE_KINDS))
    if table is None:
        return None
    column = rng.choice(table.of(*NUMBER_KINDS, *DATE_KINDS))
    kind = "between" if rng.random() < 0.35 else ("date" if column.kind in DATE_KINDS else "number")
    cond = COND_MAKERS[kind](rng, db, table, column, "")
    if cond is None or rng.random() < 0.35:
        return _filtered(rng, db, table, [cond])
    # Show the compared column too, sometimes sorted by it.
    select = label_sql(table) + [column.name]
    outs = listing([db.names.labels(table), plural_of(db.names.column(table, column))])
    question = _filter_question(rng, db, table, outs, [cond], False)
    sql = f"SELECT {', '.join(select)} FROM {table.name} WHERE {cond.sql}"
    if rng.random() < 0.4:
        sql, question = _sorted_by(rng, db, table, column, sql, question)
    return Query(question, sql, (table.name,))


def _filter_like(rng, db):
    table = pick_table(rng, db, lambda t: t.label and any(not c.nullable for c in t.of(*TEXT_KINDS)))
    if table is None:
        return None
    return _filtered(rng, db, table, [condition(rng, db, table, kinds=("like",))])


def _filter_null(rng, db):
    table = pick_table(rng, db, lambda t: t.label and any(c.nullable and c.kind != "flag" for c in t.columns))
    if table is None:
        return None
    return _filtered(rng, db, table, [condition(rng, db, table, kinds=("null",))], extra=0.3)


def _count_where(rng, db):
    table = pick_table(rng, db, lambda t: True)
    if table is None:
        return None
    T = db.names.many(table)
    if rng.random() < 0.12:
        question = ask(rng, ("How many {T} are there?", "Count the {T} in the database.",
                              "What is the total number of {T}?", "How many {T} are recorded?"), T=T)
        return Query(question, f"SELECT COUNT(*) FROM {table.name}", (table.name,))
    conds = [condition(rng, db, table)]
    if conds[0] and rng.random() < 0.25:
        conds.append(condition(rng, db, table, avoid=[conds[0].column]))
    conds = [c for c in conds if c]
    if not conds:
        return None
    question = ask(rng, ("How many {T} {have}?", "How many {T} are there {rel}?", "Count the {T} {rel}.",
                          "What is the number of {T} {rel}?", "Give me the number of {T} {rel}."),
                    T=T, rel=rels(rng, conds), have=" and ".join(c.have for c in conds))
    return Query(question, f"SELECT COUNT(*) FROM {table.name} WHERE {' AND '.join(c.sql for c in conds)}",
                  (table.name,))


def _count_distinct(rng, db):
    table = pick_table(rng, db, lambda t: t.of(*GROUP_KINDS, "ref"))
    if table is None:
        return None
    column = rng.choice(table.of(*GROUP_KINDS, "ref"))
    cond = condition(rng, db, table, avoid=[column]) if rng.random() < 0.6 else None
    where = f" WHERE {cond.sql}" if cond else ""
    T, rel = db.names.many(table), " " + cond.rel(rng) if cond else ""
    if column.kind == "ref":
        role = plural_of(db.names.role(column))
        templates = ["How many different {role} appear on {T}{rel}?",
                     "How many distinct {role} do the {T}{rel} refer to?"]
        if is_plain(db.tables, column):
            templates += ["How many {role} have at least one {one}{rel1}?"]
        question = ask(rng, tuple(templates), role=role, T=T, rel=rel, one=db.names.one(table),
                        rel1=" " + cond.rel(rng, False) if cond else "")
    else:
        question = ask(rng, ("How many distinct {cs} appear among {T}{rel}?", "Count the different {cs} of {T}{rel}.",
                              "How many different {cs} are there among the {T}{rel}?"),
                        cs=plural_of(db.names.column(table, column)), T=T, rel=rel)
    return Query(question, f"SELECT COUNT(DISTINCT {column.name}) FROM {table.name}{where}", (table.name,))


def _aggregate(rng, db):
    table = pick_table(rng, db, lambda t: t.of("int", "real", *DATE_KINDS))
    if table is None:
        return None
    cond = condition(rng, db, table) if rng.random() < 0.55 else None
    rel = " " + cond.rel(rng) if cond else ""
    where = f" WHERE {cond.sql}" if cond else ""
    dates = table.of(*DATE_KINDS)
    if dates and (rng.random() < 0.25 or not table.of("int", "real")):
        column = rng.choice(dates)
        first = rng.random() < 0.5
        event = db.names.event(table, column)
        templates = (("What is the {which} date on which {a_one}{rel1} {event}?",
                      "Find the {which} date on which any {one}{rel1} {event}.") if event else
                     ("What is the {which} {w} among {T}{rel}?", "When is the {which} {w} of any {one}{rel1}?",
                      "Find the {which} {w} of the {T}{rel}."))
        question = ask(rng, templates, which="earliest" if first else "latest", w=db.names.column(table, column),
                       T=db.names.many(table), one=db.names.one(table), a_one=with_article(db.names.one(table)),
                       event=event, rel=rel, rel1=" " + cond.rel(rng, False) if cond else "")
        sql = f"SELECT {'MIN' if first else 'MAX'}({column.name}) FROM {table.name}{where}"
        return Query(question, sql, (table.name,))
    if rng.random() < 0.15:
        column = rng.choice([c for c in table.of("int", "real")])
        words = plural_of(db.names.column(table, column))
        question = ask(rng, ("What are the lowest and highest {ws} of {T}{rel}?",
                              "Give the minimum and maximum {ws} among {T}{rel}."), ws=words,
                        T=db.names.many(table), rel=rel)
        return Query(question, f"SELECT MIN({column.name}), MAX({column.name}) FROM {table.name}{where}",
                      (table.name,))
    m = measure(rng, db, table)
    question = ask(rng, ("What is the {m} of {T}{rel}?", "Find the {m} among {T}{rel}.",
                          "Calculate the {m} for {T}{rel}.", "Give me the {m} of the {T}{rel}."),
                    m=m.words, T=db.names.many(table), rel=rel) + m.sentence
    return Query(question, f"SELECT {m.sql} FROM {table.name}{where}", (table.name,))


def _top_k(rng, db):
    table = pick_table(rng, db, lambda t: t.label and t.of(*NUMBER_KINDS, *DATE_KINDS))
    if table is None:
        return None
    column = rng.choice(table.of(*NUMBER_KINDS, *DATE_KINDS))
    k, desc = rng.choice((1, 1, 2, 3, 3, 5)), rng.random() < 0.7
    cond = condition(rng, db, table, avoid=[column]) if rng.random() < 0.25 else None
    words = db.names.column(table, column)
    if column.kind in (*DATE_KINDS, "year"):
        hi = rng.choice(("latest", "most recent")) if desc else "earliest"
    elif is_plural(words):
        hi = "most" if desc else "fewest"
    else:
        hi = rng.choice(("highest", "largest")) if desc else rng.choice(("lowest", "smallest"))
    show = rng.random() < 0.5
    select = label_sql(table) + ([column.name] if show else [])
    if k == 1:
        outs = listing([db.names.label(table)] + ([words] if show else []))
    else:
        outs = listing([db.names.labels(table)] + ([plural_of(words)] if show else []))
    fields = dict(k=k, T=db.names.many(table), one=db.names.one(table), w=words, hi=hi, outs=outs,
                  rel=" " + cond.rel(rng) if cond else "", rel1=" " + cond.rel(rng, False) if cond else "",
                  lab=db.names.label(table))
    if k == 1:
        templates = ["Which {one}{rel1} has the {hi} {w}? Give its {outs}.", "Find the {outs} of the {one}{rel1} "
                     "with the {hi} {w}."]
        if not show:
            templates += ["What is the {lab} of the {one}{rel1} with the {hi} {w}?"]
            if says_label(table):
                templates += ["Which {one}{rel1} has the {hi} {w}?"]
    else:
        templates = ["Which {k} {T}{rel} have the {hi} {w}? Give their {outs}.",
                     "List the {outs} of the {k} {T}{rel} with the {hi} {w}.",
                     "What are the {outs} of the {k} {T}{rel} with the {hi} {w}?"]
    where = [cond.sql] if cond else []
    if column.nullable and not desc:  # NULLs sort first in SQLite; "the lowest" means the lowest known value
        where.append(f"{column.name} IS NOT NULL")
    sql = (f"SELECT {', '.join(select)} FROM {table.name}{where_clause(where)} "
           f"ORDER BY {column.name} {'DESC' if desc else 'ASC'} LIMIT {k}")
    return Query(ask(rng, tuple(templates), **fields), sql, (table.name,))


def _distinct(rng, db):
    table = pick_table(rng, db, lambda t: t.groups)
    if table is None:
        return None
    column = rng.choice(table.groups)
    cond = condition(rng, db, table, avoid=[column]) if rng.random() < 0.6 else None
    question = ask(rng, ("List the distinct {cs} of {T}{rel}.", "Which {cs} do the {T}{rel} have? List each once.",
                          "What different {cs} appear among {T}{rel}?", "Show each {c} used by {T}{rel}, once."),
                    c=db.names.column(table, column), cs=plural_of(db.names.column(table, column)),
                    T=db.names.many(table), rel=" " + cond.rel(rng) if cond else "")
    where = f" WHERE {cond.sql}" if cond else ""
    return Query(question, f"SELECT DISTINCT {column.name} FROM {table.name}{where}", (table.name,))


BUILDERS = {
    "filter_equal": _filter_equal,
    "filter_range": _filter_range,
    "filter_like": _filter_like,
    "filter_null": _filter_null,
    "count_where": _count_where,
    "count_distinct": _count_distinct,
    "aggregate": _aggregate,
    "top_k": _top_k,
    "distinct": _distinct,
}
