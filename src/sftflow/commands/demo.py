"""`sftflow demo [--out DIR] [--recipe quick|transfer] [--chat]`: the embedded default, end to end."""

from pathlib import Path

HELP = "fine-tune SmolLM2-135M on generated text-to-SQL on CPU, then compare base vs fine-tuned accuracy"
OWN_CONFIG = True  # the demo's config is shipped (examples/text_to_sql/demo.yaml)


def add_arguments(parser) -> None:
    parser.add_argument("--out", help="run folder (default: runs/demo-TIMESTAMP)")
    parser.add_argument("--recipe", choices=["quick", "transfer"], default="quick",
                        help="quick: demo.yaml, 9-20 minutes; transfer: transfer.yaml, wide schemas, all 204 "
                             "development questions, 28-50 minutes with bf16 instructions, about 140 with AVX2 only")
    parser.add_argument("--chat", action="store_true", help="then serve the fine-tuned model and open the chat UI")


def run(config, args) -> int:
    from sftflow.config import load_config
    from sftflow.demo.run import run as demo
    from sftflow.flows import serve

    run_dir = demo(Path(args.out) if args.out else None, args.overrides, args.recipe)
    if not args.chat:
        return 0
    config = load_config(run_dir / "config.yaml")
    return serve(config, run_dir, chat=True)
