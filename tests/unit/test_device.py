import os
import subprocess
import sys

import pytest

from sftflow import device
from sftflow.device import adapt_to_device
from sftflow.errors import UserError


@pytest.fixture
def plain_cpu(monkeypatch):
    """A CPU without bf16 instructions, whatever this machine has."""
    monkeypatch.setattr(device, "cpu_bf16", lambda: None)


def test_gpu_only_settings_are_turned_off_on_cpu_with_reasons(plain_cpu):
    sft = {"bf16": True, "use_liger_kernel": True, "optim": "paged_adamw_8bit"}
    model = {"load_in_4bit": True, "attn_implementation": "flash_attention_2", "dtype": "bfloat16"}
    new_sft, new_model, notes = adapt_to_device(sft, model, has_cuda=False)
    assert new_sft["bf16"] is False and new_sft["use_liger_kernel"] is False
    assert new_sft["optim"] == "adamw_torch"
    assert new_model["load_in_4bit"] is False and new_model["attn_implementation"] == "sdpa"
    assert new_model["dtype"] == "float32"
    assert len(notes) == 6 and all("->" in n for n in notes)
    assert sft["bf16"] is True  # the caller's settings are not changed


def test_nothing_changes_on_gpu():
    sft, model = {"bf16": True}, {"load_in_4bit": True}
    assert adapt_to_device(sft, model, has_cuda=True) == (sft, model, [])


def test_unset_bf16_is_set_off_quietly_on_cpu():
    sft, _, notes = adapt_to_device({}, {}, has_cuda=False)
    assert sft["bf16"] is False and sft["dataloader_pin_memory"] is False and notes == []


def test_multi_process_cpu_uses_gloo_and_is_distributed():
    sft, _, _ = adapt_to_device({}, {}, has_cuda=False, world_size=2)
    # use_cpu: without it transformers leaves a CPU worker undistributed (no DDP, no data split)
    assert sft["ddp_backend"] == "gloo" and sft["use_cpu"] is True
    assert "average_tokens_across_devices" not in sft  # TRL's default: the loss normalised as in one process
    sft, _, _ = adapt_to_device({"ddp_backend": "mpi"}, {}, has_cuda=False, world_size=2)
    assert sft["ddp_backend"] == "mpi"  # an explicit choice is kept


def test_written_bf16_is_kept_on_a_cpu_with_bf16_instructions(monkeypatch):
    monkeypatch.setattr(device, "cpu_bf16", lambda: "avx512_bf16")
    sft, _, notes = adapt_to_device({"bf16": True}, {}, has_cuda=False)
    assert sft["bf16"] is True and sft["use_cpu"] is True and notes == []  # the Trainer needs use_cpu for it
    sft, _, notes = adapt_to_device({"bf16": True}, {}, has_cuda=False, world_size=2)
    assert sft["bf16"] is False and "bf16: True -> False" in notes[0]  # one process only
    sft, _, _ = adapt_to_device({}, {}, has_cuda=False)
    assert sft["bf16"] is False  # unset stays off: bf16 on a CPU is the file's choice, not a default


def test_cpu_bf16_reads_the_flags(tmp_path):
    with_bf16, without = tmp_path / "zen4", tmp_path / "zen2"  # two files: the answer is cached per path
    with_bf16.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni\n")
    without.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2\n")
    assert device.cpu_bf16(str(with_bf16)) == "avx512_bf16"
    assert device.cpu_bf16(str(without)) is None
    assert device.cpu_bf16(str(tmp_path / "missing")) is None


def test_an_onednn_cap_below_bf16_means_no_bf16(tmp_path, monkeypatch):
    cpuinfo = tmp_path / "zen4-capped"
    cpuinfo.write_text("model name\t: AMD EPYC\nflags\t\t: fpu avx2 fma avx512f avx512_bf16\n")
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX2")  # how DESIGN.md emulates an AVX2-only CPU
    assert device.cpu_bf16(str(cpuinfo)) is None
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX512_CORE_BF16")
    assert device.cpu_bf16(str(cpuinfo)) == "avx512_bf16"
    assert device.cpu_flags(str(cpuinfo)) == ("AMD EPYC", "avx2 fma avx512f avx512_bf16")


def test_openmp_threads_spin_briefly_unless_the_user_chose():
    env = {}
    device.quiet_openmp(env)
    assert env["GOMP_SPINCOUNT"] == device.SPINCOUNT
    assert "GOMP_SPINCOUNT" not in device.user_environment(env)  # vLLM gets the user's environment back
    for chosen in ({"OMP_WAIT_POLICY": "ACTIVE"}, {"GOMP_SPINCOUNT": "INFINITY"}):
        before = dict(chosen)
        device.quiet_openmp(chosen)
        assert chosen == before
        assert device.user_environment(chosen) == before  # the user's own choice is kept


def test_busy_cores_reads_the_busy_share_of_the_machine(tmp_path, monkeypatch):
    stat = tmp_path / "stat"
    samples = iter(["cpu  100 0 100 800 0 0 0 0 0 0\n", "cpu  150 0 150 900 0 0 0 0 0 0\n"])

    def advance(_seconds):
        stat.write_text(next(samples))

    advance(0)
    monkeypatch.setattr(device.os, "cpu_count", lambda: 2)
    # 100 of 200 jiffies busy on 2 cores: one core's worth
    assert device.busy_cores(0.5, str(stat), sleep=advance) == 1.0
    assert device.busy_cores(0.5, str(tmp_path / "missing"), sleep=lambda s: None) is None


def test_training_threads_leave_the_busy_cores_to_their_owners():
    assert device.training_threads(2, lambda: 1.0, environ={})[0] == 1
    assert device.training_threads(4, lambda: 1.2, environ={})[0] == 3
    assert device.training_threads(2, lambda: 2.0, environ={})[0] == 1  # never fewer than one
    assert device.training_threads(2, lambda: 0.3, environ={}) == (None, "")  # a quiet machine: torch's own choice
    assert device.training_threads(2, lambda: 1.0, environ={"OMP_NUM_THREADS": "2"}) == (None, "")  # the user chose
    assert device.training_threads(2, lambda: 1 / 0, environ={"OMP_NUM_THREADS": "2"}) == (None, "")  # not sampled
    assert device.training_threads(1, lambda: 1.0, environ={}) == (None, "")
    assert device.training_threads(2, lambda: None, environ={}) == (None, "")
    assert "1 of 2 cores" in device.training_threads(2, lambda: 1.0, environ={})[1]


class Exec:
    def __init__(self):
        self.calls = []

    def __call__(self, path, argv, env):
        self.calls.append((path, argv, env))


def installed(*names):
    return lambda name: f"lib{name}.so.4" if name in names else None


def test_training_verbs_start_again_with_tcmalloc_preloaded():
    execve = Exec()
    device.preload_allocator(["--debug", "train", "x.yaml"], {"PATH": "/bin"}, execve,
                             installed("tcmalloc_minimal", "jemalloc"))
    [(path, argv, env)] = execve.calls
    assert path == sys.executable and argv == sys.orig_argv  # the same command, the same interpreter
    assert env["LD_PRELOAD"] == "libtcmalloc_minimal.so.4" and env["PATH"] == "/bin"
    assert device.allocator(env) == "tcmalloc"
    again = Exec()
    device.preload_allocator(["train", "x.yaml"], env, again, installed("tcmalloc_minimal"))
    assert again.calls == []  # started again, it does not start a third time
    assert "LD_PRELOAD" not in device.user_environment(env)  # children (vLLM) get the user's own environment


def test_the_allocator_is_left_alone_where_the_user_chose_or_nothing_is_there():
    for argv, environ, found in ((["data", "preview"], {}, ("tcmalloc_minimal",)),  # not a training verb
                                 (["train"], {"SFTFLOW_ALLOCATOR": "system"}, ("tcmalloc_minimal",)),
                                 (["train"], {"LD_PRELOAD": "/opt/libjemalloc.so.2"}, ("tcmalloc_minimal",)),
                                 (["train"], {}, ())):
        execve = Exec()
        device.preload_allocator(argv, environ, execve, installed(*found))
        assert execve.calls == []
    execve = Exec()
    device.preload_allocator(["train"], {"SFTFLOW_ALLOCATOR": "jemalloc", "LD_PRELOAD": "libmine.so"}, execve,
                             installed("tcmalloc_minimal", "jemalloc"))
    assert execve.calls[0][2]["LD_PRELOAD"] == "libjemalloc.so.4 libmine.so"  # the one asked for, the user's kept
    assert device.user_environment(execve.calls[0][2])["LD_PRELOAD"] == "libmine.so"
    assert device.glibc_by_default({}) and not device.glibc_by_default({"SFTFLOW_ALLOCATOR": "System"})
    assert not device.glibc_by_default({"LD_PRELOAD": "libtcmalloc_minimal.so.4"})  # the training note's condition
    execve = Exec()
    device.preload_allocator(["train"], {"SFTFLOW_ALLOCATOR": " TCMalloc "}, execve, installed("tcmalloc_minimal"))
    assert execve.calls[0][2]["LD_PRELOAD"] == "libtcmalloc_minimal.so.4"  # spaces and case do not matter
    execve = Exec()
    device.preload_allocator(["train"], {"SFTFLOW_ALLOCATOR": ""}, execve, installed("tcmalloc_minimal"))
    assert len(execve.calls) == 1  # set but empty: as if not set
    with pytest.raises(UserError, match="SFTFLOW_ALLOCATOR='fast'"):
        device.preload_allocator(["train"], {"SFTFLOW_ALLOCATOR": "fast"}, Exec(), installed())


@pytest.mark.skipif(sys.platform != "linux" or device.fast_allocator({}) is None,
                    reason="no tcmalloc or jemalloc on this machine (apt install libtcmalloc-minimal4)")
def test_the_started_process_runs_with_the_allocator_loaded():
    code = ("from sftflow.device import preload_allocator; preload_allocator(['train']); "
            "print(open('/proc/self/maps').read())")
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "SFTFLOW_PRELOADED", "SFTFLOW_ALLOCATOR")}
    maps = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert "libtcmalloc" in maps or "libjemalloc" in maps
