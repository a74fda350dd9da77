"""What the machine can do, and the settings it changes: GPU-only options switched off on a machine without a
GPU (and said), the memory there is to plan with. The one place that asks these questions."""

import os
import sys
from functools import cache

from sftflow.errors import UserError


def has_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


ISA_FLAGS = ("avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16")  # what decides a CPU's matmul speed class
BELOW_BF16 = ("SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX512_CORE", "AVX512_CORE_VNNI")  # oneDNN ISA caps without bf16


@cache
def cpu_flags(cpuinfo: str = "/proc/cpuinfo") -> tuple[str, str]:
    """(the CPU's model name, its flags of ISA_FLAGS) from /proc/cpuinfo; ("unknown", "") where it cannot be read."""
    try:
        with open(cpuinfo) as f:
            lines = f.read().splitlines()
    except OSError:
        return "unknown", ""
    model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "unknown")
    flags = next((line.split(":", 1)[1].split() for line in lines if line.startswith("flags")), [])
    return model, " ".join(flag for flag in ISA_FLAGS if flag in flags)


def cpu_bf16(cpuinfo: str = "/proc/cpuinfo") -> str | None:
    """The CPU's native bf16 instructions (amx_bf16 or avx512_bf16), or None: bf16 autocast is fast only with them.
    None too when oneDNN is capped below bf16 (ONEDNN_MAX_CPU_ISA=AVX2, how an AVX2-only CPU is emulated)."""
    if os.environ.get("ONEDNN_MAX_CPU_ISA", "").upper() in BELOW_BF16:
        return None
    flags = cpu_flags(cpuinfo)[1].split()
    return next((flag for flag in ("amx_bf16", "avx512_bf16") if flag in flags), None)


def cpu_class() -> str:
    """One line naming the CPU and the instruction sets that decide its speed: figures are quoted with it."""
    model, flags = cpu_flags()
    cap = os.environ.get("ONEDNN_MAX_CPU_ISA")
    limit = f", emulating {cap} (ONEDNN_MAX_CPU_ISA, ATEN_CPU_CAPABILITY={os.environ.get('ATEN_CPU_CAPABILITY')})"
    return f"{model}, {os.cpu_count()} cores, {flags or 'no AVX2'}{limit if cap else ''}"


def machine_name(cuda: bool) -> str:
    """The GPU's name, or the CPU's class line: what a measured step time is quoted with."""
    if cuda:
        import torch

        return torch.cuda.get_device_name(0)
    return f"{cpu_class()}, {allocator()} malloc"


SPINCOUNT = "10000"  # iterations a waiting OpenMP thread spins before it sleeps; libgomp's default is 300,000


def quiet_openmp(environ=os.environ) -> None:
    """OpenMP threads that spin only briefly while they wait, unless the user chose (OMP_WAIT_POLICY or
    GOMP_SPINCOUNT). By default libgomp's threads spin for 300,000 iterations, which on a machine shared with
    another CPU-bound process takes the cores the other threads need: a training step was 2.8x slower there than
    with GOMP_SPINCOUNT=10000, which costs nothing on a quiet machine; PASSIVE (no spinning) cost 29% quiet
    (bench/shared_cpu.py, bench/results/shared_cpu_*.txt). Read by OpenMP when torch loads, so set before that.
    vLLM's CPU build binds and tunes its own threads: its child does not get it."""
    if "OMP_WAIT_POLICY" not in environ and "GOMP_SPINCOUNT" not in environ:
        environ["GOMP_SPINCOUNT"] = SPINCOUNT
        environ["SFTFLOW_SET_GOMP_SPINCOUNT"] = "1"  # so that a child process can tell ours from the user's


ALLOCATORS = ("tcmalloc", "jemalloc", "mimalloc")  # what sftflow.device.allocator recognises in LD_PRELOAD
PRELOADED = {"tcmalloc": ("tcmalloc_minimal", "tcmalloc"), "jemalloc": ("jemalloc",)}  # library names, in order
ALLOCATOR_VERBS = {"run", "train", "demo", "sweep", "eval"}  # the verbs that run torch on CPU for long
ALLOCATOR_HINT = ("the sftflow command runs under tcmalloc where it is installed (apt install libtcmalloc-minimal4; "
                  "bench/results/malloc_cpu.txt)")


def glibc_by_default(environ=os.environ) -> bool:
    """True where this process runs under glibc's malloc and the user did not ask for it (SFTFLOW_ALLOCATOR)."""
    return allocator(environ) == "glibc" and chosen_allocator(environ) != "system"


def chosen_allocator(environ=os.environ) -> str:
    """SFTFLOW_ALLOCATOR as written, any case and spaces; set but empty is as if not set: auto."""
    return environ.get("SFTFLOW_ALLOCATOR", "").strip().lower() or "auto"


def allocator(environ=os.environ) -> str:
    """The malloc this process runs with: the first of ALLOCATORS named in LD_PRELOAD, else glibc's."""
    preload = environ.get("LD_PRELOAD", "")
    return next((name for name in ALLOCATORS if name in preload), "glibc")


def fast_allocator(environ=os.environ, find=None) -> str | None:
    """The library (a name the dynamic linker resolves) of tcmalloc or jemalloc to preload, or None: the user
    chose (SFTFLOW_ALLOCATOR=system, or an allocator in LD_PRELOAD), none is installed, or the system is not
    Linux. SFTFLOW_ALLOCATOR=tcmalloc or jemalloc asks for that one only."""
    import ctypes.util

    find = find or ctypes.util.find_library
    wanted = chosen_allocator(environ)
    if wanted not in ("auto", "system", *PRELOADED):
        raise UserError(f"SFTFLOW_ALLOCATOR={wanted!r} (environment) must be auto, system, tcmalloc or jemalloc")
    if wanted == "system" or allocator(environ) != "glibc" or sys.platform != "linux":
        return None
    names = [name for kind, names in PRELOADED.items() if wanted in ("auto", kind) for name in names]
    return next((found for found in map(find, names) if found), None)


def preload_allocator(argv: list[str], environ=os.environ, execve=os.execve, find=None) -> None:
    """For the verbs that train or generate on CPU, run this command again with tcmalloc (or jemalloc) preloaded,
    where one is installed: under glibc's malloc a step of the transfer recipe (bf16 autocast) slowed from 4.6
    to 6.7 s within 40 steps, with a quarter of its time in glibc's _int_malloc (perf); under tcmalloc it went
    from 3.5 to 3.7 s, with a third less peak memory (bench/malloc_cpu.py, bench/results/malloc_cpu.txt). A fixed
    mmap threshold (mallopt) made it 9.1 s. The allocator has to be there when the process starts, hence
    LD_PRELOAD and a new process image, the way torch's own CPU launcher (torch.backends.xeon.run_cpu) does it.
    Returns only where nothing is to be done."""
    verb = next((arg for arg in argv if not arg.startswith("-")), None)
    if verb not in ALLOCATOR_VERBS or "SFTFLOW_PRELOADED" in environ:
        return
    library = fast_allocator(environ, find)
    if library is None:
        return
    preload = " ".join(filter(None, [library, environ.get("LD_PRELOAD", "")]))
    sys.stdout.flush()
    sys.stderr.flush()
    quiet = {"TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD": str(1 << 62)}  # no "tcmalloc: large alloc" line per weight
    execve(sys.executable, sys.orig_argv, {**quiet, **environ, "LD_PRELOAD": preload, "SFTFLOW_PRELOADED": library})


def user_environment(environ=os.environ) -> dict[str, str]:
    """The environment without what quiet_openmp and preload_allocator added (for engines that tune their own
    threads and choose their own allocator)."""
    env = dict(environ)
    if env.pop("SFTFLOW_SET_GOMP_SPINCOUNT", None):
        env.pop("GOMP_SPINCOUNT", None)
    library = env.pop("SFTFLOW_PRELOADED", None)
    if library:
        rest = [entry for entry in env.get("LD_PRELOAD", "").split() if entry != library]
        env["LD_PRELOAD"] = " ".join(rest)
        if not rest:
            del env["LD_PRELOAD"]
    return env


def adapt_to_device(sft: dict, model: dict, has_cuda: bool, world_size: int = 1) -> tuple[dict, dict, list[str]]:
    """(sft, model, notes): copies of the settings with GPU-only options switched off on CPU."""
    sft, model, notes = dict(sft), dict(model), []
    if has_cuda:
        return sft, model, notes
    if world_size > 1:
        sft.setdefault("ddp_backend", "gloo")  # NCCL needs GPUs
        # Without use_cpu, transformers (5.24) makes accelerate's state for a CPU torchrun worker "not distributed":
        # the Trainer neither wraps the model in DDP nor splits the data, and each process trains alone
        sft.setdefault("use_cpu", True)

    def off(bucket: dict, key: str, value, why: str):
        if bucket.get(key) not in (None, False, value):
            notes.append(f"{key}: {bucket[key]!r} -> {value!r} ({why})")
            bucket[key] = value

    sft.setdefault("bf16", False)  # TRL turns bf16 on by default, which fails without a GPU
    sft.setdefault("dataloader_pin_memory", False)  # pinned memory only helps copies to a GPU
    if sft["bf16"] is True and world_size == 1 and cpu_bf16():
        sft["use_cpu"] = True  # bf16 autocast on a CPU with bf16 instructions; the Trainer asks for use_cpu
    else:
        off(sft, "bf16", False, "bf16 mixed precision needs a GPU or, in one process, a CPU with bf16 "
                                "instructions; training in float32")
    off(sft, "fp16", False, "fp16 mixed precision needs a GPU")
    off(sft, "use_liger_kernel", False, "liger-kernel's Triton kernels need a CUDA GPU")
    off(model, "load_in_4bit", False,
        "4-bit (bitsandbytes) needs a CUDA GPU; QLoRA becomes LoRA on full-precision weights")
    off(model, "load_in_8bit", False, "8-bit (bitsandbytes) needs a CUDA GPU")
    if str(model.get("attn_implementation", "")).startswith("flash_attention"):
        off(model, "attn_implementation", "sdpa", "flash attention needs a CUDA GPU")
    if model.get("dtype") in ("bfloat16", "float16", "half"):
        off(model, "dtype", "float32", "half-precision weights train slowly and imprecisely on CPU")
    optim = str(sft.get("optim", ""))
    if any(tag in optim for tag in ("8bit", "bnb", "paged", "4bit")):
        off(sft, "optim", "adamw_torch", "bitsandbytes optimizers need a CUDA GPU")
    return sft, model, notes


def memory_capacity(cuda: bool) -> tuple[int | None, str]:
    """(bytes, what they are): the first GPU's memory, else the memory this machine has available now."""
    if cuda:
        import torch

        return torch.cuda.get_device_properties(0).total_memory, torch.cuda.get_device_name(0)
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024, "this machine's available memory"
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"), "this machine's memory"
    except (ValueError, OSError, AttributeError):
        return None, ""


def busy_cores(sample_seconds: float = 0.5, stat: str = "/proc/stat", sleep=None) -> float | None:
    """How many cores other processes keep busy now: the machine's busy share over `sample_seconds` (this process
    is idle meanwhile, so what is busy is someone else's), in cores. None where /proc/stat cannot be read."""
    import time

    def sample() -> tuple[int, int] | None:
        try:
            with open(stat) as f:
                fields = [int(v) for v in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields[:8]), idle  # user nice system idle iowait irq softirq steal; guest is inside user

    first = sample()
    (sleep or time.sleep)(sample_seconds)
    second = sample()
    if first is None or second is None or second[0] <= first[0]:
        return None
    total, idle = second[0] - first[0], second[1] - first[1]
    return (os.cpu_count() or 1) * (total - idle) / total


def training_threads(cores: int, busy=busy_cores, environ=os.environ) -> tuple[int | None, str]:
    """(torch threads, why) for a CPU training process: one per core that other processes leave free, where they
    keep at least one core busy. None: keep torch's choice (a quiet machine, or the user set OMP_NUM_THREADS).
    `busy` samples the busy cores (None: unreadable); it is not called when the user chose. A thread whose core is
    taken stalls each parallel region until the scheduler gives it a turn, and every other thread waits for it
    (bench/shared_cpu.py)."""
    if "OMP_NUM_THREADS" in environ or cores < 2:
        return None, ""
    busy = busy()
    if busy is None or busy < 0.75:
        return None, ""
    threads = max(1, cores - round(busy))
    if threads >= cores:
        return None, ""
    return threads, (f"{threads} of {cores} cores: other processes kept {busy:.1f} cores busy when training "
                     "started, and a thread on a taken core would stall every step; train.cpu_threads or "
                     "OMP_NUM_THREADS decide instead when set")
