"""Rows that go with a real SQLite database: `data.database` (one file for every row) or `data.database_column`
(each row names its own file). Every row gets `database`, the file's absolute path, which the sql_execution
metric runs gold and predicted SQL on (read-only, immutable); a row without a schema gets one derived from the
file (sftflow.sql_schema: its CREATE TABLE statements, optionally sample rows, within a budget), in the column
`data.schema_column`, so the prompt template can show it."""

import sqlite3
from pathlib import Path

from sftflow.errors import UserError
from sftflow.sql_schema import connect_read_only, schema_text

DATABASE = "database"  # the column holding each row's resolved SQLite file


def attach(splits: dict, config) -> dict:
    """The splits with `database` (and the schema where missing) on every row, when the config names databases."""
    d = config.data
    if not d.database and not d.database_column:
        return splits
    fixed = _database_file(d.database, config) if d.database else None
    folder = _data_folder(config)
    schemas: dict[tuple, str] = {}

    def add(row: dict, index: int) -> dict:
        path = fixed or _row_file(row, index, d.database_column, folder, config.where)
        out = {**row, DATABASE: str(path)}
        if not row.get(d.schema_column):
            question = str(row.get(d.schema_question_column) or "") if d.schema_max_chars else None
            key = (str(path), question)
            if key not in schemas:
                schemas[key] = _schema(path, d.schema_sample_rows, d.schema_max_chars, question, config.where)
            out[d.schema_column] = schemas[key]
        return out

    return {name: split.map(add, with_indices=True, keep_in_memory=True, desc=f"Databases of {name}")
            for name, split in splits.items()}


def _database_file(name: str, config) -> Path:
    path = config.resolve_path(name)
    if path is None or not path.is_file():
        raise UserError(f"data.database does not exist: {name}", config.where)
    return path


def _data_folder(config) -> Path:
    """Relative per-row database paths are read beside the data: the dataset's folder (or its file's)."""
    local = config.resolve_path(config.workflow.dataset_name or "")
    if local is None:
        return config.base_dir
    return local if local.is_dir() else local.parent


def _row_file(row: dict, index: int, column: str, folder: Path, where: str) -> Path:
    name = row.get(column)
    if not name:
        raise UserError(f"row {index} has no value in column '{column}' (data.database_column)", where)
    path = Path(str(name))
    if path.is_absolute() or str(name).startswith("~"):
        raise UserError(f"row {index}: the database '{name}' (column '{column}') is an absolute path; a row may "
                        f"only name a file in the dataset's folder ({folder}), relative to it", where)
    resolved = (folder / path).resolve()
    if not resolved.is_relative_to(folder.resolve()):  # '..' or a symbolic link out of the folder
        raise UserError(f"row {index}: the database '{name}' (column '{column}') leads outside the dataset's "
                        f"folder ({folder})", where)
    if not resolved.is_file():
        raise UserError(f"row {index}: the database '{name}' (column '{column}') does not exist: {folder / path}",
                        where)
    return resolved


def _schema(path: Path, sample_rows: int, max_chars: int | None, question: str | None, where: str) -> str:
    try:
        connection = connect_read_only(path)
        try:
            return schema_text(connection, sample_rows, max_chars, question)
        finally:
            connection.close()
    except sqlite3.DatabaseError as e:
        raise UserError(f"not a readable SQLite database ({e})", str(path)) from None
