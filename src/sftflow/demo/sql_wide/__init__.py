"""Deterministic text-to-SQL rows over wide, realistic schemas: the demo's second, broader generator.

``sql_data`` teaches the answer format on two-table toy schemas; its gain does not carry over to real
databases, where the model must pick the right tables out of many, follow foreign-key chains, handle NULLs
and dates, and return exactly the columns a question asks for. Each row here comes from one of 37 domains
with 5 to 11 tables (primary and foreign keys, chains of three or more tables, NULLable columns that hold
NULLs, ISO dates, tables with look-alike names), shows a sampled subset of at least four of them, and asks a
question of one of 27 shapes.

Questions call tables and columns what users call them: a synonym about 60% of the time ("clients" for
policy_holders, "premium" for premium_amount, "claims filed in 2023" for claim_date), the identifier's own
words otherwise, sometimes framed by the database's topic ("In the insurance database, ..."). A model trained
on identifier-shaped questions learns to spell identifiers from the question instead of reading the schema.

Data: ``catalog.yaml`` (the domains in order, the name pools, and the files' format) and
``domains/<domain>.yaml`` (one schema each). Modules: ``catalog`` (those files loaded into tables and columns),
``sampling`` (one database's rows), ``render`` (SQL text, shown tables), ``phrasing`` (how a question names
things), ``conditions`` and ``query_parts`` (pieces of queries), ``shapes`` (one file per tier) and ``rows``
(checks, rows, splits).

A row has ``id``, ``domain``, ``shape``, ``sql_prompt`` (the question), ``schema`` (what the prompt shows:
the CREATE TABLE statements as ``sftflow.sql_schema.schema_text`` renders them, the same function that
renders a user's database), ``sql_context`` (the same statements plus INSERT rows: what the metric runs the
queries on, never shown to the model) and ``sql`` (the gold query, one line, no semicolon). Every gold query
is run in the SQL sandbox and kept only if it returns rows, no column is all NULL, not everything is zero,
and its order does not depend on how ties are broken.
"""

from .catalog import DOMAINS, SCHEMAS
from .render import MAX_SCHEMA_CHARS, MIN_SHOWN_TABLES
from .rows import generate_rows, write_splits
from .shapes import SHAPES, TIERS

__all__ = ["DOMAINS", "MAX_SCHEMA_CHARS", "MIN_SHOWN_TABLES", "SCHEMAS", "SHAPES", "TIERS", "generate_rows",
           "write_splits"]
