"""Start-up of the light `pwb` commands against a bare `python -c pass`, in the same run.

Every `pwb` run pays the command line's own imports before it does anything: `pwb --version`
and `pwb --help` are almost nothing else, so they show that cost. Each child is the installed
console script (`.venv/bin/pwb`), spawned fresh, alternating with the baseline (the same
interpreter running `-c pass`, which pays the interpreter's and site-packages' start-up);
wall time and the child's CPU time (from `getrusage`) are taken, median of `--rounds`.
Bytecode is cached in a scratch folder, as an installed application has it, even when the
calling shell sets PYTHONDONTWRITEBYTECODE.

    .venv/bin/python bench/cli_startup.py [--rounds 15] [--other /path/to/.venv/bin/pwb]

`--other` adds another checkout's `pwb` to the same rounds (before/after comparisons).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--other", type=Path, help="another pwb to time in the same rounds")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="pwb-cli-startup-"))
    try:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
        env["PWB_HOME"] = str(scratch / "home")
        children = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "pwb --version": [str(BIN / "pwb"), "--version"],
            "pwb --help": [str(BIN / "pwb"), "--help"],
        }
        if args.other is not None:
            children["other --version"] = [str(args.other), "--version"]
            children["other --help"] = [str(args.other), "--help"]
        for cmd in children.values():
            run(cmd, env)  # warm the page and bytecode caches
        walls: dict[str, list[float]] = {name: [] for name in children}
        cpus: dict[str, list[float]] = {name: [] for name in children}
        for _ in range(args.rounds):
            for name, cmd in children.items():
                wall, cpu = run(cmd, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
        base_wall = statistics.median(walls["python -c pass"])
        base_cpu = statistics.median(cpus["python -c pass"])
        for name in children:
            w, c = statistics.median(walls[name]), statistics.median(cpus[name])
            print(
                f"{name:<16} wall median {w * 1000:5.0f} ms (best {min(walls[name]) * 1000:4.0f})"
                f"  ratio {w / base_wall:4.2f};  CPU median {c * 1000:5.0f} ms"
                f"  ratio {c / base_cpu:4.2f}"
            )
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
