"""Fixtures the demo data's tests share: one wide sample, the development set's databases and its table names."""

import sqlite3
from pathlib import Path

import pytest

from sftflow.demo.devset import build_all
from sftflow.demo.sql_wide import generate_rows

WIDE_ROWS = 400


@pytest.fixture(scope="session")
def wide_rows() -> list[dict]:
    """generate_rows(400, seed=0), generated once for every test that reads it."""
    return generate_rows(WIDE_ROWS, seed=0)


@pytest.fixture(scope="session")
def devset_paths(tmp_path_factory) -> dict[str, Path]:
    """The six development databases, built once; tests only read them."""
    return build_all(tmp_path_factory.mktemp("devset"))


@pytest.fixture(scope="session")
def dev_tables(devset_paths) -> set[str]:
    names = set()
    for path in devset_paths.values():
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        names |= {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        con.close()
    return names
