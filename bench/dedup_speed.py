"""Rows per second and peak memory of exact and near dedup on 100k generated text-to-SQL rows.

    .venv/bin/python bench/dedup_speed.py [--rows 100000] [--planted 5000] [--out bench/results/dedup_cpu.txt]

Data: `rows - planted` distinct rows from generate_rows (seed 0), plus `planted` copies of
random earlier rows: half exact (case and spacing changed), half near (one word of the question
replaced). Each arm runs `dedup_file` (read jsonl, compare on sql_prompt + sql_context + sql,
write jsonl + report) in a fresh process, so its peak RSS (getrusage) is its own. The near
arm includes the exact pass it starts with.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIELDS = ["sql_prompt", "sql_context", "sql"]
THRESHOLD = 0.8


def make_rows(n: int, planted: int) -> tuple[list[dict], list[tuple[int, int]]]:
    """The rows, and (source, copy) index pairs of the near copies."""
    from sftflow.demo.sql_data import generate_rows

    rows, near_pairs = generate_rows(n - planted, seed=0), []
    rng = random.Random(0)
    for k in range(planted):
        source = rng.randrange(n - planted)
        copy = dict(rows[source])
        if k % 2 == 0:
            copy["sql_prompt"] = "  " + copy["sql_prompt"].upper()
        else:
            words = copy["sql_prompt"].split()
            words[rng.randrange(len(words))] = f"zzz{k}"  # unique, so two copies of one row never coincide
            copy["sql_prompt"] = " ".join(words)
            near_pairs.append((source, len(rows)))
        rows.append(copy)
    return rows, near_pairs


def near_copies_at_threshold(rows: list[dict], pairs: list[tuple[int, int]], threshold: float) -> int:
    """How many planted near copies really are >= threshold from their source (what near dedup should find)."""
    from sftflow.data.curate.near import jaccard, shingles
    from sftflow.data.curate.rows import normalize, row_text

    def grams(i: int) -> set[str]:
        return shingles(normalize(row_text(rows[i], i, FIELDS)))

    return sum(jaccard(grams(a), grams(b)) >= threshold for a, b in pairs)


def child(mode: str, input_path: str, output_path: str) -> None:
    """One arm in this process: time dedup_file, print figures as one json line."""
    import contextlib
    import io

    from sftflow.data.curate.dedup import dedup_file

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu_start = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        report = dedup_file(input_path, output_path, fields=FIELDS, near=mode == "near", threshold=THRESHOLD)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"mode": mode, "rows": report["rows_in"], "seconds": round(seconds, 2), "cpu_s": round(cpu, 2),
                      "rows_per_s": round(report["rows_in"] / seconds), "rss_before_mib": round(before / 1024),
                      "peak_rss_mib": round(peak / 1024), "exact_removed": report["exact_duplicates_removed"],
                      "near_removed": report["near_duplicates_removed"]}))


def make(rows: int, planted: int, path: str) -> None:
    """Data child: write the rows as jsonl, print what the parent reports about them."""
    start = time.perf_counter()
    made, near_pairs = make_rows(rows, planted)
    seconds = time.perf_counter() - start
    Path(path).write_text("".join(json.dumps(row) + "\n" for row in made))
    print(json.dumps({"seconds": round(seconds), "reachable": near_copies_at_threshold(made, near_pairs, THRESHOLD)}))


def run_child(*args: str) -> dict:
    """A fresh interpreter: the parent stays small, because Linux carries the parent's peak RSS into the
    ru_maxrss of a child started with fork + exec."""
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--planted", type=int, default=5_000)
    parser.add_argument("--out", default="bench/results/dedup_cpu.txt")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--make", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    if args.make:
        return make(args.rows, args.planted, args.make)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "rows.jsonl"
        made = run_child("--rows", str(args.rows), "--planted", str(args.planted), "--make", str(data))
        results = [run_child("--child", mode, str(data), str(Path(tmp) / f"out-{mode}.jsonl"))
                   for mode in ("exact", "near")]
    text = report(args, made, results, load)
    print(text, end="")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)


def report(args, made: dict, results: list[dict], load: tuple) -> str:
    lines = [f"command: .venv/bin/python bench/dedup_speed.py --rows {args.rows} --planted {args.planted}",
             f"data: {args.rows - args.planted} distinct generate_rows(seed=0) rows + {args.planted} planted copies "
             f"({args.planted // 2} exact after case/spacing change, {args.planted - args.planted // 2} with one "
             f"question word replaced); generated in {made['seconds']} s",
             f"  of the near copies, {made['reachable']} have Jaccard >= {THRESHOLD} to their source (exact check)",
             f"compared on: sql_prompt + sql_context + sql; near: Jaccard >= {THRESHOLD} on word 5-grams, "
             "MinHash 128 perm",
             "machine: 2 CPU cores, one process per arm (dedup_file: read jsonl, dedup, write jsonl + report); "
             f"load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after (the machine is shared)", ""]
    for r in results:
        lines.append(f"{r['mode']:<6} {r['rows']} rows in {r['seconds']:>6.2f} s wall ({r['cpu_s']:.2f} s CPU, one "
                     f"process) = {r['rows_per_s']:>6} rows/s, peak RSS {r['peak_rss_mib']} MiB "
                     f"(after imports {r['rss_before_mib']} MiB); removed exact {r['exact_removed']}, "
                     f"near {r['near_removed']}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
