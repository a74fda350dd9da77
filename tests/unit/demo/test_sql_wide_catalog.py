"""Tests for the wide generator's catalogue files (sql_wide/catalog.yaml, sql_wide/domains/*.yaml) and their loader."""

import dataclasses
import hashlib
import json
from importlib import resources

import pytest
import yaml

from sftflow.demo.sql_wide import catalog
from sftflow.demo.sql_wide.catalog import DOMAINS, SCHEMAS, TOPICS, parse_domain

# sha256 of every domain's topics, tables and columns as loaded: the catalogue the pinned rows were made from
# (test_pinned_outputs.py). The same hash, taken on the table language the domains were written in before
# (sql_wide/domains.py, with the spaces its line breaks left in name alternatives stripped), matched.
CATALOG_SHA256 = "f1b6ed0b12f4aa75d230bf5a2ff3b8315090c77ee068b32bc15113ad1f5c2605"


def _catalog_json() -> str:
    return json.dumps([[d, TOPICS[d], [dataclasses.astuple(t) for t in SCHEMAS[d].values()]] for d in DOMAINS])


def test_the_catalogue_is_the_pinned_one():
    assert hashlib.sha256(_catalog_json().encode()).hexdigest() == CATALOG_SHA256


def test_every_domain_file_is_listed_once_and_read_in_the_listed_order():
    files = sorted(p.name for p in resources.files(catalog.__package__).joinpath("domains").iterdir())
    assert files == sorted(f"{d}.yaml" for d in DOMAINS)
    listed = yaml.safe_load(resources.files(catalog.__package__).joinpath("catalog.yaml").read_text())["domains"]
    assert list(DOMAINS) == listed and len(set(listed)) == len(listed) == 37


def test_the_pools_are_read_as_text():
    for pool in (catalog.FIRST_NAMES, catalog.LAST_NAMES, catalog.CITIES, catalog.COUNTRIES, catalog.MAIL_HOSTS):
        assert pool and all(isinstance(v, str) and v for v in pool)


def _spec(**column) -> dict:
    return {"topics": ["shop"], "tables": {"items": {"columns": {"item_id": "id", "x": column}}}}


def test_a_column_is_read_into_its_kind_and_arguments():
    topics, tables = parse_domain("shop", {"topics": ["shop", "store's"], "tables": {
        "makers": {"synonyms": {"brands": "brand", "vendors": None},
                   "columns": {"maker_id": "id", "name": {"kind": "name", "words": [["Acme", "Zenith"], ["Ltd"]]}}},
        "items": {"singular": "item thing", "columns": {
            "item_id": "id", "maker_id": {"kind": "ref", "table": "makers"},
            "price": {"kind": "real", "range": [0.5, 12], "nullable": True, "synonyms": ["cost"]},
            "made": {"kind": "date", "years": [2020, 2024], "event": "was made"},
            "sold": {"kind": "after", "from": "made", "days": [1, 30]},
            "is_new": "flag"}}}})
    assert topics == ("shop", "store's")
    makers, items = tables["makers"], tables["items"]
    assert makers.singular == "maker" and makers.synonyms == (("brands", "brand"), ("vendors", "vendor"))
    assert makers.column("name").args == ("Acme|Zenith", "Ltd")
    assert items.singular == "item thing" and items.column("maker_id").parent == "makers"
    assert items.column("price") == catalog.Column("price", "real", ("0.5", "12"), True, ("cost",), "")
    assert items.column("made").event == "was made" and items.column("sold").args == ("made", "1", "30")
    assert items.column("is_new").args == ()


@pytest.mark.parametrize(("column", "message"), [
    ({"kind": "money"}, "unknown column kind 'money'"),
    ({"kind": "int", "range": [1, 5], "values": ["a"]}, "unknown: \\['values'\\]"),
    ({"kind": "cat"}, "missing: \\['values'\\]"),
    ({"kind": "cat", "values": ["open", True]}, "True read as bool; write it in quotes"),
    ({"kind": "ref", "table": "orders"}, "references orders, which is not defined above it"),
])
def test_a_wrong_column_is_refused_naming_the_domain_table_and_column(column, message):
    with pytest.raises(ValueError, match=message) as error:
        parse_domain("shop", _spec(**column))
    assert error.match("shop") and ("items.x" in str(error.value) or "orders" in str(error.value))
