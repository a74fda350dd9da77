"""The command line: a table of verbs. Each verb's module has HELP, add_arguments(parser) and run(config, args);
a user error is one message and exit status 2 (`--debug` shows the traceback)."""

import argparse
import re
import sys
import warnings
from importlib import import_module

from sftflow.device import preload_allocator, quiet_openmp
from sftflow.errors import UserError

OS_ERROR_TEXT = re.compile(r"\(os error \d+\)")
EPILOG = "Any other --key value pair overrides that key of the config file (sections: --eval.batch_size 8)."
VERBS = {
    "run": "sftflow.commands.run",
    "train": "sftflow.commands.train",
    "eval": "sftflow.commands.eval",
    "plan": "sftflow.commands.plan",
    "merge": "sftflow.commands.merge",
    "report": "sftflow.commands.report",
    "data": "sftflow.commands.data",
    "config": "sftflow.commands.config",
    "serve": "sftflow.commands.serve",
    "chat": "sftflow.commands.chat",
    "demo": "sftflow.commands.demo",
    "sweep": "sftflow.commands.sweep",
    "export": "sftflow.commands.export",
}


class Parser(argparse.ArgumentParser):
    """argparse's errors as sftflow's: one line and exit status 2; the usage is one --help away."""

    def error(self, message: str):
        raise UserError(f"{message} (usage: {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="sftflow", description="Supervised fine-tuning from one YAML file.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    verbs = parser.add_subparsers(dest="command", required=True)
    for name, module_name in VERBS.items():
        module = import_module(module_name)
        sub = verbs.add_parser(name, help=module.HELP, description=module.HELP, epilog=EPILOG,
                               add_help=getattr(module, "ADD_HELP", True))
        module.add_arguments(sub)
        sub.set_defaults(verb=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    # TRL's own default sets the old name; the warning would only confuse users of the teaching workflow
    warnings.filterwarnings("ignore", message="`gradient_checkpointing` is deprecated")
    quiet_openmp()  # before any verb imports torch
    command_line = argv is None  # the process is sftflow's own: it may start again with another allocator
    argv = sys.argv[1:] if argv is None else argv
    args = None
    try:
        if command_line:
            preload_allocator(argv)
        args, extra = build_parser().parse_known_args(argv)
        return run_verb(args, extra)
    except (UserError, OSError) as e:  # an OSError is the environment the user gave: a full disk, a read-only folder
        if debugging(args, argv):
            raise
        print(f"sftflow: error: {describe(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sftflow: interrupted", file=sys.stderr)
        return 130
    except Exception as e:
        # libraries written in Rust (safetensors, tokenizers) report a full disk as their own error type with
        # "(os error 28)" in the text: the same environment fault as an OSError, so the same one line
        if not OS_ERROR_TEXT.search(str(e)) or debugging(args, argv):
            raise
        print(f"sftflow: error: {describe(e)}", file=sys.stderr)
        return 2


def debugging(args, argv: list[str]) -> bool:
    """--debug given (also when the command line did not parse): tracebacks are shown."""
    return getattr(args, "debug", False) or (args is None and "--debug" in argv)


def describe(error: Exception) -> str:
    """One line: a UserError as it is; an OSError as what failed and on which file (strerror: filename)."""
    if isinstance(error, OSError) and error.strerror:
        files = " -> ".join(str(f) for f in (error.filename, error.filename2) if f is not None)
        return f"{error.strerror}: {files}" if files else error.strerror
    return " ".join(str(error).split()) or type(error).__name__


def run_verb(args, extra: list[str]) -> int:
    """Overrides parsed once; the config loaded here unless the verb reads its own (OWN_CONFIG)."""
    from sftflow.config import load_config, parse_overrides

    args.extra, args.overrides = extra, parse_overrides(extra)
    own = getattr(args.verb, "OWN_CONFIG", False)
    config = None if own or "config" not in vars(args) else load_config(args.config, args.overrides)
    return args.verb.run(config, args) or 0


if __name__ == "__main__":
    raise SystemExit(main())
