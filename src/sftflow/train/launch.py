"""Multi-process training: `sftflow train CONFIG --launch ddp|fsdp|zero2|zero3 --num-processes N ...`.

GPUs: `accelerate launch` with one of the shipped config files (examples/accelerate/) or the user's.
CPU: `torchrun` with the gloo backend for ddp and fsdp, because accelerate's launcher runs a single process when
`use_cpu` is set (it expects mpirun for multi-CPU); `fsdp` there is FSDP2 on gloo (train/cpu_fsdp.py). zero2 and
zero3 go through accelerate's DeepSpeed launcher with the shipped file there too, in float32: DeepSpeed's CPU
accelerator (gloo, its shared-memory all-reduce compiled on first use).
The launched processes run `sftflow train` again with SFTFLOW_LAUNCHED=1, so they train in place, and
SFTFLOW_LAUNCH_MODE says which strategy they were started for.
"""

import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sftflow.errors import UserError

MODES = ("single", "ddp", "fsdp", "zero2", "zero3")
LAUNCHED = "SFTFLOW_LAUNCHED"
LAUNCH_MODE = "SFTFLOW_LAUNCH_MODE"
SHARDS_WEIGHTS = ("fsdp", "zero3")  # strategies that split the weights themselves across processes


@dataclass
class LaunchOptions:
    mode: str = "single"
    num_processes: int = 1
    num_machines: int = 1
    machine_rank: int = 0
    main_process_ip: str = "127.0.0.1"
    main_process_port: int = 29500
    accelerate_config: str | None = None

    def check(self) -> None:
        """Counts and a port the launcher can use: one line for each that it cannot."""
        for flag, value, low in (("--num-processes", self.num_processes, 1), ("--num-machines", self.num_machines, 1),
                                 ("--main-process-port", self.main_process_port, 1)):
            if value < low:
                raise UserError(f"{flag} must be at least {low} (got {value})", "command line")
        if self.main_process_port > 65535:
            raise UserError(f"--main-process-port must be at most 65535 (got {self.main_process_port})",
                            "command line")
        if not 0 <= self.machine_rank < self.num_machines:
            raise UserError(f"--machine-rank must be between 0 and --num-machines - 1 ({self.num_machines - 1}); "
                            f"got {self.machine_rank}", "command line")

    @property
    def wanted(self) -> bool:
        """True when training must run in launched worker processes rather than in this one."""
        return os.environ.get(LAUNCHED) != "1" and (
            self.mode != "single" or self.num_processes != 1 or self.num_machines != 1 or bool(self.accelerate_config))


def command(options: LaunchOptions, train_args: list[str], has_cuda: bool) -> list[str]:
    """The launcher command line that starts `sftflow train <train_args>` in every process."""
    worker = ["-m", "sftflow", "train", *train_args]
    if not has_cuda:
        if options.accelerate_config:
            raise UserError("--accelerate-config needs GPUs: on CPU, sftflow starts the processes itself (--launch "
                            "ddp|fsdp on gloo, zero2|zero3 with the shipped file)", "command line")
        if options.mode not in ("zero2", "zero3"):
            return [sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={options.num_processes}",
                    f"--nnodes={options.num_machines}", f"--node_rank={options.machine_rank}",
                    f"--master_addr={options.main_process_ip}", f"--master_port={options.main_process_port}", *worker]
        if not deepspeed_installed():
            raise UserError(f"--launch {options.mode} needs DeepSpeed, which is not installed: on CPU, "
                            "`DS_BUILD_OPS=0 pip install --no-build-isolation deepspeed` (./setup.sh --dev does it), "
                            "or use --launch fsdp or ddp", "command line")
    config = options.accelerate_config or str(shipped_config(options.mode))
    cpu = [] if has_cuda else ["--mixed_precision", "no"]  # the shipped files' bf16 is for GPUs: float32 on CPU
    return [sys.executable, "-m", "accelerate.commands.launch", "--config_file", config, *cpu,
            "--num_processes", str(options.num_processes * options.num_machines),
            "--num_machines", str(options.num_machines), "--machine_rank", str(options.machine_rank),
            "--main_process_ip", options.main_process_ip, "--main_process_port", str(options.main_process_port),
            *worker]


def deepspeed_installed() -> bool:
    return importlib.util.find_spec("deepspeed") is not None


def shipped_config(mode: str) -> Path:
    from sftflow.paths import examples_dir

    return examples_dir() / "accelerate" / f"{mode}.yaml"


def launch(options: LaunchOptions, train_args: list[str]) -> int:
    """Run the launcher and return its exit status; the workers print their own progress."""
    import torch

    if options.accelerate_config and not Path(options.accelerate_config).is_file():
        raise UserError(f"accelerate config not found: {options.accelerate_config}", "command line")
    line = command(options, train_args, torch.cuda.is_available())
    print(f"[sftflow] launching {options.num_processes} process(es) x {options.num_machines} machine(s): "
          + " ".join(_short(part) for part in line))
    env = {**os.environ, LAUNCHED: "1", LAUNCH_MODE: options.mode}
    if not torch.cuda.is_available() and options.mode in ("zero2", "zero3"):
        env.setdefault("DS_ACCELERATOR", "cpu")  # DeepSpeed would find it too, after a warning that it found no GPU
    return subprocess.run(line, env=env).returncode


def _short(part: str) -> str:
    return Path(part).name if part == sys.executable else part


def before_launch(config, options: LaunchOptions, cuda: bool) -> None:
    """What is checked and printed before any worker starts: a process count this machine can hold, a quantized
    base the strategy can shard, and the planner's memory per device for that strategy."""
    options.check()
    command(options, [], cuda)  # a strategy this machine cannot run is refused first
    per_machine = options.num_processes
    if cuda:
        import torch

        devices, what = torch.cuda.device_count(), "GPU(s)"
    else:
        devices, what = len(os.sched_getaffinity(0)), "CPU core(s)"
        if config.sft.get("use_cpu") is False:  # sftflow.device sets it for launched CPU workers
            raise UserError("use_cpu: false with --launch on a machine without GPUs: the Trainer would not see a "
                            "distributed run, and each process would train alone; remove the key", config.where)
    if per_machine > devices:
        raise UserError(f"--num-processes {per_machine} asks for more processes than this machine's {devices} "
                        f"{what}: start at most one process per {what[:-3]} on each machine", "command line")
    model = config.model
    if options.mode in SHARDS_WEIGHTS and model.get("load_in_8bit"):
        raise UserError(f"--launch {options.mode} cannot shard 8-bit weights: use load_in_4bit with "
                        f"bnb_4bit_quant_storage, or --launch ddp/zero2 (they keep the weights whole)", config.where)
    dtype = model.get("dtype") or "float32"
    if options.mode in SHARDS_WEIGHTS and model.get("load_in_4bit") and model.get("bnb_4bit_quant_storage") != dtype:
        raise UserError(f"--launch {options.mode} shards 4-bit weights only when they are stored in the training "
                        f"dtype: set bnb_4bit_quant_storage: {dtype} (it is "
                        f"{model.get('bnb_4bit_quant_storage') or 'unset: uint8'}), or use --launch ddp/zero2",
                        config.where)
    print_plan(config, options, cuda)


def print_plan(config, options: LaunchOptions, cuda: bool) -> None:
    from sftflow.memory.estimate import GIB, estimate, plan_inputs
    from sftflow.settings import plan_request

    strategy = None if options.accelerate_config else "ddp" if options.mode == "single" else options.mode
    total = options.num_processes * options.num_machines
    try:
        result = estimate(*plan_inputs(plan_request(config, cuda), total, strategy))
    except UserError as e:
        print(f"[sftflow] no memory plan before launch: {e}")
        return
    where = "GPU" if cuda else "process"
    print(f"[sftflow] memory plan for {strategy or 'the accelerate config'} on {total} process(es): "
          f"{result.peak / GIB:.2f} GiB per {where} at its peak ({result.peak_phase}); weights "
          f"{result.weights / GIB:.2f}, gradients {result.gradients / GIB:.2f}, optimizer "
          f"{result.optimizer / GIB:.2f} GiB per {where}")
