"""Compare the installed distributions with lock files: `python requirements/check_lock.py LOCK [LOCK ...]`
(several when an environment is installed from more than one, as `./setup.sh --dev` with DeepSpeed's).

Exit 1 when a locked package is missing or at another version; packages installed beyond the lock (other than
sftflow, torch and pip's own) are listed as a warning, since an environment that was used before may hold them.
"""

import re
import sys
from importlib import metadata

NOT_LOCKED = {"sftflow", "torch"}  # installed outside the lock on purpose
TOOLS = {"pip", "setuptools", "wheel"}  # part of every virtual environment


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: str) -> dict[str, str]:
    pins = {}
    for line in open(path, encoding="utf-8"):
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        if match:
            pins[normalize(match[1])] = match[2]
    return pins


def main(*paths: str) -> int:
    pins = {name: version for path in paths for name, version in locked(path).items()}
    path = " + ".join(paths)
    installed = {normalize(d.metadata["Name"]): d.version for d in metadata.distributions()}
    wrong = [f"{name}: locked {version}, installed {installed.get(name, 'nothing')}"
             for name, version in sorted(pins.items()) if installed.get(name) != version and name not in NOT_LOCKED]
    extra = sorted(set(installed) - set(pins) - NOT_LOCKED - TOOLS)
    if extra:
        print(f"warning: installed but not in {path}: {', '.join(extra)}", file=sys.stderr)
    if wrong:
        print(f"the environment does not match {path}:\n  " + "\n  ".join(wrong), file=sys.stderr)
        return 1
    print(f"environment matches {path} ({len(pins)} packages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
