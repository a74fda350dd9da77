"""`sftflow config --help | check CONFIG | show CONFIG`."""

HELP = "list sftflow's options, or check/show a config file"
OWN_CONFIG = True  # `sftflow config` alone lists the options; no file is read
ADD_HELP = False  # -h/--help lists every sftflow option instead of this verb's arguments


def add_arguments(parser) -> None:
    parser.add_argument("-h", "--help", action="store_true", help="list every sftflow option")
    parser.add_argument("action", nargs="?", choices=("check", "show"))
    parser.add_argument("config", nargs="?")


def run(config, args) -> int:
    from sftflow.config import help_text, load_config
    from sftflow.errors import UserError
    from sftflow.settings import setting

    if args.help or not args.action:
        print(help_text())
        return 0
    if not args.config:
        raise UserError(f"sftflow config {args.action} needs a config file")
    config = load_config(args.config, args.overrides)
    if args.action == "show":
        import yaml

        print(yaml.safe_dump(config.to_dict(), sort_keys=False))
        return 0
    from sftflow.metrics import METRICS
    from sftflow.train.settings import check_settings
    from sftflow.train.trackers import check as check_trackers

    if config.eval.metric is not None:
        METRICS.get(config.eval.metric, config.where)  # unknown: a did-you-mean error, as eval would give
    check_trackers(setting(config, "report_to"), config.where)
    for note in check_settings(config):
        print(f"[sftflow] on this machine: {note}")
    print(f"{args.config}: OK")
    return 0
