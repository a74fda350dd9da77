"""`sftflow sweep CONFIG --lr-range | --grid KEY=V1,V2 ... | --search N --space KEY=LO:HI[:log] ... | --methods ...`."""

import math
from pathlib import Path

from sftflow.errors import UserError

HELP = "choose settings by short runs: an LR range test, a grid, an Optuna search, a PEFT-method comparison"
METHODS = {  # method -> the config keys that select it
    "lora": {"use_peft": "true", "use_dora": "false", "use_rslora": "false", "train.peft_method": "lora"},
    "dora": {"use_peft": "true", "use_dora": "true", "use_rslora": "false", "train.peft_method": "lora"},
    "rslora": {"use_peft": "true", "use_dora": "false", "use_rslora": "true", "train.peft_method": "lora"},
    "ia3": {"use_peft": "true", "use_dora": "false", "use_rslora": "false", "train.peft_method": "ia3"},
    "adalora": {"use_peft": "true", "use_dora": "false", "use_rslora": "false", "train.peft_method": "adalora"},
    "full": {"use_peft": "false"},
}


def add_arguments(parser) -> None:
    parser.add_argument("config")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--lr-range", action="store_true", help="a learning-rate range test: one short run with the "
                      "rate growing exponentially from --lr-min to --lr-max; suggests a rate")
    what.add_argument("--grid", nargs="+", metavar="KEY=V1,V2", help="every combination of these values")
    what.add_argument("--search", type=int, metavar="N", help="N trials sampled by Optuna's TPE over --space")
    what.add_argument("--methods", metavar="M1,M2", help=f"compare PEFT methods: {', '.join(METHODS)}")
    parser.add_argument("--space", nargs="+", metavar="KEY=LO:HI[:log]|KEY=V1,V2", help="the --search space")
    parser.add_argument("--lr-min", type=float, default=1e-6)
    parser.add_argument("--lr-max", type=float, default=1e-1)
    parser.add_argument("--steps", type=int, default=None,
                        help="optimizer steps of the range test (default 60) or of each trial (default: the config's)")
    parser.add_argument("--max-minutes", type=float, default=None,
                        help="start no new trial after this many minutes (finished trials are kept)")
    parser.add_argument("--out", help="the sweep folder (default: the config's output_dir + '-sweep')")


def run(config, args) -> int:
    out = Path(args.out) if args.out else config.output_dir().with_name(config.output_dir().name + "-sweep")
    if args.steps is not None and args.steps < 1:
        raise UserError(f"--steps must be at least 1, got {args.steps}")
    if args.max_minutes is not None and not 0 < args.max_minutes < math.inf:
        raise UserError(f"--max-minutes must be a positive number, got {args.max_minutes}")
    if args.lr_range:
        from sftflow.sweep.lr_range import range_test

        if not 0 < args.lr_min < args.lr_max < math.inf:
            raise UserError(f"--lr-min and --lr-max must be finite, 0 < min < max, got {args.lr_min} and {args.lr_max}")
        range_test(config, args.config, out / "lr-range", args.lr_min, args.lr_max, args.steps or 60, args.overrides)
        return 0
    from sftflow.sweep.trials import Sweep, parse_grid, parse_space

    if args.space and args.search is None:
        raise UserError("--space goes with --search N")
    if args.search is not None:
        if args.search < 1 or not args.space:
            raise UserError("--search N needs N >= 1 and a --space (KEY=LO:HI[:log] or KEY=V1,V2 ...)")
        space, grid = parse_space(args.space), None
    elif args.methods:
        names = [m.strip() for m in args.methods.split(",") if m.strip()]
        unknown = [m for m in names if m not in METHODS]
        if unknown or not names:
            raise UserError(f"--methods: unknown method {', '.join(unknown) or '(none)'}; known: {', '.join(METHODS)}")
        space, grid = None, {"method": names}
    else:
        space, grid = None, parse_grid(args.grid)
    sweep = Sweep(config, args.config, out, args.overrides, args.steps, args.max_minutes, METHODS)
    sweep.check(grid, space)  # a bad key or value is one line before anything trains
    sweep.run(grid, space, args.search)
    return 0
