"""Tests for the synthetic text-to-SQL generator."""

import json

import pytest

from sftflow.demo.sql_data import DOMAINS, SHAPES, generate_rows, write_splits
from sftflow.sql_sandbox import run_query

KEYS = {"id", "domain", "shape", "sql_prompt", "sql_context", "sql"}


@pytest.fixture(scope="module")
def rows():
    return generate_rows(600, seed=0)


def test_same_seed_same_rows_and_different_seed_differs(rows):
    assert generate_rows(600, seed=0) == rows
    assert generate_rows(50, seed=1) != generate_rows(50, seed=0)


def test_row_shape(rows):
    assert [r["id"] for r in rows] == list(range(600))
    for r in rows:
        assert set(r) == KEYS
        lines = r["sql_context"].split("\n")
        assert lines[0].startswith("CREATE TABLE ") and all(ln.endswith(";") for ln in lines)
        assert any(ln.startswith("INSERT INTO ") for ln in lines)
        assert "\n" not in r["sql"] and not r["sql"].endswith(";")


def test_all_domains_and_shapes_covered(rows):
    assert len(DOMAINS) >= 10
    assert {r["domain"] for r in rows} == set(DOMAINS)
    assert {r["shape"] for r in rows} == set(SHAPES)


def test_gold_sql_runs_and_returns_rows(rows):
    for r in rows:
        result = run_query(r["sql_context"], r["sql"])
        assert result, r
        assert all(v is not None for row in result for v in row), r


def test_phrasing_is_varied(rows):
    starts = {" ".join(r["sql_prompt"].split()[:2]) for r in rows}
    assert len(starts) >= 8
    assert len({r["sql_prompt"] for r in rows}) > 200


def test_rows_are_short(rows):
    sizes = [len(r["sql_prompt"]) + len(r["sql_context"]) + len(r["sql"]) for r in rows]
    assert sum(sizes) / len(sizes) < 700


def test_write_splits_disjoint_with_counts(tmp_path):
    paths = write_splits(tmp_path / "out", n_train=120, n_test=30, seed=3)
    assert set(paths) == {"train", "test"}
    splits = {}
    for name, path in paths.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        splits[name] = [json.loads(line) for line in lines]
    assert len(splits["train"]) == 120 and len(splits["test"]) == 30
    keys = {name: {(r["sql_context"], r["sql_prompt"]) for r in rs} for name, rs in splits.items()}
    assert not keys["train"] & keys["test"]
    assert not list((tmp_path / "out").glob("*.tmp"))
