"""The hand-written questions (``questions.jsonl``) and the dataset folder sftflow evaluates them from."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .build import build_all

QUESTIONS_PATH = Path(__file__).resolve().parent / "questions.jsonl"


def load_questions() -> list[dict]:
    """The hand-written questions: id, db_id, question, sql, difficulty and tags, in file order."""
    with QUESTIONS_PATH.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _sample(questions: list[dict], per_database: int | None) -> list[dict]:
    """``per_database`` questions evenly spaced through the list (which runs from easy to hard), or all."""
    n = len(questions) if per_database is None else min(per_database, len(questions))
    return [questions[i * len(questions) // n] for i in range(n)]


def write_split(folder: Path, per_database: int | None = None) -> Path:
    """The set as a dataset folder sftflow reads: databases/<db_id>.sqlite (built once) and test.jsonl with
    sql_prompt, sql and database (the file, relative to the folder); `per_database`: N questions of each
    database, evenly spaced through its list (which runs from easy to hard), for a smaller sample with the same
    mix. Returns the folder."""
    folder = Path(folder)
    build_all(folder / "databases")
    by_database: dict[str, list[dict]] = {}
    for question in load_questions():
        by_database.setdefault(question["db_id"], []).append(question)
    rows = [{"id": question["id"], "sql_prompt": question["question"], "sql": question["sql"],
             "database": f"databases/{db_id}.sqlite", "difficulty": question["difficulty"]}
            for db_id, questions in by_database.items() for question in _sample(questions, per_database)]
    partial = folder / ".test.jsonl.partial"
    partial.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    os.replace(partial, folder / "test.jsonl")
    return folder
