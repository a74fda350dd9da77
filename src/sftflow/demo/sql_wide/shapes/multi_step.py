"""Multi-step shapes: chains of joins, ratios, subqueries, anti-joins, date differences."""

from __future__ import annotations

from ..catalog import DATE_KINDS, Column, Table
from ..conditions import Cond, column_ref, condition
from ..phrasing import (
    ask,
    is_plural,
    listing,
    plural_of,
    rounding,
    says_label,
    with_article,
)
from ..query_parts import (
    COUNT,
    Link,
    Query,
    alias_for,
    chain_join,
    group_column,
    join_words,
    label_sql,
    measure,
    outputs,
    pick_chain,
    pick_link,
    pick_table,
    query_values,
    threshold,
    where_clause,
)
from ..sampling import Db


def _chain_words(db: Db, chain: list[Link]) -> dict:
    start, end = chain[0].child, chain[-1].parent
    roles = [db.names.role(link.ref) for link in chain]
    return dict(A=db.names.many(start), a1=db.names.one(start), E=db.names.many(end), e1=db.names.one(end),
                B=db.names.many(chain[0].parent), path="'s ".join(roles), elab=db.names.labels(end),
                elab1=db.names.label(end))


def _join_chain(rng, db):
    chain = pick_chain(rng, db)
    if chain is None:
        return None
    start, end, f = chain[0], chain[-1], _chain_words(db, chain)
    tables = tuple([start.child.name] + [link.parent.name for link in chain])
    roll = rng.random()
    if roll < 0.55:  # something about the far end filters the rows at the start
        cond = condition(rng, db, end.parent, end.pa)
        if cond is None:
            return None
        f.update(rel=cond.rel(rng), has=cond.has)
        if roll < 0.25:
            select, question = ["COUNT(*)"], ask(rng, ("How many {A} are linked to {E} {rel}?",
                                                        "How many {A} are there whose {path} {has}?",
                                                        "Count the {A} for {E} {rel}."), **f)
        elif roll < 0.35 and start.child.of("int", "real"):
            m = measure(rng, db, start.child, start.ca)
            select = [m.sql]
            question = ask(rng, ("What is the {m} of {A} linked to {E} {rel}?",
                                  "Calculate the {m} of the {A} whose {path} {has}."), m=m.words, **f) + m.sentence
        else:
            if not start.child.label:
                return None
            select, outs = outputs(rng, db, start.child, start.ca)
            question = ask(rng, ("List the {outs} of {A} whose {path} {has}.", "Show the {outs} of all {A} linked "
                                  "to {E} {rel}.", "What are the {outs} of the {A} that belong to {E} {rel}?",
                                  "Find the {outs} of {A} for {E} {rel}."), outs=outs, **f)
    else:  # far-end rows that have some kind of start row
        cond = condition(rng, db, start.child, start.ca)
        if cond is None:
            return None
        f.update(rel=cond.rel(rng), rel1=cond.rel(rng, False))
        select = ["DISTINCT " + ", ".join(label_sql(end.parent, end.pa))]
        templates = ["List the {elab} of {E} linked to {A} {rel}.",
                     "Give me the {elab} of every {e1} with at least one {a1} {rel1}."]
        templates += ["Which {E} have {A} {rel}?"] * says_label(end.parent)
        question = ask(rng, tuple(templates), **f)
    sql = f"SELECT {', '.join(select)} FROM {chain_join(chain)} WHERE {cond.sql}"
    return Query(question, sql, tables)


def _join_chain_group(rng, db):
    chain = pick_chain(rng, db)
    if chain is None or not says_label(chain[-1].parent):
        return None
    start, end, f = chain[0], chain[-1], _chain_words(db, chain)
    tables = tuple([start.child.name] + [link.parent.name for link in chain])
    m = (measure(rng, db, start.child, start.ca, funcs=("SUM", "AVG")) if rng.random() < 0.45 else None) or COUNT
    source = chain_join(chain)
    by_group = group_column(rng, end.parent) if rng.random() < 0.25 else None
    if by_group is not None:  # grouped by a column of the far table
        g = db.names.column(end.parent, by_group)
        question = ask(rng, (f"For each {g} of {{E}}, what is the {m.words} of {{A}}?",
                              f"Show the {m.words} of {{A}} per {g} of their {{e1}}."), **f)
        sql = f"SELECT {end.pa}.{by_group.name}, {m.sql} FROM {source} GROUP BY {end.pa}.{by_group.name}"
        return Query(question + m.sentence, sql, tables)
    select = ", ".join(label_sql(end.parent, end.pa))
    group = f" FROM {source} GROUP BY {end.pa}.{end.parent.pk.name}"
    roll = rng.random()
    if roll < 0.35:
        k = rng.choice((1, 2, 3, 3))
        templates = ((f"Which {{e1}} has the highest {m.words} of {{A}}? Give the {{elab1}} and that {m.words}.",)
                     if k == 1 else (f"Which {k} {{E}} have the highest {m.words} of {{A}}? Give their {{elab}} and "
                                     f"the {m.words}.", f"List the {{elab}} of the top {k} {{E}} by {m.words} of "
                                     f"{{A}}, with the {m.words}."))
        question = ask(rng, templates, **f)
        sql = f"SELECT {select}, {m.sql}{group} ORDER BY {m.sql} DESC LIMIT {k}"
    else:
        question = ask(rng, (f"For each {{e1}}, what is the {m.words} of {{A}}? Give the {{elab1}} and the "
                              f"{m.words}.", f"Show the {{elab}} of the {{E}} with the {m.words} of {{A}} across "
                              f"their {{B}}.", f"What is the {m.words} of {{A}} for each {{e1}}? List the {{elab1}} "
                              "with it."), **f)
        sql = f"SELECT {select}, {m.sql}{group}"
        if roll > 0.7:
            sql += f" ORDER BY {m.sql} DESC"
            question += " Show the highest first."
    return Query(question + m.sentence, sql, tables)


def _percentage(cond: Cond, decimals: int) -> str:
    return f"ROUND(100.0 * SUM(CASE WHEN {cond.sql} THEN 1 ELSE 0 END) / COUNT(*), {decimals})"


def _ratio(rng, db):
    decimals, sentence = rounding(rng)
    roll = rng.random()
    if roll < 0.35:
        link = pick_link(rng, db, plain=True)
        if link is None or not says_label(link.parent):
            return None
        cond = condition(rng, db, link.child, link.ca)
        if cond is None:
            return None
        f = join_words(db, link)
        question = ask(rng, ("For each {p1}, what percentage of its {C} {have}? Give the {plab1} and the percentage.",
                              "Show the {plab} of the {P} with the percentage of their {C} that {have}."),
                        have=cond.have, **f)
        sql = (f"SELECT {', '.join(label_sql(link.parent, link.pa))}, {_percentage(cond, decimals)} "
               f"FROM {link.join()} GROUP BY {link.pa}.{link.parent.pk.name}")
        return Query(question + sentence, sql, (link.child.name, link.parent.name))
    table = pick_table(rng, db, lambda t: len(db.rows[t.name]) >= 4)
    cond = condition(rng, db, table) if table else None
    if cond is None:
        return None
    T = db.names.many(table)
    column = group_column(rng, table) if roll > 0.75 else None
    if column is not None and column is not cond.column:
        question = ask(rng, ("For each {g}, what percentage of {T} {have}?",
                              "For each {g}, what share of its {T}, as a percentage, {have}?"),
                        g=db.names.column(table, column), T=T, have=cond.have)
        sql = f"SELECT {column.name}, {_percentage(cond, decimals)} FROM {table.name} GROUP BY {column.name}"
        return Query(question + sentence, sql, (table.name,))
    question = ask(rng, ("What percentage of {T} {have}?", "What share of all {T}, as a percentage, {have}?",
                          "Calculate the percentage of {T} {rel}."), T=T, have=cond.have, rel=cond.rel(rng))
    return Query(question + sentence, f"SELECT {_percentage(cond, decimals)} FROM {table.name}", (table.name,))


def _nested_in(rng, db):
    link = pick_link(rng, db)
    if link is None:
        return None
    f = join_words(db, link)
    negate = rng.random() < 0.5
    cond = condition(rng, db, link.child) if rng.random() < 0.6 else None
    inner = [cond.sql] if cond else []
    if negate and link.ref.nullable:  # NOT IN over a list holding NULL is never true: leave the NULLs out
        inner.append(f"{link.ref.name} IS NOT NULL")
    sub = f"SELECT {link.ref.name} FROM {link.child.name}{where_clause(inner)}"
    f.update(rel=" " + cond.rel(rng) if cond else "", rel1=" " + cond.rel(rng, False) if cond else "")
    if f["plain"]:
        templates = (("Which {P} have no {C}{rel}? Give their {plab}.", "List the {plab} of {P} that have never had "
                      "{a_c1}{rel1}.", "Find the {P} without any {C}{rel}, and give their {plab}.") if negate else
                     ("Which {P} have at least one {c1}{rel1}? Give their {plab}.",
                      "List the {plab} of {P} that have {C}{rel}."))
    else:
        templates = (("Which {P} have never been the {role} of {a_c1}{rel1}? Give their {plab}.",) if negate else
                     ("Which {P} are the {role} of at least one {c1}{rel1}? Give their {plab}.",))
    sql = (f"SELECT {', '.join(label_sql(link.parent))} FROM {link.parent.name} "
           f"WHERE {link.parent.pk.name} {'NOT IN' if negate else 'IN'} ({sub})")
    return Query(ask(rng, templates, **f), sql, (link.child.name, link.parent.name))


def _scalar_subquery(rng, db):
    table = pick_table(rng, db, lambda t: t.label and t.of("int", "real"))
    if table is None:
        return None
    column = rng.choice(table.of("int", "real"))
    x, w = column.name, db.names.column(table, column)
    show = rng.random() < 0.5
    select = ", ".join(label_sql(table) + ([x] if show else []))
    outs = listing([db.names.labels(table)] + ([plural_of(w)] if show else []))
    f = dict(T=db.names.many(table), one=db.names.one(table), w=w, outs=outs)
    more = f"more {w} than" if is_plural(w) else f"{with_article(w)} above"
    roll = rng.random()
    group = group_column(rng, table)
    if roll < 0.3 and group is not None:
        alias = alias_for(table, set())
        g = db.names.column(table, group)
        question = ask(rng, (f"Which {{T}} have {more} the average for their {g}? Give their {{outs}}.",
                              f"List the {{outs}} of {{T}} whose {w} is above the average {w} of {{T}} with the "
                              f"same {g}."), **f)
        sql = (f"SELECT {', '.join(column_ref(alias, c) for c in table.label)}{f', {alias}.{x}' if show else ''} "
               f"FROM {table.name} AS {alias} WHERE {alias}.{x} > (SELECT AVG(t2.{x}) FROM {table.name} AS t2 "
               f"WHERE t2.{group.name} = {alias}.{group.name})")
        return Query(question, sql, (table.name,))
    if roll < 0.5:
        high = rng.random() < 0.6
        f["outs"] = listing([db.names.label(table)] + ([w] if show else []))
        question = ask(rng, (f"Which {{one}} has the {'highest' if high else 'lowest'} {w}? Give its {{outs}}.",
                              f"Find the {{outs}} of the {{one}} whose {w} equals the "
                              f"{'maximum' if high else 'minimum'} {w}."), **f)
        extreme = f"(SELECT {'MAX' if high else 'MIN'}({x}) FROM {table.name})"
        sql = f"SELECT {select} FROM {table.name} WHERE {x} = {extreme}"
        return Query(question, sql, (table.name,))
    cond = condition(rng, db, table, avoid=[column]) if roll > 0.8 else None
    scope = f"{f['T']} {cond.rel(rng)}" if cond else f"all {f['T']}"
    question = ask(rng, (f"Which {{T}} have {more} the average of {scope}? Give their {{outs}}.",
                          f"List the {{outs}} of {{T}} whose {w} is higher than the average {w} of {scope}."), **f)
    sub = f"SELECT AVG({x}) FROM {table.name}{where_clause([cond.sql] if cond else [])}"
    return Query(question, f"SELECT {select} FROM {table.name} WHERE {x} > ({sub})", (table.name,))


def _left_join_missing(rng, db):
    link = pick_link(rng, db)
    if link is None:
        return None
    f = join_words(db, link)
    probe = link.child.pk or link.ref
    cond = condition(rng, db, link.child, link.ca) if rng.random() < 0.3 else None
    on = f"{link.ca}.{link.ref.name} = {link.pa}.{link.parent.pk.name}" + (f" AND {cond.sql}" if cond else "")
    f.update(rel=" " + cond.rel(rng) if cond else "", rel1=" " + cond.rel(rng, False) if cond else "")
    if f["plain"]:
        templates = ("Which {P} have no {C}{rel}? Give their {plab}.", "List the {plab} of {P} without any {C}{rel}.",
                     "Find the {P} that have never had {a_c1}{rel1}; give their {plab}.")
    else:
        templates = ("Which {P} have never been the {role} of {a_c1}{rel1}? Give their {plab}.",)
    sql = (f"SELECT {', '.join(label_sql(link.parent, link.pa))} FROM {link.parent.name} AS {link.pa} "
           f"LEFT JOIN {link.child.name} AS {link.ca} ON {on} WHERE {link.ca}.{probe.name} IS NULL")
    return Query(ask(rng, templates, **f), sql, (link.child.name, link.parent.name))


def _left_join_count(rng, db):
    link = pick_link(rng, db)
    if link is None or not says_label(link.parent):
        return None
    f = join_words(db, link)
    probe = link.child.pk or link.ref
    item, key = f"COUNT({link.ca}.{probe.name})", f"COUNT({link.ca}.{probe.name})"
    if rng.random() < 0.5:
        key = link.child.singular.replace(" ", "_") + "_count"
        item += f" AS {key}"
    role = "" if f["plain"] else " as {role}"
    question = ask(rng, (f"List every {{p1}} with its number of {{C}}{role}, including {{P}} that have none. Give "
                          "the {plab1} and the count.", f"For all {{P}}, show the {{plab1}} and how many {{C}}{role} "
                          "each has; {P} with no {C} count as 0.", f"How many {{C}}{role} does each {{p1}} have? "
                          "Include {P} with zero {C}, and give the {plab1} with the count."), **f)
    sql = (f"SELECT {', '.join(label_sql(link.parent, link.pa))}, {item} FROM {link.parent.name} AS {link.pa} "
           f"LEFT JOIN {link.child.name} AS {link.ca} ON {link.ca}.{link.ref.name} = {link.pa}.{link.parent.pk.name} "
           f"GROUP BY {link.pa}.{link.parent.pk.name}")
    if rng.random() < 0.3:
        sql += f" ORDER BY {key} DESC"
        question += " Put the largest count first."
    return Query(question, sql, (link.child.name, link.parent.name))


def _date_pairs(db: Db) -> list[tuple[Table, Column, Column]]:
    """(table, start, end) for each 'after' column whose start date is in the same row."""
    return [(t, t.column(c.args[0]), c) for t in db.tables.values() for c in t.of("after") if "." not in c.args[0]]


def _date_diff(rng, db):
    pairs = _date_pairs(db)
    if not pairs:
        return None
    table, start, end = rng.choice(pairs)
    days = f"julianday({end.name}) - julianday({start.name})"
    f = dict(T=db.names.many(table), one=db.names.one(table), a=db.names.column(table, start),
             b=db.names.column(table, end))
    roll = rng.random()
    if roll < 0.35 and table.label:
        cut = threshold(rng, [v[0] for v in query_values(db, f"SELECT {days} FROM {table.name}")], "int")
        if cut is None:
            return None
        question = ask(rng, ("Which {T} have more than {n} days between their {a} and their {b}? Give their {lab}.",
                              "List the {lab} of {T} whose {b} is more than {n} days after their {a}."),
                        n=int(cut), lab=db.names.labels(table), **f)
        return Query(question, f"SELECT {', '.join(label_sql(table))} FROM {table.name} WHERE {days} > {int(cut)}",
                      (table.name,))
    if roll < 0.5 and table.label:
        question = ask(rng, ("Which {one} has the longest time between its {a} and its {b}? Give its {lab}.",),
                        lab=db.names.label(table), **f)
        return Query(question, f"SELECT {', '.join(label_sql(table))} FROM {table.name} ORDER BY {days} DESC LIMIT 1",
                      (table.name,))
    decimals, sentence = rounding(rng)
    where = f" WHERE {end.name} IS NOT NULL" if end.nullable and rng.random() < 0.5 else ""
    group = group_column(rng, table) if roll > 0.75 else None
    if group is not None:
        g = db.names.column(table, group)
        question = ask(rng, (f"For each {g}, what is the average number of days between the {{a}} and the {{b}} of "
                              "{T}?",), **f)
        sql = f"SELECT {group.name}, ROUND(AVG({days}), {decimals}) FROM {table.name}{where} GROUP BY {group.name}"
        return Query(question + sentence, sql, (table.name,))
    question = ask(rng, ("On average, how many days pass between the {a} and the {b} of {T}?",
                          "What is the average number of days from {a} to {b} for {T}?"), **f)
    return Query(question + sentence, f"SELECT ROUND(AVG({days}), {decimals}) FROM {table.name}{where}", (table.name,))


def _join_date(rng, db):
    link = pick_link(rng, db, plain=True)
    if link is None or not says_label(link.parent):
        return None
    dates = [c for c in link.child.of(*DATE_KINDS) if not c.nullable]
    if not dates:
        return None
    column = rng.choice(dates)
    f = join_words(db, link)
    w, ref = db.names.column(link.child, column), f"{link.ca}.{column.name}"
    if rng.random() < 0.6:
        year = rng.choice(sorted({v[:4] for v in db.values(link.child, column)}))
        question = ask(rng, ("For each {p1}, how many {C} have {aw} in {y}? Give the {plab1} and the count.",
                              "How many {C} with {aw} in {y} does each {p1} have? Show the {plab1} and the number."),
                        aw=with_article(w), y=year, **f)
        sql = (f"SELECT {', '.join(label_sql(link.parent, link.pa))}, COUNT(*) FROM {link.join()} "
               f"WHERE strftime('%Y', {ref}) = '{year}' GROUP BY {link.pa}.{link.parent.pk.name}")
        return Query(question, sql, (link.child.name, link.parent.name))
    cond = condition(rng, db, link.parent, link.pa)
    if cond is None:
        return None
    question = ask(rng, ("For {C} whose {role} {has}, how many are there in each year of {w}? List the years in "
                          "order.", "Count the {C} linked to {P} {rel} per year of their {w}, earliest year first."),
                    has=cond.has, rel=cond.rel(rng), w=w, **f)
    sql = (f"SELECT strftime('%Y', {ref}) AS year, COUNT(*) FROM {link.join()} WHERE {cond.sql} "
           "GROUP BY year ORDER BY year")
    return Query(question, sql, (link.child.name, link.parent.name))


BUILDERS = {
    "join_chain": _join_chain,
    "join_chain_group": _join_chain_group,
    "ratio": _ratio,
    "nested_in": _nested_in,
    "scalar_subquery": _scalar_subquery,
    "left_join_missing": _left_join_missing,
    "left_join_count": _left_join_count,
    "date_diff": _date_diff,
    "join_date": _join_date,
}
