"""`sftflow plan CONFIG [--gpu H100 ...]`."""

HELP = ("peak GPU memory per device for the config, before anything is loaded: fits or not, and the cheapest "
        "changes that make it fit")


def add_arguments(parser) -> None:
    parser.add_argument("config")
    parser.add_argument("--gpu", action="append", default=[], help="A5000, A100-40GB, H100, 24GB ... (repeatable)")
    parser.add_argument("--num-processes", type=int, default=1, help="GPUs the run is spread over")
    parser.add_argument("--strategy", help="ddp, fsdp, fsdp-offload, zero1, zero2, zero2-offload, zero3, "
                        "zero3-offload (default: from the config)")


def run(config, args) -> int:
    from sftflow.plan.run import run as plan

    plan(config, gpus=args.gpu, num_processes=args.num_processes, strategy=args.strategy)
    return 0
