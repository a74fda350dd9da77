"""Thin CLI: parse, load the config, call one stage's run(); user errors -> one message + exit 2."""

import argparse
import sys
import warnings
from pathlib import Path

from sftflow.errors import UserError

EPILOG = "Any other --key value pair overrides that key of the config file (sections: --eval.batch_size 8)."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sftflow", description="Supervised fine-tuning from one YAML file.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="do what the file's `mode` says (train / evaluate)", epilog=EPILOG)
    run.add_argument("config")
    train = commands.add_parser("train", help="fine-tune as the config says", epilog=EPILOG)
    train.add_argument("config")
    add_launch_arguments(train)
    evaluate = commands.add_parser("eval", help="score models on a split with the task metric", epilog=EPILOG)
    evaluate.add_argument("config")
    evaluate.add_argument("--model", action="append", help="run directory, adapter, model folder or Hub id "
                          "(repeat to compare; default: the config's run directory)")
    plan = commands.add_parser("plan", help="peak GPU memory per device for the config, before anything is "
                               "loaded: fits or not, and the cheapest changes that make it fit", epilog=EPILOG)
    plan.add_argument("config")
    plan.add_argument("--gpu", action="append", default=[], help="A5000, A100-40GB, H100, 24GB ... (repeatable)")
    plan.add_argument("--num-processes", type=int, default=1, help="GPUs the run is spread over")
    plan.add_argument("--strategy", help="ddp, fsdp, fsdp-offload, zero1, zero2, zero2-offload, zero3, "
                      "zero3-offload (default: from the config)")
    merge = commands.add_parser("merge", help="merge a LoRA adapter into its base (CONFIG), or models with "
                                "mergekit (RECIPE.yaml with merge_method)", epilog=EPILOG)
    merge.add_argument("config", help="experiment config (LoRA merge) or model-merging recipe")
    merge.add_argument("--overwrite", action="store_true", help="replace a different model in the output folder")
    report = commands.add_parser("report", help="loss curves (PNG, HTML), best checkpoint and a summary "
                                 "for a run directory")
    report.add_argument("run_dir")
    data = commands.add_parser("data", help="inspect data")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    preview = data_commands.add_parser("preview", help="rendered examples with trained tokens marked, "
                                       "token-length statistics", epilog=EPILOG)
    preview.add_argument("config")
    preview.add_argument("-n", type=int, default=3, help="examples to print (default 3)")
    add_curation_commands(data_commands)
    config = commands.add_parser("config", help="list sftflow's options, or check/show a config file",
                                 add_help=False)
    config.add_argument("-h", "--help", action="store_true", help="list every sftflow option")
    config.add_argument("action", nargs="?", choices=("check", "show"))
    config.add_argument("config", nargs="?")
    serve = commands.add_parser("serve", help="an OpenAI-compatible endpoint for a model folder, run directory, "
                                "adapter or Hub id (vLLM on a GPU, else transformers on CPU)", epilog=EPILOG)
    serve.add_argument("model", metavar="MODEL_OR_RUN_DIR", help="merged model folder, run directory (a LoRA "
                       "adapter is merged once into the cache), model folder, Hub id, or a config file (its run "
                       "directory and its serve: section)")
    serve.add_argument("--chat", action="store_true", help="also open the chat UI against the server (system "
                       "prompt and examples from the run's config)")
    serve.add_argument("--config", help="read the `serve:` section of this config (flags override it)")
    serve.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="TCP port (default 8080)")
    serve.add_argument("--name", help="model name clients send (default local)")
    serve.add_argument("--api-key", help="require this key (default: $SFTFLOW_API_KEY, or serve.api_key_env)")
    serve.add_argument("--backend", choices=("auto", "transformers", "vllm"), default="auto",
                       help="auto: vLLM when installed and a GPU is present, else transformers on CPU")
    chat = commands.add_parser("chat", help="web chat UI (gradio) against an OpenAI-compatible endpoint; system "
                               "prompt and example prompts from the config", epilog=EPILOG)
    chat.add_argument("config", nargs="?", help="experiment config (templates, test split, chat: section)")
    chat.add_argument("--base-url", help="endpoint (default: chat.base_url, $OPENAI_API_BASE, the local server)")
    chat.add_argument("--model", help="model name to request (default: serve.served_model_name)")
    chat.add_argument("--api-key", help="endpoint key (default: $OPENAI_API_KEY, or chat.api_key_env)")
    chat.add_argument("--share", action="store_true", default=None,
                      help="create a public gradio share link (off unless asked)")
    from sftflow.export.run import add_arguments as add_export_arguments

    add_export_arguments(commands.add_parser("export", help="the trained model as GGUF (llama.cpp, Ollama), ONNX, or "
                                             "a page that runs it in the browser; --serve DIR serves that page"))
    demo = commands.add_parser("demo", help="fine-tune SmolLM2-135M on generated text-to-SQL on CPU, "
                               "then compare base vs fine-tuned accuracy", epilog=EPILOG)
    demo.add_argument("--out", help="run folder (default: runs/demo-TIMESTAMP)")
    demo.add_argument("--chat", action="store_true", help="then serve the fine-tuned model and open the chat UI")
    return parser


def add_curation_commands(data_commands) -> None:
    """dedup, contamination, filter, stats: each writes a new dataset and a report into --out."""
    def command(name: str, help: str):
        sub = data_commands.add_parser(name, help=help, epilog=EPILOG)
        sub.add_argument("config")
        sub.add_argument("--out", help=f"output folder (default: curated/{name})")
        return sub

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
    for sub in (dedup, contamination, filters):
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


def run_curation(config, args) -> None:
    from sftflow.data.curate import run as curate

    out = Path(args.out or f"curated/{args.data_command}").resolve()
    fields = args.fields.split(",") if getattr(args, "fields", None) else None
    if args.data_command == "dedup":
        curate.dedup(config, out, args.split, fields, args.threshold, near=not args.exact_only)
    elif args.data_command == "contamination":
        curate.contamination(config, out, fields, args.threshold, args.ngram, args.drop)
    elif args.data_command == "filter":
        rules = {"required_fields": args.require.split(",") if args.require else (),
                 "min_tokens": args.min_tokens, "max_tokens": args.max_tokens, "sql_check": args.sql_check,
                 "include": _pairs(args.include), "exclude": _pairs(args.exclude), "script": args.script}
        judge = None
        if args.judge_template:
            judge = {"template": Path(args.judge_template).read_text(encoding="utf-8"),
                     "base_url": _endpoint(args.judge_endpoint), "model": args.judge_model,
                     "threshold": args.judge_threshold, "concurrency": args.judge_concurrency}
        curate.filter_rows(config, out, args.split, rules, judge)
    elif args.data_command == "synth":
        curate.synth(config, out, Path(args.prompt), _endpoint(args.endpoint), args.model, args.per_seed,
                     args.seeds, args.concurrency, args.validate)
    elif args.data_command == "mix":
        from sftflow.data.mix import run as mix

        mix(config, out)
    else:
        curate.stats(config, out)
    print(f"[sftflow] written to {out}")


def _endpoint(url: str | None) -> str:
    import os

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


def add_launch_arguments(parser: argparse.ArgumentParser) -> None:
    from sftflow.train.launch import MODES

    group = parser.add_argument_group("launching (several processes or machines)")
    group.add_argument("--launch", choices=MODES, default="single",
                       help="single process, or DDP / FSDP2 / DeepSpeed ZeRO-2/3 through accelerate (GPU); "
                            "ddp on CPU uses torchrun with gloo")
    group.add_argument("--num-processes", type=int, default=1, help="processes per machine (usually GPUs)")
    group.add_argument("--num-machines", type=int, default=1)
    group.add_argument("--machine-rank", type=int, default=0)
    group.add_argument("--main-process-ip", default="127.0.0.1")
    group.add_argument("--main-process-port", type=int, default=29500)
    group.add_argument("--accelerate-config", help="your own accelerate config file instead of the shipped one")


def launch_options(args):
    from sftflow.train.launch import LaunchOptions

    return LaunchOptions(args.launch, args.num_processes, args.num_machines, args.machine_rank,
                         args.main_process_ip, args.main_process_port, args.accelerate_config)


def main(argv: list[str] | None = None) -> int:
    # TRL's own default sets the old name; the warning would only confuse users of the teaching workflow
    warnings.filterwarnings("ignore", message="`gradient_checkpointing` is deprecated")
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    try:
        return dispatch(args, extra)
    except UserError as e:
        if args.debug:
            raise
        print(f"sftflow: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sftflow: interrupted", file=sys.stderr)
        return 130


def dispatch(args, extra: list[str]) -> int:
    from sftflow.config import help_text, load_config, parse_overrides

    if args.command == "export":
        from sftflow.export.run import run as export

        if extra:  # export takes no config overrides
            raise UserError(f"unrecognized arguments: {' '.join(extra)}", "command line")
        return export(args)
    overrides = parse_overrides(extra)
    if args.command == "demo":
        from sftflow.demo.run import run as demo

        run_dir = demo(Path(args.out) if args.out else None, overrides)
        if args.chat:
            from sftflow.serve.launch import run as serve_run

            config = load_config(run_dir / "config.yaml")
            return serve_run(str(run_dir), config.serve, None, "auto", config.where, chat_config=config)
        return 0
    if args.command == "merge":
        from sftflow.merge.run import is_recipe, run_recipe

        if is_recipe(args.config):
            print(f"[sftflow] merged model: {run_recipe(args.config, args.overwrite)}")
            return 0
        if args.overwrite:
            overrides["merge.overwrite"] = "true"
    if args.command == "report":
        from sftflow.report.run import run as report

        png, html, text = report(Path(args.run_dir))["files"]
        print(Path(text).read_text() + f"\nwritten: {png}, {html}, {text}")
        return 0
    if args.command == "config":
        if args.help or not args.action:
            print(help_text())
            return 0
        if not args.config:
            raise UserError(f"sftflow config {args.action} needs a config file")
        config = load_config(args.config, overrides)
        if args.action == "show":
            import yaml

            print(yaml.safe_dump(config.to_dict(), sort_keys=False))
        else:
            from sftflow.train.run import check_settings

            for note in check_settings(config):
                print(f"[sftflow] on this machine: {note}")
            print(f"{args.config}: OK")
        return 0
    if args.command == "serve":
        return serve_command(args, overrides)
    config = load_config(args.config, overrides)
    stage = args.command
    if stage == "run":
        stage = {"train": "train", "evaluate": "eval", "interact": "chat"}[config.workflow.mode]
    return run_stage(stage, config, args, extra)


def run_stage(stage: str, config, args, extra: list[str]) -> int:
    if stage == "train":
        from sftflow.train.run import run

        launch = launch_options(args) if hasattr(args, "launch") else None
        run(config, launch, [args.config, *extra])
    elif stage == "eval":
        from sftflow.eval.run import run

        run(config, getattr(args, "model", None))
    elif stage == "plan":
        from sftflow.plan.run import run

        run(config, args.gpu, args.num_processes, args.strategy)
    elif stage == "merge":
        from sftflow.merge.run import run

        print(f"[sftflow] merged model: {run(config)}")
    elif stage == "data" and args.data_command == "preview":
        from sftflow.data.preview import run

        run(config, n=args.n)
    elif stage == "data":
        run_curation(config, args)
    elif stage == "chat":
        from sftflow.serve.chat_ui import run

        run(config, getattr(args, "base_url", None), getattr(args, "api_key", None), getattr(args, "model", None),
            getattr(args, "share", None))
    else:
        raise UserError(f"mode '{config.workflow.mode}' needs the '{stage}' stage, which this version does not "
                        "have yet", config.where)
    return 0


def serve_command(args, overrides: dict) -> int:
    """`sftflow serve TARGET`: TARGET a config file means its run directory, with its serve: section; --config
    names the file for the serve: section (and the chat UI's prompts) otherwise, else a run directory's own."""
    from dataclasses import replace

    from sftflow.config import load_config
    from sftflow.serve.launch import run

    target, config_path = args.model, args.config
    target_is_config = Path(target).suffix in (".yaml", ".yml") and Path(target).is_file()
    if target_is_config:
        config_path = config_path or target
    elif not config_path and (Path(target) / "config.yaml").is_file():
        config_path = str(Path(target) / "config.yaml")  # a run directory's resolved config
    config = load_config(config_path, overrides)
    if target_is_config:  # its run directory, with the same overrides (e.g. --output_dir)
        target = str((config if config_path == target else load_config(target, overrides)).output_dir())
    flags = {"host": args.host, "port": args.port, "served_model_name": args.name}
    options = replace(config.serve, **{key: value for key, value in flags.items() if value is not None})
    return run(target, options, args.api_key, args.backend, config.where if config_path else "",
               chat_config=config if args.chat else None)


if __name__ == "__main__":
    raise SystemExit(main())
