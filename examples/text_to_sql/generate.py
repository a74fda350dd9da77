"""Write synthetic text-to-SQL train/test splits (gretelai/synthetic_text_to_sql shape).

Usage: python examples/text_to_sql/generate.py --out DIR [--train 2000] [--test 200] [--seed 0] [--wide]

By default the rows have two-table schemas (sftflow.demo.sql_data), the data of the quick demo (demo.yaml).
--wide writes rows over wide, realistic schemas (sftflow.demo.sql_wide: 5-11 tables, CREATE TABLE statements
in a `schema` column, questions that name things by synonym), the data of transfer.yaml.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

try:
    from sftflow.demo import sql_data, sql_wide
except ImportError:  # running from a checkout where sftflow is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    from sftflow.demo import sql_data, sql_wide


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="output directory for train.jsonl and test.jsonl")
    parser.add_argument("--train", type=int, default=2000, help="number of training rows")
    parser.add_argument("--test", type=int, default=200, help="number of test rows")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--wide", action="store_true", help="wide realistic schemas (transfer.yaml's data)")
    args = parser.parse_args(argv)
    write_splits = sql_wide.write_splits if args.wide else sql_data.write_splits
    paths = write_splits(args.out, args.train, args.test, seed=args.seed)
    counts = {"train": args.train, "test": args.test}
    for name, path in paths.items():
        print(f"{name}: {path} ({counts[name]} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
