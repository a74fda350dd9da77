"""`sftflow data preview|explore|dedup|contamination|filter|stats|mix|synth CONFIG`: inspect and curate the data."""

import os
from pathlib import Path

from sftflow.errors import UserError

HELP = "inspect and curate data"


def add_arguments(parser) -> None:
    commands = parser.add_subparsers(dest="data_command", required=True)

    def command(name: str, help: str):
        sub = commands.add_parser(name, help=help, epilog=parser.epilog)
        sub.add_argument("config")
        if name != "preview":
            sub.add_argument("--out", help=f"output folder (default: curated/{name})")
        return sub

    preview = command("preview", "rendered examples with trained tokens marked, token-length statistics")
    preview.add_argument("-n", type=int, default=3, help="examples to print (default 3)")
    explore = command("explore", "topics: rows clustered (TF-IDF + SVD, k-means), labelled, per split, on a map "
                      "(PNG + HTML); test topics with no training rows flagged")
    explore.add_argument("--clusters", type=int, help="number of topics (default: chosen by silhouette, 2-20)")
    dedup = command("dedup", "exact and near (MinHash LSH) duplicates removed, clusters reported")
    contamination = command("contamination", "train rows overlapping validation/test, listed; --drop removes them")
    filters = command("filter", "rule-based filters with a report of what each rule removed")
    command("stats", "token-length histogram per split (PNG), field statistics, truncation counts")
    command("mix", "this config's train rows plus other configs' (data.mix: count or weight), one dataset")
    synth = command("synth", "new rows generated from the train split's rows through an OpenAI-compatible "
                    "endpoint: bounded concurrency, retries, validated, resumable")
    synth.add_argument("--prompt", required=True, help="Jinja template (file) turning a seed row into the request")
    synth.add_argument("--per-seed", type=int, default=1, help="rows to generate from each seed row")
    synth.add_argument("--seeds", type=int, help="use only the first N train rows as seeds")
    synth.add_argument("--validate", choices=("none", "sql"), default="none",
                       help="sql: keep a row only if its sql runs on its sql_context and returns rows")
    for sub in (synth, filters):
        prefix = "" if sub is synth else "judge-"
        sub.add_argument(f"--{prefix}endpoint", help="OpenAI-compatible base URL (default: $OPENAI_API_BASE)")
        sub.add_argument(f"--{prefix}model", default="local", help="model name sent to the endpoint")
        sub.add_argument(f"--{prefix}concurrency", type=int, default=4)
    filters.add_argument("--judge-template", help="Jinja file asking the endpoint to score a row (LLM as judge)")
    filters.add_argument("--judge-threshold", type=float, default=7.0, help="keep rows scored at least this")
    for sub in (dedup, contamination, filters, explore):
        sub.add_argument("--fields", help="comma-separated columns compared/checked (default: the rendered text)")
    for sub in (dedup, filters):
        sub.add_argument("--split", default="train")
    for sub in (dedup, contamination):
        sub.add_argument("--threshold", type=float, default=0.8, help="near-duplicate Jaccard threshold")
    dedup.add_argument("--exact-only", action="store_true")
    contamination.add_argument("--ngram", type=int, help="also flag shared word n-grams of this length")
    contamination.add_argument("--drop", action="store_true", help="write train without contaminated rows")
    filters.add_argument("--require", help="comma-separated columns that must be present and non-empty")
    filters.add_argument("--min-tokens", type=int)
    filters.add_argument("--max-tokens", type=int)
    filters.add_argument("--include", action="append", default=[], metavar="FIELD=REGEX")
    filters.add_argument("--exclude", action="append", default=[], metavar="FIELD=REGEX")
    filters.add_argument("--sql-check", action="store_true", help="gold SQL must run on its context in SQLite")
    filters.add_argument("--script", help="keep rows whose letters are mostly in this Unicode script "
                         "(latin, cyrillic, greek, arabic, cjk ...): a cheap language filter")


def run(config, args) -> int:
    if args.data_command == "preview":
        from sftflow.data.preview import run as preview

        preview(config, n=args.n)
        return 0
    out = Path(args.out or f"curated/{args.data_command}").resolve()
    SUBCOMMANDS[args.data_command](config, args, out)
    print(f"[sftflow] written to {out}")
    return 0


def _fields(args) -> list[str] | None:
    return args.fields.split(",") if getattr(args, "fields", None) else None


def explore(config, args, out: Path) -> None:
    from sftflow.data.explore import explore as explore_topics

    explore_topics(config, out, args.clusters, _fields(args))


def dedup(config, args, out: Path) -> None:
    from sftflow.data.curate import run as curate

    curate.dedup(config, out, args.split, _fields(args), args.threshold, near=not args.exact_only)


def contamination(config, args, out: Path) -> None:
    from sftflow.data.curate import run as curate

    curate.contamination(config, out, _fields(args), args.threshold, args.ngram, args.drop)


def filter_rows(config, args, out: Path) -> None:
    from sftflow.data.curate import run as curate

    rules = {"required_fields": args.require.split(",") if args.require else (),
             "min_tokens": args.min_tokens, "max_tokens": args.max_tokens, "sql_check": args.sql_check,
             "include": _pairs(args.include), "exclude": _pairs(args.exclude), "script": args.script}
    judge = None
    if args.judge_template:
        judge = {"template": Path(args.judge_template).read_text(encoding="utf-8"),
                 "base_url": _endpoint(args.judge_endpoint), "model": args.judge_model,
                 "threshold": args.judge_threshold, "concurrency": args.judge_concurrency}
    curate.filter_rows(config, out, args.split, rules, judge)


def stats(config, args, out: Path) -> None:
    from sftflow.data.curate import run as curate

    curate.stats(config, out)


def mix(config, args, out: Path) -> None:
    from sftflow.data.mix import run as mix_rows

    mix_rows(config, out)


def synth(config, args, out: Path) -> None:
    from sftflow.data.curate import run as curate

    curate.synth(config, out, Path(args.prompt), _endpoint(args.endpoint), args.model, args.per_seed, args.seeds,
                 args.concurrency, args.validate)


SUBCOMMANDS = {"explore": explore, "dedup": dedup, "contamination": contamination, "filter": filter_rows,
               "stats": stats, "mix": mix, "synth": synth}


def _endpoint(url: str | None) -> str:
    url = url or os.environ.get("OPENAI_API_BASE")
    if not url:
        raise UserError("no endpoint: pass --endpoint URL or set OPENAI_API_BASE", "command line")
    return url


def _pairs(items: list[str]) -> dict[str, str]:
    pairs = {}
    for item in items:
        field, sep, regex = item.partition("=")
        if not sep:
            raise UserError(f"expected FIELD=REGEX, got '{item}'", "command line")
        pairs[field] = regex
    return pairs
