"""`sftflow train CONFIG [--launch ddp --num-processes N ...] [--key value ...]`."""

from sftflow.train.launch import MODES, LaunchOptions

HELP = "fine-tune as the config says"


def add_arguments(parser) -> None:
    parser.add_argument("config")
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


def run(config, args) -> int:
    from sftflow.flows import train

    launch = None
    if hasattr(args, "launch"):  # `sftflow run` (mode: train) has no launch flags
        launch = LaunchOptions(args.launch, args.num_processes, args.num_machines, args.machine_rank,
                               args.main_process_ip, args.main_process_port, args.accelerate_config)
    train(config, launch=launch, train_args=[args.config, *args.extra])
    return 0
