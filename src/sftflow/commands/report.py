"""`sftflow report RUN_DIR`."""

from pathlib import Path

HELP = "loss curves (PNG, HTML), best checkpoint and a summary for a run directory"
OWN_CONFIG = True  # reads the run directory, not a config file


def add_arguments(parser) -> None:
    parser.add_argument("run_dir")


def run(config, args) -> int:
    from sftflow import run_dir as rd
    from sftflow.report.run import run as report
    from sftflow.report.run import tracker_views

    png, html, text = report(None, Path(args.run_dir))["files"]
    print(Path(text).read_text() + f"\nwritten: {png}, {html}, {text}")
    for line in tracker_views(Path(args.run_dir).resolve(), rd.read_manifest(Path(args.run_dir)) or {}):
        print(line)
    return 0
