"""Pinned outputs of the demo's data code: the development databases and both generators, hashed.

The demo's accuracy figures (README, bench/results) were measured on exactly these rows and databases, so a
change in how they are written must not change a byte of them. The hashes were recorded on the code before the
demo data moved into data files and one module per database; an intended change to the data updates them here,
in the same commit, and says why.
"""

import hashlib
import json
import sqlite3

import pytest

from sftflow.demo import devset, sql_data, sql_wide

# db id -> (PRAGMA user_version: the builder's own fingerprint, sha256 of the canonical dump below)
DEVSET = {
    "bike_share": (181679635, "4ce9679477a2975b37ceb9acded0ca3f9ab54e98f8049f45ae170495dafa495c"),
    "veterinary_clinic": (1885554341, "1546c62e895154b0187d395b814f15736c2ab1b4a69652051a07841484930b8a"),
    "music_streaming": (1426014251, "f472daef17f392a4ca332df5022878da723e8a86f1c8f927098df41ac08ddd78"),
    "hotel_bookings": (719011641, "ae71403351187c763ec8685d918034db7537bec7c5a99afffc772d2e821b9cd3"),
    "public_grants": (933453744, "610682d151892b247a7579ba024fcc4db304ceda5b91789183c0d41978bf6c14"),
    "plant_maintenance": (590316060, "808c22fe8b2785f393b7fb4b2b270aa04cf3eb037b82793855f1de45f8f08692"),
}
# The file bytes depend on the SQLite library as well: they are compared only under the version they were taken on.
DEVSET_FILES_SQLITE = "3.40.1"
DEVSET_FILES = {
    "bike_share": "cfad162bb437b08ac696c9df3d9e0612956462903ec494733815a997dc365e65",
    "veterinary_clinic": "fe14cd9735639539787501b389bfd75e0cc02ae064885e6bf6386268f9f1e127",
    "music_streaming": "d68774bc548f88a36e759b46b567dc93602311cd160e99f2dbfe8a23bd546893",
    "hotel_bookings": "ebe4e53f0e6b92dacb13e2fef51a8c4c927f9606d31d9a39645045fbd3e8680b",
    "public_grants": "121caf011a9d57289ce273b6d10c8d11edfd8cce7a8475d2e7788060a2fa52cd",
    "plant_maintenance": "71a084e2a280cd4b4a1fec52593e821b875bc48a1aface9850f679dd9c80290a",
}
DEV_SPLIT_10 = "5bd81decd658a5ad147c760b66a3e9d752ec8a6b4dbc3a0b5095a2c2f4d82fa7"  # the quick demo's 60 questions

# (n, seed) -> sha256 of json.dumps(generate_rows(n, seed))
SQL_DATA_ROWS = {
    (600, 0): "2d9143c62250aa54b6ce8e19e57be5c2b2dad2eaf6f81a067ebf0c2c461fd31c",
    (120, 1): "e1f8cc26943625048ca21fa1b9532388b9707ec21f53832de8efb950c98b2a1d",  # tests/conftest.py's sql_rows
    (50, 7): "4cdbae95e5e625a709080517cbb323ae1e3bb484f3ddf1759225ed685fab3950",
}
SQL_WIDE_ROWS = {
    (400, 0): "cd9b9b8c8b791ce56c09718867038950343e240b8a851cc7846405bb9fb5da57",
    (60, 1): "03d93d6ffa6be9cf96158d5cd718663b2e4a94b48cba3a08fdc4118e7a1c7963",
    (40, 7): "49c5332dc2ed8dc2c17e3f9d412fb8ab417a1b3627ebb87ac2eaf8b668369c9c",
}
# The quick demo's training data (sftflow demo: 600 + 100 rows, seed 0) and the test fixture sql_data_dir's.
QUICK_SPLITS = {"train": "ff86e8b268a993dc683943dd9241155742bb7b6cc764ae80159dc9e5e0d12ca6",
                "test": "6ec0778e3af4dab0816a9592e4fce69854d3dda2e031826fcf3fe413cf4bb7dc"}
FIXTURE_SPLITS = {"train": "e92e67ae19ed6f0051f3240a027550a1b159b7aea361aeb3b926b52ad0f36fdf",
                  "test": "55f7b1afbbf13401258252214aa848f2c53d4b69cd957ed805fb950e9d042f98"}
WIDE_SPLITS = {"train": "eb56d85e9a4132f4f8316be57c3f8bfbb1b954034e2fc4b692482ca78aad027a",
               "validation": "e3a6fb8bd21e14efdead965c356a6e95ec105a64d41377457eea661103fe9b2a",
               "test": "301daeecb64dd072ac31558d0cc6aa98451ce89ab7029c40d1f2abfb145e1d9f"}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rows_hash(rows: list[dict]) -> str:
    return _sha256(json.dumps(rows, ensure_ascii=False).encode())


def _canonical_dump(path) -> list:
    """user_version, then every table by name with its CREATE statement and its rows in rowid order, as
    Python reads them: unlike the file's bytes, the same under any SQLite version."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        dump = [con.execute("PRAGMA user_version").fetchone()[0]]
        for name, sql in con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            dump.append([name, sql, [list(r) for r in con.execute(f"SELECT * FROM {name} ORDER BY rowid")]])
        return dump
    finally:
        con.close()


@pytest.mark.parametrize("db_id", DEVSET)
def test_development_databases_are_the_pinned_ones(devset_paths, db_id):
    dump = _canonical_dump(devset_paths[db_id])
    assert (dump[0], _sha256(json.dumps(dump, ensure_ascii=False).encode())) == DEVSET[db_id]
    if sqlite3.sqlite_version == DEVSET_FILES_SQLITE:
        assert _sha256(devset_paths[db_id].read_bytes()) == DEVSET_FILES[db_id]


def test_the_quick_demos_development_split_is_the_pinned_one(tmp_path):
    folder = devset.write_split(tmp_path / "dev", per_database=10)
    assert _sha256((folder / "test.jsonl").read_bytes()) == DEV_SPLIT_10


@pytest.mark.parametrize(("n", "seed"), SQL_DATA_ROWS)
def test_two_table_rows_are_the_pinned_ones(n, seed):
    assert _rows_hash(sql_data.generate_rows(n, seed)) == SQL_DATA_ROWS[(n, seed)]


@pytest.mark.parametrize(("n", "seed"), SQL_WIDE_ROWS)
def test_wide_rows_are_the_pinned_ones(wide_rows, n, seed):
    rows = wide_rows if (n, seed) == (len(wide_rows), 0) else sql_wide.generate_rows(n, seed)
    assert _rows_hash(rows) == SQL_WIDE_ROWS[(n, seed)]


@pytest.mark.parametrize(("sizes", "expected"), [((600, 100, 0), QUICK_SPLITS), ((64, 16, 3), FIXTURE_SPLITS)])
def test_two_table_split_files_are_the_pinned_ones(tmp_path, sizes, expected):
    n_train, n_test, seed = sizes
    paths = sql_data.write_splits(tmp_path, n_train=n_train, n_test=n_test, seed=seed)
    assert {name: _sha256(path.read_bytes()) for name, path in paths.items()} == expected


def test_wide_split_files_are_the_pinned_ones(tmp_path):
    paths = sql_wide.write_splits(tmp_path, n_train=20, n_test=8, seed=2, n_validation=4)
    assert {name: _sha256(path.read_bytes()) for name, path in paths.items()} == WIDE_SPLITS
