"""Download the wheels the GPU run needs and the GPU machine lacks (it has no network): run on a CPU machine with PyPI.

    python3 bench/gpu/fetch_wheels.py                  # Python 3.12, manylinux x86-64 -> bench/gpu/wheels (git-ignored)
    python3 bench/gpu/fetch_wheels.py --python-version 3.11 --dest /tmp/emu-wheels    # the same set for a local check
    python3 bench/gpu/fetch_wheels.py --deepspeed --dest bench/gpu/wheels-ds           # the scale section's ZeRO set

Versions come from requirements/lock.txt (what the project tests with); liger-kernel and bitsandbytes are not in
the lock (GPU only) and are pinned here. bitsandbytes' wheel holds native libraries for CUDA 11.8 to 13.2, ROCm
and XPU (41 MiB); the machine's torch is built for CUDA 13, so the copy carried keeps the CUDA 13 and CPU libraries
only, with its RECORD rewritten to match. Every wheel's size and the total are printed; a set that would not fit
in the 64 MiB the GPU call carries (with the working tree) is refused, and bitsandbytes then goes to a second set.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "requirements" / "lock.txt"
LIMIT = 64 * 2 ** 20  # what one call to the GPU machine carries: the working tree plus the carried folders
FROM_LOCK = ("trl", "datasets", "dill", "multiprocess", "peft", "sqlglot")  # trl and datasets, and what they miss there
PINNED = {"liger-kernel": "0.8.5", "bitsandbytes": "0.50.2"}  # GPU-only, outside the lock; newest on 2026-11-27
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_24_x86_64", "manylinux_2_17_x86_64",
             "manylinux2014_x86_64", "manylinux1_x86_64")
# --deepspeed: ZeRO for the scale section. DeepSpeed is published as source only; its wheel is built here without
# ops (DS_BUILD_OPS=0: they are compiled on first use), and its dependencies the GPU machine was not seen to have
# are carried beside it (pydantic's family at the versions of this project's other locks).
DEEPSPEED = {"deepspeed": "0.19.8", "hjson": "3.1.0", "msgpack": "1.2.4", "ninja": "1.13.2", "einops": "0.8.2",
             "py-cpuinfo": "9.0.0", "pydantic": "2.14.4", "pydantic-core": "2.50.5", "annotated-types": "0.8.0",
             "typing-inspection": "0.4.5"}
KEPT_LIBRARIES = re.compile(r"libbitsandbytes_(cuda13\d|cpu)\.so$")  # torch 2.11 on the machine is built for CUDA 13
MIB = 2 ** 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python-version", default="3.12", help="the GPU machine's Python (3.12)")
    parser.add_argument("--dest", default=str(REPO / "bench" / "gpu" / "wheels"))
    parser.add_argument("--second-set", default=str(REPO / "bench" / "gpu" / "wheels-bnb"),
                        help="where bitsandbytes goes when the first set would not fit")
    parser.add_argument("--pyarrow", action="store_true", help="plan B: also carry the lock's pyarrow (52 MiB; "
                        "bitsandbytes then goes to the second set), for a machine whose pyarrow fails datasets "
                        "(the run's `check datasets` line)")
    parser.add_argument("--deepspeed", action="store_true", help="instead: the set for ZeRO (DeepSpeed, its wheel "
                        "built here from source, and its dependencies), e.g. --dest bench/gpu/wheels-ds")
    args = parser.parse_args()
    dest = Path(args.dest)
    dest.mkdir(parents=True, exist_ok=True)
    if args.deepspeed:
        return deepspeed_set(dest, args.python_version)
    specs = pinned_versions(("pyarrow",) if args.pyarrow else ())
    wheels = [download(name, version, args.python_version, dest) for name, version in specs.items()]
    remove_stale(dest, wheels)
    slimmed = slim_bitsandbytes(next(w for w in wheels if w.name.startswith("bitsandbytes-")))
    tree = working_tree_bytes(exclude=(dest, Path(args.second_set)))
    sets = {dest: wheels}
    if tree + total(wheels) > LIMIT:
        sets = split_bitsandbytes(wheels, dest, Path(args.second_set))
    print_sets(sets, tree, slimmed)
    over = [folder for folder, files in sets.items() if tree + total(files) > LIMIT]
    if over:
        print(f"REFUSED: {', '.join(map(str, over))} plus the working tree exceed {LIMIT // MIB} MiB, what one "
              "GPU call carries; nothing here fits the GPU run as it is", file=sys.stderr)
        return 2
    return 0


def deepspeed_set(dest: Path, python_version: str) -> int:
    wheels = [build_deepspeed(DEEPSPEED["deepspeed"], dest)]
    wheels += [download(name, version, python_version, dest) for name, version in DEEPSPEED.items()
               if name != "deepspeed"]
    remove_stale(dest, wheels)
    tree = working_tree_bytes(exclude=(dest,))
    print_sets({dest: wheels}, tree, None)
    return 2 if tree + total(wheels) > LIMIT else 0


def build_deepspeed(version: str, dest: Path) -> Path:
    """DeepSpeed's wheel from its source release, no ops compiled (py3-none-any); needs torch importable here."""
    found = sorted(dest.glob(f"deepspeed-{version}-*.whl"))
    if found:
        return found[0]
    env = {**os.environ, "DS_BUILD_OPS": "0"}
    with tempfile.TemporaryDirectory() as source:
        pip(["download", "-q", "--no-deps", "--no-binary=:all:", "-d", source, f"deepspeed=={version}"],
            f"pip download deepspeed=={version} failed", env)
        pip(["wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dest),
             *map(str, Path(source).glob("deepspeed-*.tar.gz"))], f"pip wheel deepspeed=={version} failed", env)
    return next(dest.glob(f"deepspeed-{version}-*.whl"))


def pip(arguments: list[str], failure: str, env: dict | None = None) -> None:
    """`python -m pip ARGUMENTS`; on failure the script stops with `failure` and the end of pip's errors."""
    done = subprocess.run([sys.executable, "-m", "pip", *arguments], check=False, capture_output=True, text=True,
                          env=env)
    if done.returncode != 0:
        raise SystemExit(f"{failure}:\n{done.stderr[-2000:]}")


def remove_stale(dest: Path, wheels: list[Path]) -> None:
    """One version of each package in `dest`: two would stop the whole install."""
    for stale in set(dest.glob("*.whl")) - set(wheels):
        stale.unlink()
        print(f"removed {stale.name} (not in the set)")


def pinned_versions(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """name -> version: the lock's for FROM_LOCK (and `extra`), PINNED's for the rest."""
    locked = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", LOCK.read_text(), flags=re.MULTILINE))
    missing = [name for name in FROM_LOCK + extra if name not in locked]
    if missing:
        raise SystemExit(f"{LOCK} has no pin for {', '.join(missing)}")
    return {**{name: locked[name] for name in FROM_LOCK + extra}, **PINNED}


def download(name: str, version: str, python_version: str, dest: Path) -> Path:
    """One manylinux x86-64 (or pure Python) wheel for the given Python, without its dependencies."""
    pattern = f"{re.sub(r'[-_.]+', '_', name)}-{version}-*.whl"
    found = sorted(dest.glob(pattern), key=lambda p: p.name.lower())
    if not found:
        platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
        pip(["download", "-q", "--no-deps", "--only-binary=:all:", "--python-version", python_version,
             "--implementation", "cp", *platforms, "-d", str(dest), f"{name}=={version}"],
            f"pip could not download {name}=={version}")
        found = sorted(dest.glob(pattern), key=lambda p: p.name.lower())
    if len(found) != 1:
        raise SystemExit(f"expected one wheel of {name}=={version} in {dest}, found {[p.name for p in found]}")
    return found[0]


def slim_bitsandbytes(wheel: Path) -> tuple[int, int] | None:
    """Drop the native libraries the machine cannot use; (bytes before, after), or None when already slim.
    The wheel stays valid: same name and metadata, the remaining files unchanged, RECORD without the dropped ones."""
    with zipfile.ZipFile(wheel) as source:
        dropped = {i.filename for i in source.infolist()
                   if "libbitsandbytes_" in i.filename and not KEPT_LIBRARIES.search(i.filename)}
        if not dropped:
            return None
        before = wheel.stat().st_size
        with tempfile.NamedTemporaryFile(dir=wheel.parent, suffix=".partial", delete=False) as handle:
            partial = Path(handle.name)
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                if info.filename in dropped:
                    continue
                data = source.read(info)
                if info.filename.endswith(".dist-info/RECORD"):
                    lines = data.decode().splitlines()
                    data = "".join(line + "\n" for line in lines if line.split(",")[0] not in dropped).encode()
                target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    partial.replace(wheel)
    return before, wheel.stat().st_size


def working_tree_bytes(exclude: tuple[Path, ...]) -> int:
    """What travels to the GPU machine besides the carried folders: tracked and untracked-not-ignored files."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode()
    paths = [REPO / name for name in listed.split("\0") if name]
    return sum(p.stat().st_size for p in paths
               if p.is_file() and not any(p.resolve().is_relative_to(e.resolve()) for e in exclude))


def split_bitsandbytes(wheels: list[Path], dest: Path, second: Path) -> dict[Path, list[Path]]:
    """bitsandbytes alone in a second folder, carried by a second GPU call."""
    second.mkdir(parents=True, exist_ok=True)
    bnb = next(w for w in wheels if w.name.startswith("bitsandbytes-"))
    moved = bnb.replace(second / bnb.name)
    print(f"the first set would not fit: {moved.name} moved to {second}; a call carrying the first set skips "
          "the QLoRA cases (bitsandbytes cannot come along)")
    return {dest: [w for w in wheels if w != bnb], second: [moved]}


def total(files: list[Path]) -> int:
    return sum(f.stat().st_size for f in files)


def print_sets(sets: dict[Path, list[Path]], tree: int, slimmed: tuple[int, int] | None) -> None:
    for folder, files in sets.items():
        print(f"\nset {folder}:")
        for wheel in sorted(files, key=lambda p: p.name.lower()):
            note = ""
            if wheel.name.startswith("bitsandbytes-"):
                note = "  (CUDA 13 and CPU libraries only" + (
                    f"; slimmed here from {slimmed[0] / MIB:.1f} MiB)" if slimmed else ")")
            print(f"  {wheel.stat().st_size / MIB:7.2f} MiB  {wheel.name}{note}")
        together = tree + total(files)
        print(f"  {total(files) / MIB:7.2f} MiB  in all; with the working tree ({tree / MIB:.2f} MiB): "
              f"{together / MIB:.2f} MiB of {LIMIT // MIB} MiB ({(LIMIT - together) / MIB:.2f} MiB left)")


if __name__ == "__main__":
    raise SystemExit(main())
