"""Tests for how the wide generator names tables and columns (sftflow.demo.sql_wide: catalogue synonyms, Naming).

A first fine-tune on these rows learned to turn question words into identifiers ("policy holders" ->
policy_holders) and wrote FROM docking_stations on real databases. These tests hold the fix: most questions
call a table something other than its identifier's words, the other names are never ambiguous inside a schema,
and none of them comes from the development set."""

import random
import re

from sftflow.demo.sql_wide import SCHEMAS
from sftflow.demo.sql_wide.catalog import TOPICS, singular_of
from sftflow.demo.sql_wide.phrasing import SYNONYM_SHARE, Naming, column_words, framed, is_plain, own_words


def _stems(text: str) -> set[str]:
    """The words of a question or an identifier, singular: 'policy_holders' -> {'policy', 'holder'}."""
    return {singular_of(w) for w in re.findall(r"[a-z0-9]+", text.lower())}


def _used_tables(sql: str) -> set[str]:
    return set(re.findall(r"\b(?:FROM|JOIN) (\w+)", sql))


def _phrased_columns():
    """(domain, table, column) for every column a question names by words: not keys, flags or bare 'name'."""
    for domain, tables in SCHEMAS.items():
        for table in tables.values():
            for column in table.columns:
                if column.kind in ("id", "flag") or (column.kind == "ref" and is_plain(tables, column)):
                    continue  # a plain reference is called by its parent table's name
                if column_words(tables, table, column) not in ("name", "title", "first name", "last name"):
                    yield domain, table, column


# ---------------------------------------------------------------- the catalogue's other names

def test_every_table_and_nearly_every_phrased_column_has_other_names():
    for domain, tables in SCHEMAS.items():
        for table in tables.values():
            assert len(table.synonyms) >= 2, (domain, table.name)
            assert all(plural and singular for plural, singular in table.synonyms), table.name
    columns = list(_phrased_columns())
    covered = [c for _, _, c in columns if c.synonyms or c.event]
    print(f"\nphrased columns with synonyms: {len(covered)}/{len(columns)}")
    assert len(covered) >= 0.9 * len(columns)
    assert set(TOPICS) == set(SCHEMAS) and all(TOPICS.values())


def test_the_catalogue_reads_irregular_singulars_roles_and_events():
    tables = SCHEMAS["insurance_claims"]
    assert ("insured people", "insured person") in tables["policy_holders"].synonyms
    assert ("clients", "client") in tables["policy_holders"].synonyms
    assert "premium" in tables["policies"].column("premium_amount").synonyms
    assert tables["claims"].column("claim_date").event == "was filed"
    assert "assigned developer" in SCHEMAS["bug_tracker"]["bug_reports"].column("assignee_id").synonyms
    assert SCHEMAS["gym_memberships"]["gym_members"].column("join_date").event == "joined"


def test_no_other_name_is_ambiguous_within_a_schema():
    for domain, tables in SCHEMAS.items():
        owners: dict[str, set[str]] = {}
        for table in tables.values():
            for name in own_words(table) + tuple(w for pair in table.synonyms for w in pair):
                owners.setdefault(name, set()).add(table.name)
        assert not {name: t for name, t in owners.items() if len(t) > 1}, domain
        for table in tables.values():
            columns: dict[str, set[str]] = {}
            for column in table.columns:
                if column.kind != "id":
                    for name in (column_words(tables, table, column),) + column.synonyms:
                        columns.setdefault(name, set()).add(column.name)
            assert not {name: c for name, c in columns.items() if len(c) > 1}, (domain, table.name)


def test_no_table_is_called_by_a_development_set_table_name(dev_tables):
    for tables in SCHEMAS.values():
        for table in tables.values():
            for plural, singular in table.synonyms:
                for name in (plural, singular):
                    assert re.sub(r"[ -]", "_", name) not in dev_tables, (table.name, name)


# ---------------------------------------------------------------- one question's names

def test_a_question_keeps_the_names_it_drew():
    tables = SCHEMAS["insurance_claims"]
    claims, holders = tables["claims"], tables["policy_holders"]
    for seed in range(50):
        names = Naming(random.Random(seed), tables)
        first = (names.many(claims), names.one(claims), names.column(claims, claims.column("claim_amount")),
                 names.role(tables["policies"].column("holder_id")), names.one(holders))
        for _ in range(3):
            assert (names.many(claims), names.one(claims), names.column(claims, claims.column("claim_amount")),
                    names.role(tables["policies"].column("holder_id")), names.one(holders)) == first
        assert first[3] == first[4]  # "the policy's client": a plain reference takes its parent's chosen name


def test_about_sixty_percent_of_table_names_are_synonyms():
    tables = SCHEMAS["car_rental"]
    rng, renamed, draws = random.Random(0), 0, 0
    for _ in range(400):
        names = Naming(rng, tables)
        for table in tables.values():
            renamed += names.renamed(table)
            draws += 1
    assert abs(renamed / draws - SYNONYM_SHARE) < 0.04


def test_a_renamed_table_drops_its_own_words_from_its_columns():
    tables = SCHEMAS["insurance_claims"]
    claims = tables["claims"]
    for seed in range(200):
        names = Naming(random.Random(seed), tables, share=1.0)
        assert names.renamed(claims)
        words = names.column(claims, claims.column("claim_amount")) + " " + names.labels(claims)
        assert "claim" not in _stems(words), words


def test_a_topic_never_names_a_table_the_query_uses():
    rng = random.Random(0)
    topics = ("museum", "art museum", "culture")
    framings = [framed(rng, "How many galleries are there?", topics, ("museums", "galleries")) for _ in range(300)]
    assert not [f for f in framings if "museum" in f]
    assert any("the culture database" in f for f in framings)
    assert any(f == "How many galleries are there?" for f in framings)


# ---------------------------------------------------------------- what the generated questions say

def test_most_questions_name_a_table_the_query_uses_only_by_another_name(wide_rows):
    """The measure: some table of the gold query has none of its identifier's words in the question."""
    renamed = sum(any(not _stems(table) & _stems(r["sql_prompt"]) for table in _used_tables(r["sql"]))
                  for r in wide_rows)
    print(f"\nquestions naming a used table only by a synonym: {renamed}/{len(wide_rows)}")
    assert renamed >= 0.5 * len(wide_rows)


def test_dates_are_sometimes_said_with_what_happened(wide_rows):
    said = 0
    for r in wide_rows:
        events = {c.event for t in SCHEMAS[r["domain"]].values() for c in t.columns if c.event}
        forms = events | {e.replace("was ", "were ", 1) for e in events}
        said += any(re.search(rf"\b{re.escape(f)}\b", r["sql_prompt"]) for f in forms)
    assert said > 0.05 * len(wide_rows)


def test_questions_are_framed_in_several_ways(wide_rows):
    starts = [r["sql_prompt"] for r in wide_rows]
    frame = re.compile(r"(In|Using|Looking at|Based on) the .+ (database|data|tables|records), ")
    topical = [q for q in starts if frame.match(q)]
    assert len(topical) > 0.08 * len(starts)
    assert any(q.startswith("Please ") for q in starts)
    assert any(q.startswith(("Give the ", "Tell me the ")) and q.endswith(".") for q in starts)


def test_look_alike_tables_are_shown_beside_the_ones_the_query_uses(wide_rows):
    """claim_notes next to claims: when the domain has a table whose name shares a word with the query's, the
    schema mostly shows it, so the right one has to be read."""
    with_look_alikes = shown = 0
    for r in wide_rows:
        used = _used_tables(r["sql"])
        alike = {n for n in SCHEMAS[r["domain"]] if n not in used and any(_stems(n) & _stems(u) for u in used)}
        if alike:
            with_look_alikes += 1
            shown += bool(alike & set(re.findall(r"CREATE TABLE (\w+)", r["schema"])))
    assert with_look_alikes > 0.3 * len(wide_rows) and shown > 0.8 * with_look_alikes
