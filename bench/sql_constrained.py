"""Schema-constrained decoding and execution-guided selection on the development set (204 questions, 6 databases).

    .venv/bin/python bench/sql_constrained.py --model base=MODEL --model quick=RUN_DIR
        [--modes plain,schema,schema+select,schema+majority] [--candidates 4]
        [--num N | --per-database N] [--batch-size 16] [--out DIR] [--backend auto|transformers|vllm]
        [--config demo.yaml|transfer.yaml]
    .venv/bin/python bench/sql_constrained.py --recount DIR   # the error kinds (and ceilings) of the runs kept in DIR

Each model is scored with the demo's config (or --config's) pointed at the development set (its databases, schema
prompts), once per mode: plain (greedy, unconstrained), schema (greedy under eval.constrain: schema), schema+select
(the greedy answer and candidates-1 samples, all constrained, eval.select: executes), schema+majority (the same
candidates, eval.select: majority), plain+select (unconstrained candidates, executes). Printed: accuracy with its
95% interval, the errors by kind (no SQL / not parsed, unknown table, unknown column, a column of a table the query
does not bring in, a column behind an alias, other runtime errors, ran but wrong) and the seconds per question
(generation and scoring, the model loaded once per mode). For a mode with candidates, also the ceiling of any
selection: how many questions at least one of the first k candidates answers correctly (k = 1, 2, 4, ... up to
--candidates); no way of choosing among those candidates can score more. Run on a quiet machine.
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

OTHER = "other table's column"
ALIASED = "behind an alias"


def names_of(database: Path) -> tuple[set[str], set[str]]:
    """(tables, every column name of every table) of the database, lower-cased (SQLite matches names without
    case)."""
    from sftflow.sql_schema import connect_read_only, tables

    connection = connect_read_only(database)
    try:
        names = [name for name, _ in tables(connection)]
        return ({n.lower() for n in names},
                {row[1].lower() for name in names for row in connection.execute(f'PRAGMA table_info("{name}")')})
    finally:
        connection.close()


def kinds(predictions: Path, databases: list[Path]) -> dict:
    """Errors by kind. "no such column: X" is split: X names no column of the database at all (unknown column); a
    column of the database behind a qualifier that is no table's name (behind an alias: one the query did not
    define, or whose table lacks that column; the grammar cannot know aliases, see sftflow/sql_grammar.py); or a
    column of one of its tables that the query does not bring in (other table's column)."""
    counts = {"correct": 0, "no SQL / parse": 0, "unknown table": 0, "unknown column": 0, OTHER: 0, ALIASED: 0,
              "runtime": 0, "wrong": 0}
    known: dict[Path, tuple[set[str], set[str]]] = {}
    for line, database in zip(predictions.read_text().splitlines(), databases, strict=False):
        row = json.loads(line)
        error = (row.get("error") or "").lower()
        if row.get("score"):
            counts["correct"] += 1
        elif not error:
            counts["wrong"] += 1
        elif "no such table" in error:
            counts["unknown table"] += 1
        elif "no such column" in error:
            qualifier, _, name = error.split("no such column:", 1)[-1].strip().rpartition(".")
            qualifier, name = qualifier.strip("\"`[] "), name.strip("\"`[] ")
            if database not in known:
                known[database] = names_of(database)
            tables, columns = known[database]
            if name not in columns:
                counts["unknown column"] += 1
            else:
                counts[ALIASED if qualifier and qualifier not in tables else OTHER] += 1
        elif "parse error" in error or "syntax" in error or "incomplete" in error or not row.get("extracted"):
            counts["no SQL / parse"] += 1
        else:
            counts["runtime"] += 1
    return counts


def ceilings(predictions: Path, rows: list[dict], dev: Path) -> dict[int, int]:
    """{k: questions for which one of the first k candidates is correct}, each candidate scored as the metric does
    (sftflow.metrics.sql.score_sql on the row's database, read-only)."""
    from sftflow.metrics.sql import extract_sql, score_sql

    correct = []
    for line, row in zip(predictions.read_text().splitlines(), rows, strict=True):
        candidates = json.loads(line).get("candidates") or []
        correct.append([score_sql(None, row["sql"], extract_sql(c), 2.0, database=str(dev / row["database"])).correct
                        for c in candidates])
    most = max((len(c) for c in correct), default=0)
    sizes = sorted({min(2 ** e, most) for e in range(most.bit_length() + 1)} - {0})
    return {k: sum(any(c[:k]) for c in correct) for k in sizes}


def ceiling_line(counts: dict[int, int], n: int) -> str:
    return "any of the first k candidates correct: " + ", ".join(f"k={k} {v}/{n}" for k, v in counts.items())


HEADER = (f"{'model':8} {'mode':14} {'accuracy':>8} {'ci95':>13} {'no SQL/parse':>12} {'unk.table':>9} "
          f"{'unk.column':>10} {'other.col':>9} {'alias.col':>9} {'runtime':>7} {'wrong':>5} {'s/question':>10}")


def recount(folder: Path) -> None:
    """The error kinds of every run kept under `folder` (a former --out), without generating again."""
    rows = [json.loads(line) for line in (folder / "dev" / "test.jsonl").read_text().splitlines()]
    for predictions in sorted(folder.glob("*/*/predictions.jsonl")):
        count = kinds(predictions, [folder / "dev" / r["database"] for r in rows])
        print(f"{predictions.parent.parent.name:23} " + ", ".join(f"{k} {v}" for k, v in count.items()))
        if "candidates" in predictions.read_text()[:100_000]:
            print(f"{'':23} " + ceiling_line(ceilings(predictions, rows, folder / "dev"), len(rows)))


def main() -> None:
    from sftflow.config import load_config
    from sftflow.demo import devset
    from sftflow.demo.run import dev_settings
    from sftflow.eval.run import evaluate
    from sftflow.paths import examples_dir

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", action="append", default=[], help="NAME=PATH (a model folder or run dir)")
    parser.add_argument("--modes", default="plain,schema,schema+select")
    parser.add_argument("--candidates", type=int, default=4)
    parser.add_argument("--num", type=int, default=None, help="only the first N questions")
    parser.add_argument("--per-database", type=int, default=None,
                        help="N questions of each database, easy to hard (10: the demo's 60 of 204)")
    parser.add_argument("--config", default="demo.yaml",
                        help="the recipe under examples/text_to_sql/ whose eval settings apply (transfer.yaml: 128 "
                        "new tokens)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--backend", default="auto", choices=["auto", "transformers", "vllm"])
    parser.add_argument("--out", help="keep the predictions (every candidate) in this folder")
    parser.add_argument("--recount", metavar="OUT", help="only print the error kinds of the runs kept in OUT")
    args = parser.parse_args()
    if args.recount:
        return recount(Path(args.recount))
    with tempfile.TemporaryDirectory() as tmp:
        if args.out:
            tmp = args.out
            Path(tmp).mkdir(parents=True, exist_ok=True)
        dev = Path(tmp) / "dev"
        devset.write_split(dev, per_database=args.per_database)
        header = HEADER
        lines = [header]
        print(header, flush=True)
        for spec in args.model:
            name, path = spec.split("=", 1)
            for mode in args.modes.split(","):
                settings = {**dev_settings(dev), "model_name_or_path": path, "output_dir": str(Path(tmp) / "run"),
                            "eval.constrain": "schema" if mode.startswith("schema") else "none",
                            "eval.candidates": str(1 if "+" not in mode else args.candidates),
                            "eval.select": "majority" if mode.endswith("majority") else "executes",
                            "eval.batch_size": str(args.batch_size), "eval.backend": args.backend}
                if args.num:
                    settings["eval.num_examples"] = str(args.num)
                config = load_config(examples_dir() / "text_to_sql" / args.config, settings)
                out = Path(tmp) / f"{name}-{mode}"
                start = time.perf_counter()
                result = evaluate(config, [path], out)[0]
                seconds = time.perf_counter() - start
                rows = [json.loads(line) for line in (dev / "test.jsonl").read_text().splitlines()]
                count = kinds(next(out.rglob("predictions.jsonl")), [dev / r["database"] for r in rows])
                low, high = result["ci95"]
                line = (f"{name:8} {mode:14} {100 * result['accuracy']:7.2f}% {100 * low:5.1f}-{100 * high:5.1f}% "
                        f"{count['no SQL / parse']:12} {count['unknown table']:9} {count['unknown column']:10} "
                        f"{count[OTHER]:9} {count[ALIASED]:9} "
                        f"{count['runtime']:7} {count['wrong']:5} {seconds / result['n']:10.2f}")
                if "+" in mode:
                    predictions = next(out.rglob("predictions.jsonl"))
                    line += f"\n{'':8} {'':14} " + ceiling_line(ceilings(predictions, rows, dev), len(rows))
                constraint = list(out.rglob("constraint.json"))
                if constraint:
                    stats = json.loads(constraint[0].read_text())
                    line += (f"\n{'':8} {'':14} grammars {stats['grammars']}, compiled in {stats['compile_s']:.2f} s, "
                             f"masks {stats['mask_ms_per_step']:.2f} ms per step")
                lines.append(line)
                print(line, flush=True)
    print("\n".join(["", "summary:", *lines]))


if __name__ == "__main__":
    main()
