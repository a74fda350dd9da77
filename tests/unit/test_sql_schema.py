"""Schema text from a real SQLite file, opened so that it cannot change."""

import hashlib
import sqlite3

import pytest

from sftflow.sql_schema import connect_read_only, schema_text


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "shop.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, city TEXT);
            CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), total REAL);
            CREATE TABLE suppliers (id INTEGER PRIMARY KEY, company TEXT);
            INSERT INTO customers VALUES (1, 'Ada', 'Oslo'), (2, 'Bo', NULL);
            INSERT INTO orders VALUES (1, 1, 9.5);
        """)
    return path


def test_create_statements_in_order_with_sample_rows(database):
    connection = connect_read_only(database)
    text = schema_text(connection, sample_rows=1)
    assert text.index("CREATE TABLE customers") < text.index("CREATE TABLE orders") < text.index("suppliers")
    assert "-- 1, 'Ada', 'Oslo'" in text and "-- 2, 'Bo'" not in text
    assert schema_text(connection).count("--") == 0


def test_a_budget_drops_sample_rows_then_the_tables_least_related_to_the_question(database):
    connection = connect_read_only(database)
    full = schema_text(connection)
    text = schema_text(connection, sample_rows=3, max_chars=len(full) - 1, question="Which customers ordered most?")
    assert "suppliers" not in text and "customers" in text and "orders" in text and "--" not in text


def test_the_file_is_opened_read_only_and_left_byte_for_byte_unchanged(database):
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    connection = connect_read_only(database)
    schema_text(connection, sample_rows=2)
    with pytest.raises(sqlite3.OperationalError):
        connection.execute("INSERT INTO suppliers VALUES (9, 'x')")
    connection.close()
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    assert not list(database.parent.glob("*-journal")) and not list(database.parent.glob("*-wal"))


@pytest.mark.parametrize("name", ["shop.sqlite#v2", "db#1.sqlite", "a?b.sqlite", "100%.sqlite", "two words.sqlite"])
def test_a_file_name_with_uri_characters_opens_that_file_read_only(tmp_path, name):
    """Built by hand, the URI of `shop.sqlite#v2` ended at '#': SQLite opened `shop.sqlite` read-write (a WAL
    database grew and lost its -wal file), and `db#1.sqlite` created a new file `db`."""
    from sftflow.sql_sandbox.sandbox import Sandbox

    path = tmp_path / name
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL)")
    writer.execute("INSERT INTO orders VALUES (1, 9.5)")
    writer.commit()
    writer.execute("PRAGMA wal_checkpoint(PASSIVE)")  # immutable=1 reads the main file only, as of its checkpoint
    (tmp_path / "shop.sqlite").write_bytes(b"")  # what a truncated URI would open instead
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    connection = connect_read_only(path)
    assert "CREATE TABLE orders" in schema_text(connection)
    connection.close()
    sandbox = Sandbox(str(path))
    assert sandbox.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 1
    with pytest.raises(sqlite3.DatabaseError):  # refused: the authorizer, then read-only mode
        sandbox.conn.execute("INSERT INTO orders VALUES (2, 1.0)")
    sandbox.conn.close()
    writer.close()  # the writer's own close may checkpoint: compare what was there while sftflow read
    assert {p.name for p in tmp_path.iterdir()} >= set(before) - {f"{name}-wal", f"{name}-shm"}
    assert (tmp_path / "shop.sqlite").read_bytes() == b"" and not (tmp_path / "db").exists()
