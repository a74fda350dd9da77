"""The SQL sandbox: untrusted SQL (model predictions, generated or user data) runs here and nowhere else.

Used by evaluation (execution accuracy), curation (the SQL check filter) and the demo's data generator.
`bounded_database` runs queries in a worker process bounded in time and memory (worker.py); `run_query` runs
one in this process, bounded only by SQLite's progress handler and value-size limit, for trusted SQL
(sandbox.py).
"""

from sftflow.sql_sandbox.sandbox import Rejected, Sandbox, run_query, split_statements, strip_sql
from sftflow.sql_sandbox.worker import WORKER_MEMORY_BYTES, BoundedDatabase, bounded_database

__all__ = [
    "WORKER_MEMORY_BYTES", "BoundedDatabase", "Rejected", "Sandbox", "bounded_database", "run_query",
    "split_statements", "strip_sql",
]
