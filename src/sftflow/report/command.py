"""`sftflow report RUN_DIR`."""

from pathlib import Path

HELP = "loss curves (PNG, HTML), best checkpoint and a summary for a run directory"
OWN_CONFIG = True  # reads the run directory, not a config file


def add_arguments(parser) -> None:
    parser.add_argument("run_dir")


def run(config, args) -> int:
    from sftflow.report.run import run as report

    png, html, text = report(Path(args.run_dir))["files"]
    print(Path(text).read_text() + f"\nwritten: {png}, {html}, {text}")
    return 0
