"""`sftflow run CONFIG`: do what the file's `mode` says, with that verb's defaults."""

from importlib import import_module

HELP = "do what the file's `mode` says (train / evaluate / interact)"
MODES = {"train": "sftflow.commands.train", "evaluate": "sftflow.commands.eval", "interact": "sftflow.commands.chat"}


def add_arguments(parser) -> None:
    parser.add_argument("config")


def run(config, args) -> int:
    return import_module(MODES[config.workflow.mode]).run(config, args)
