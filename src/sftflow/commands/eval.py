"""`sftflow eval CONFIG [--model X ...]`."""

HELP = "score models on a split with the task metric"


def add_arguments(parser) -> None:
    parser.add_argument("config")
    parser.add_argument("--model", action="append", help="run directory, adapter, model folder or Hub id "
                        "(repeat to compare; default: the config's run directory)")


def run(config, args) -> int:
    from sftflow.eval.run import run as evaluate

    evaluate(config, models=getattr(args, "model", None))
    return 0
