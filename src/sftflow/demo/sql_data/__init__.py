"""Deterministic synthetic text-to-SQL rows over two-table schemas, shaped like gretelai/synthetic_text_to_sql:
the quick demo's training data and the test suite's small, fast rows.

Each row has ``id``, ``domain``, ``shape``, ``sql_prompt``, ``sql_context`` (CREATE TABLE and
INSERT statements, one per line) and ``sql`` (a single-line SQLite query without a trailing
semicolon). Every gold query is executed against its context and kept only if it returns
a non-empty, non-NULL result.

It stays beside ``sql_wide`` (the wide, realistic schemas of the transfer recipe) rather than being folded into
it: ``sftflow demo`` (the quick recipe) trains on exactly these rows and its published figures were measured on
them, and the tests and benchmarks use them as cheap fixtures. Data: ``domains.yaml`` (twelve parent/child
schemas) and ``phrasing.yaml`` (question templates). Modules: ``tables`` (those schemas, one sampled database
and its SQL), ``shapes`` (twelve query shapes) and ``rows`` (checks, rows, splits).
"""

from .rows import generate_rows, write_splits
from .shapes import SHAPES
from .tables import DOMAINS

__all__ = ["DOMAINS", "SHAPES", "generate_rows", "write_splits"]
