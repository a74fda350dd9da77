"""Fixtures the wide generator's tests share: one generated sample, and the development set's table names."""

import sqlite3

import pytest

from sftflow.demo.devset import build_all
from sftflow.demo.sql_wide import generate_rows

WIDE_ROWS = 400


@pytest.fixture(scope="session")
def wide_rows() -> list[dict]:
    """generate_rows(400, seed=0), generated once for every test that reads it."""
    return generate_rows(WIDE_ROWS, seed=0)


@pytest.fixture(scope="session")
def dev_tables(tmp_path_factory) -> set[str]:
    names = set()
    for path in build_all(tmp_path_factory.mktemp("devset")).values():
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        names |= {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        con.close()
    return names
