"""Shapes with one join or one grouping: join filters and counts, GROUP BY, HAVING, CASE, dates."""

from __future__ import annotations

from ..catalog import DATE_KINDS
from ..conditions import between_cond, condition
from ..phrasing import (
    ask,
    plural_of,
    says_label,
    with_article,
)
from ..query_parts import (
    COUNT,
    Query,
    count_sql,
    group_column,
    join_words,
    label_sql,
    measure,
    outputs,
    pick_link,
    pick_table,
    query_values,
    threshold,
    where_clause,
)


def _join_filter(rng, db):
    link = pick_link(rng, db)
    if link is None:
        return None
    f, roll = join_words(db, link), rng.random()
    if roll < 0.45 and link.child.label:  # children, filtered by something about their parent
        cond = condition(rng, db, link.parent, link.pa)
        if cond is None:
            return None
        select, outs = outputs(rng, db, link.child, link.ca)
        templates = ["List the {outs} of {C} whose {role} {has}.", "Find the {outs} of every {c1} whose {role} {has}."]
        if f["plain"]:
            templates += ["Show the {outs} of the {C} linked to {P} {rel}.",
                          "What are the {outs} of {C} for {P} {rel}?"]
        question = ask(rng, tuple(templates), outs=outs, has=cond.has, rel=cond.rel(rng), **f)
    elif roll < 0.8:  # parents that have some kind of child
        cond = condition(rng, db, link.child, link.ca)
        if cond is None:
            return None
        select = ["DISTINCT " + ", ".join(label_sql(link.parent, link.pa))]
        if f["plain"]:
            templates = ["List the {plab} of {P} that have {C} {rel}.",
                         "Give me the {plab} of the {P} with at least one {c1} {rel1}."]
            templates += ["Which {P} have {C} {rel}?"] * says_label(link.parent)
        else:
            templates = ["List the {plab} of the {P} that are the {role} of {C} {rel}.",
                         "Which {P} appear as {role} on {C} {rel}? Give their {plab}."]
        question = ask(rng, tuple(templates), rel=cond.rel(rng), rel1=cond.rel(rng, False), **f)
    else:  # each child with its parent's label
        cond = condition(rng, db, link.child, link.ca)
        if cond is None or not link.child.label:
            return None
        select = label_sql(link.child, link.ca) + label_sql(link.parent, link.pa)
        question = ask(rng, ("For {C} {rel}, list the {clab} and the {plab1} of their {role}.",
                              "Show the {clab} of {C} {rel}, together with the {plab1} of their {role}."),
                        rel=cond.rel(rng), clab=db.names.labels(link.child), **f)
    sql = f"SELECT {', '.join(select)} FROM {link.join()} WHERE {cond.sql}"
    return Query(question, sql, (link.child.name, link.parent.name))


def _join_count(rng, db):
    link = pick_link(rng, db)
    if link is None:
        return None
    cond = condition(rng, db, link.parent, link.pa)
    if cond is None:
        return None
    f = join_words(db, link)
    extra = condition(rng, db, link.child, link.ca) if rng.random() < 0.3 else None
    where = [cond.sql] + ([extra.sql] if extra else [])
    crel = " " + extra.rel(rng) if extra else ""
    m = measure(rng, db, link.child, link.ca) if rng.random() < 0.35 else None
    if m:
        expr = m.sql
        question = ask(rng, ("What is the {m} of {C}{crel} whose {role} {has}?",
                              "Calculate the {m} of the {C}{crel} whose {role} {has}."),
                        m=m.words, crel=crel, has=cond.has, **f) + m.sentence
    else:
        expr = "COUNT(*)"
        templates = ["How many {C}{crel} are there whose {role} {has}?", "Count the {C}{crel} whose {role} {has}."]
        if f["plain"]:
            templates += ["How many {C}{crel} belong to {P} {rel}?"]
        question = ask(rng, tuple(templates), crel=crel, has=cond.has, rel=cond.rel(rng), **f)
    sql = f"SELECT {expr} FROM {link.join()}{where_clause(where)}"
    return Query(question, sql, (link.child.name, link.parent.name))


def _group_count(rng, db):
    table = pick_table(rng, db, lambda t: t.groups or [r for r in t.refs if not r.nullable])
    if table is None:
        return None
    refs = [r for r in table.refs if not r.nullable]
    column = rng.choice(table.groups if table.groups and (rng.random() < 0.8 or not refs) else refs)
    cond = condition(rng, db, table, avoid=[column]) if rng.random() < 0.3 else None
    item, key = count_sql(rng, table.singular)
    g = db.names.column(table, column)
    question = ask(rng, ("How many {T}{rel} are there for each {g}?", "For each {g}, how many {T}{rel} are there?",
                          "Count the {T}{rel} per {g}.", "Show each {g} with the number of {T}{rel}.",
                          "What is the number of {T}{rel} in each {g}?"),
                    T=db.names.many(table), g=g, rel=" " + cond.rel(rng) if cond else "")
    where = where_clause([cond.sql] if cond else [])
    sql = f"SELECT {column.name}, {item} FROM {table.name}{where} GROUP BY {column.name}"
    if rng.random() < 0.5:
        desc = rng.random() < 0.8
        sql += f" ORDER BY {key} {'DESC' if desc else 'ASC'}"
        question += rng.choice((" Put the most common first.", " Sort from most to fewest.") if desc else
                               (" Start with the fewest.", " Sort from fewest to most."))
    return Query(question, sql, (table.name,))


def _group_aggregate(rng, db):
    table = pick_table(rng, db, lambda t: t.groups and t.of("int", "real"))
    if table is None:
        return None
    column = group_column(rng, table)
    cond = condition(rng, db, table, avoid=[column]) if rng.random() < 0.25 else None
    fields = dict(T=db.names.many(table), g=db.names.column(table, column),
                  rel=" " + cond.rel(rng) if cond else "")
    tail = f" FROM {table.name}{where_clause([cond.sql] if cond else [])} GROUP BY {column.name}"
    if rng.random() < 0.2:
        m = measure(rng, db, table, funcs=("AVG",))
        question = ask(rng, ("For each {g}, give the number of {T}{rel} and their {m}.",
                              "Show each {g} with how many {T}{rel} it has and their {m}."), m=m.words, **fields)
        return Query(question + m.sentence, f"SELECT {column.name}, COUNT(*), {m.sql}{tail}", (table.name,))
    m = measure(rng, db, table)
    question = ask(rng, ("What is the {m} of {T}{rel} for each {g}?", "For each {g}, what is the {m} of the {T}{rel}?",
                          "Show each {g} and the {m} of its {T}{rel}.", "Give me the {m} per {g} for {T}{rel}."),
                    m=m.words, **fields)
    sql = f"SELECT {column.name}, {m.sql}{tail}"
    if rng.random() < 0.4:
        desc = rng.random() < 0.7
        sql += f" ORDER BY {m.sql} {'DESC' if desc else 'ASC'}"
        question += f" List the {fields['g']} with the {'highest' if desc else 'lowest'} value first."
    return Query(question + m.sentence, sql, (table.name,))


def _group_top(rng, db):
    table = pick_table(rng, db, lambda t: t.groups)
    if table is None:
        return None
    column = group_column(rng, table)
    g, T, k = db.names.column(table, column), db.names.many(table), rng.choice((1, 1, 1, 2, 3))
    desc = rng.random() < 0.8
    m = measure(rng, db, table, funcs=("SUM", "AVG")) if rng.random() < 0.35 else None
    fields = dict(g=g, gs=plural_of(g), T=T, k=k, most="most" if desc else "fewest", common="most" if desc else "least")
    if m:
        templates = (("Which {g} has the {hi} {m}?", "Which {g} of {T} has the {hi} {m}?") if k == 1 else
                     ("Which {k} {gs} have the {hi} {m}?", "List the {k} {gs} of {T} with the {hi} {m}."))
        question = ask(rng, templates, m=m.words, hi="highest" if desc else "lowest", **fields)
        order = m.raw
    else:
        templates = (("Which {g} has the {most} {T}?", "What is the {common} common {g} among {T}?",
                      "Which {g} appears {most} often among {T}?") if k == 1 else
                     ("What are the {k} {common} common {gs} among {T}?", "Which {k} {gs} have the {most} {T}?"))
        question = ask(rng, templates, **fields).replace("fewest often", "least often")
        order = "COUNT(*)"
    sql = (f"SELECT {column.name} FROM {table.name} GROUP BY {column.name} "
           f"ORDER BY {order} {'DESC' if desc else 'ASC'} LIMIT {k}")
    return Query(question, sql, (table.name,))


def _join_group(rng, db):
    link = pick_link(rng, db)
    if link is None or not says_label(link.parent):
        return None
    f = join_words(db, link)
    cond = condition(rng, db, link.child, link.ca) if rng.random() < 0.25 else None
    f.update(rel=" " + cond.rel(rng) if cond else "")
    m = measure(rng, db, link.child, link.ca, funcs=("AVG", "SUM")) if rng.random() < 0.45 else None
    item, key = (m.sql, m.sql) if m else count_sql(rng, link.child.singular)
    m = m or COUNT
    of = m.words + " of {C}{rel}" + ("" if f["plain"] else " as {role}")
    group = f" FROM {link.join()}{where_clause([cond.sql] if cond else [])} GROUP BY {link.pa}.{link.parent.pk.name}"
    select = ", ".join(label_sql(link.parent, link.pa))
    roll = rng.random()
    if roll < 0.35:
        k = rng.choice((1, 1, 2, 3))
        if k == 1 and rng.random() < 0.5:
            question = ask(rng, (f"Which {{p1}} has the highest {of}? Give the {{plab1}}.",), **f)
            sql = f"SELECT {select}{group} ORDER BY {key} DESC LIMIT 1"
        else:
            question = ask(rng, (f"Which {{p1}} has the highest {of}? Give the {{plab1}} and that {m.words}."
                                  if k == 1 else f"Which {k} {{P}} have the highest {of}? Give their {{plab}} and "
                                  f"the {m.words}.",), **f)
            sql = f"SELECT {select}, {item}{group} ORDER BY {key} DESC LIMIT {k}"
    else:
        question = ask(rng, (f"For each {{p1}}, give the {{plab1}} and the {of}.",
                              f"List the {{plab}} of the {{P}} with the {of}.",
                              f"Show the {of} for each {{p1}}, with its {{plab1}}."), **f)
        sql = f"SELECT {select}, {item}{group}"
        if roll > 0.7:
            sql += f" ORDER BY {key} DESC"
            question += " Put the highest first."
    return Query(question + m.sentence, sql, (link.child.name, link.parent.name))


def _having(rng, db):
    if rng.random() < 0.6:  # parents with many (or much of) their children
        link = pick_link(rng, db)
        if link is None:
            return None
        f = join_words(db, link)
        source = f" FROM {link.join()} GROUP BY {link.pa}.{link.parent.pk.name}"
        select, names, subject = ", ".join(label_sql(link.parent, link.pa)), f["plab"], f["P"]
        things = f["C"] + ("" if f["plain"] else f" as {f['role']}")
        m = measure(rng, db, link.child, link.ca, funcs=("SUM", "AVG")) if rng.random() < 0.35 else None
        tables = (link.child.name, link.parent.name)
    else:  # values of a column shared by many rows
        table = pick_table(rng, db, lambda t: t.groups)
        if table is None:
            return None
        column = group_column(rng, table)
        source = f" FROM {table.name} GROUP BY {column.name}"
        select, names, things = column.name, plural_of(db.names.column(table, column)), db.names.many(table)
        m = measure(rng, db, table, funcs=("SUM", "AVG")) if rng.random() < 0.35 else None
        subject, tables = names, (table.name,)
    m = m or COUNT
    cut = threshold(rng, [v[0] for v in query_values(db, f"SELECT {m.raw}{source}")])
    if cut is None:
        return None
    fields = dict(S=subject, n=cut, things=things, names=names, am=with_article(m.words), m=m.words)
    if m is COUNT:
        templates = ["Which {S} have more than {n} {things}?", "Find the {S} that account for more than {n} {things}."]
    else:
        templates = ["Which {S} have {am} of {things} above {n}?"]
    if subject != names:  # a table's rows, named by their label
        templates = [t + " Give their {names}." for t in templates]
        templates += ["List the {names} of {S} with over {n} {things}." if m is COUNT else
                      "List the {names} of {S} whose {m} of {things} is more than {n}."]
    else:  # values of a column
        templates += ["List the {S} shared by more than {n} {things}." if m is COUNT else
                      "List the {S} whose {m} of {things} is more than {n}."]
    question = ask(rng, tuple(templates), **fields)
    if rng.random() < 0.35:  # and say how many, or how much
        question = question[:-1] + (", with the number of each." if m is COUNT else f", with that {m.words}.")
        question += m.sentence
        select += f", {m.sql}"
    return Query(question, f"SELECT {select}{source} HAVING {m.raw} > {cut}", tables)


_BANDS = (("high", "low"), ("large", "small"), ("above", "below"))


def _case_bucket(rng, db):
    table = pick_table(rng, db, lambda t: t.of("int", "real") or any(c.nullable and c.kind != "flag"
                                                                       for c in t.columns))
    if table is None:
        return None
    T = db.names.many(table)
    numbers = [c for c in table.of("int", "real") if not c.nullable]  # a NULL would land in the 'else' band
    if numbers and rng.random() < 0.7:
        column = rng.choice(numbers)
        cut = threshold(rng, db.values(table, column), column.kind)
        if cut is None:
            return None
        hi, lo = rng.choice(_BANDS)
        w = db.names.column(table, column)
        case = f"CASE WHEN {column.name} >= {cut} THEN '{hi}' ELSE '{lo}' END"
        if table.label and rng.random() < 0.35:
            question = ask(rng, ("List the {lab} of all {T}, each marked '{hi}' if its {w} is at least {n} and "
                                  "'{lo}' otherwise.", "Show every {one}'s {lab1} with '{hi}' when its {w} is {n} or "
                                  "more, else '{lo}'."), lab=db.names.labels(table), T=T, hi=hi, lo=lo, w=w,
                            n=cut, one=db.names.one(table), lab1=db.names.label(table))
            return Query(question, f"SELECT {', '.join(label_sql(table))}, {case} FROM {table.name}", (table.name,))
        question = ask(rng, ("How many {T} have {aw} of at least {n}, and how many have less? Label the groups "
                              "'{hi}' and '{lo}'.", "Split the {T} into '{hi}' ({w} of {n} or more) and '{lo}' "
                              "(below {n}), and count each group."), T=T, aw=with_article(w), w=w, n=cut, hi=hi, lo=lo)
        return Query(question, f"SELECT {case} AS band, COUNT(*) FROM {table.name} GROUP BY band", (table.name,))
    cond = condition(rng, db, table, kinds=("null",))
    if cond is None:
        return None
    w = cond.column.name
    column = cond.column
    words = db.names.role(column) if column.kind == "ref" else db.names.column(table, column)
    known, unknown = rng.choice((("recorded", "missing"), ("known", "unknown"), ("yes", "no")))
    question = ask(rng, ("How many {T} have {aw} and how many do not? Label the groups '{k}' and '{u}'.",
                          "Count the {T} with and without {aw}, labelled '{k}' and '{u}'."),
                    T=T, aw=with_article(words), k=known, u=unknown)
    sql = f"SELECT CASE WHEN {w} IS NULL THEN '{unknown}' ELSE '{known}' END AS status, COUNT(*) FROM {table.name} " \
          "GROUP BY status"
    return Query(question, sql, (table.name,))


def _date_group(rng, db):
    table = pick_table(rng, db, lambda t: any(not c.nullable for c in t.of(*DATE_KINDS)))
    if table is None:
        return None
    column = rng.choice([c for c in table.of(*DATE_KINDS) if not c.nullable])
    w, T, d = db.names.column(table, column), db.names.many(table), column.name
    years = sorted({v[:4] for v in db.values(table, column)})
    m = (measure(rng, db, table, funcs=("SUM", "AVG")) if rng.random() < 0.3 else None) or COUNT
    what = f"the {m.words} of {T}" if m is not COUNT else f"the number of {T}"
    roll = rng.random()
    if roll < 0.2:
        cond = between_cond(rng, db, table, column, "")
        if cond is None:
            return None
        question = ask(rng, ("How many {T} {have}?", "Count the {T} {rel}."), T=T, have=cond.have, rel=cond.rel(rng))
        return Query(question, f"SELECT COUNT(*) FROM {table.name} WHERE {cond.sql}", (table.name,))
    if len(years) > 1 and roll < 0.65:
        question = ask(rng, ("For each year of {w}, what is {what}? List the years in order.",
                              "Show {what} per year of {w}, earliest year first.",
                              "What is {what} in each year, by {w}? Give the year and the value, in year order."),
                        w=w, what=what)
        sql = f"SELECT strftime('%Y', {d}) AS year, {m.sql} FROM {table.name} GROUP BY year ORDER BY year"
        return Query(question + m.sentence, sql, (table.name,))
    year = rng.choice(years)
    question = ask(rng, ("For each month of {y}, what is {what} with {aw} in that month? Give the month as a "
                          "two-digit number, in month order.", "Month by month in {y}, show {what} by {w} (month "
                          "as '01' to '12'), in order."), y=year, what=what, aw=with_article(w), w=w)
    sql = (f"SELECT strftime('%m', {d}) AS month, {m.sql} FROM {table.name} WHERE strftime('%Y', {d}) = '{year}' "
           "GROUP BY month ORDER BY month")
    return Query(question + m.sentence, sql, (table.name,))


BUILDERS = {
    "join_filter": _join_filter,
    "join_count": _join_count,
    "group_count": _group_count,
    "group_aggregate": _group_aggregate,
    "group_top": _group_top,
    "join_group": _join_group,
    "having": _having,
    "case_bucket": _case_bucket,
    "date_group": _date_group,
}
