"""Start-up to a shown main window on the demo case, against a bare PySide6 window with one
table, measured in the same run (fresh processes, alternating, median of `--rounds`).

The workbench child runs the real command, `pwb gui CASE` through `app.cli.main`, with
`PWB_STARTUP_PROBE` set: the GUI writes "shown" once its window has painted with the case open
(`app.gui`), and quits. The bare child writes it once its window has painted too. The time runs
from spawning the process; each child also reports the CPU time it had used by then (all
threads), which moves much less than wall time when other work shares the machine.
Target (issue 4): workbench <= 2 x bare.

The children compile their modules once (the warm-up run) into a bytecode cache in the
scratch folder, as an installed application does, even when the calling shell sets
PYTHONDONTWRITEBYTECODE: otherwise every run would time compiling the workbench's ~150
modules from source, which no user start pays.

    .venv/bin/python bench/gui_startup.py [--rounds 5] [--other DIR]

`--other DIR` adds another checkout of the workbench (`git archive COMMIT | tar -x -C DIR`)
to the same rounds, on the same demo case and venv: a before/after comparison under the
same load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHILD_TIMEOUT_S = 120

BARE = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
from PySide6.QtGui import QStandardItemModel

class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.UpdateRequest:
            QTimer.singleShot(0, done)
        return False

def done():
    print("shown", time.process_time(), flush=True)
    app.quit()

app = QApplication(sys.argv)
w = QMainWindow(); t = QTableView(); t.setModel(QStandardItemModel(20, 8)); w.setCentralWidget(t)
probe = Painted(); w.installEventFilter(probe)
w.resize(1440, 900); w.show()
app.exec()
"""

PWB_GUI = """
import sys
sys.path.insert(0, {repo!r})
from app.cli import main
main(["gui", {case!r}])
"""


def child_env(scratch: Path) -> dict[str, str]:
    """The children's environment: offscreen Qt, bytecode cached in the scratch folder, the
    GUI's data folder there too, and the GUI's start-up probe on."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    env["PWB_DATA_DIR"] = str(scratch / "data")
    env["PWB_STARTUP_PROBE"] = "1"
    return env


def timed(code: str, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from spawning a Python running `code` to its "shown" line, and the CPU seconds
    the child had used by then (all its threads): wall time moves with the machine's load,
    CPU time much less."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    # A child stuck before its first paint (a modal dialog, a hang) is killed, not waited for.
    watchdog = threading.Timer(CHILD_TIMEOUT_S, proc.kill)
    watchdog.start()
    try:
        for line in proc.stdout:
            if line.startswith("shown"):
                elapsed = time.perf_counter() - start
                cpu = float(line.split()[1])
                break
        else:
            raise RuntimeError(f"the child never showed its window (in {CHILD_TIMEOUT_S} s)")
        proc.wait()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return elapsed, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--other", type=Path, help="another checkout to time in the same rounds")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from app.features import install

    install()  # the schema components the features declare, for the demo case

    scratch = Path(tempfile.mkdtemp(prefix="pwb-startup-"))
    try:
        measure(scratch, args.rounds, args.other)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def measure(scratch: Path, rounds: int, other: Path | None) -> None:
    """Build the demo case in `scratch`, time the children, print the medians and ratios."""
    from app.demo.build import build_demo

    case = build_demo(scratch / "demo-case")
    children = {
        "bare PySide6 window with a table": BARE,
        "pwb gui CASE (the demo case)": PWB_GUI.format(repo=str(REPO), case=str(case)),
    }
    if other is not None:
        children["the other checkout"] = PWB_GUI.format(repo=str(other), case=str(case))
    env = child_env(scratch)
    for code in children.values():
        timed(code, env)  # warm the page and bytecode caches
    times: dict[str, list[float]] = {name: [] for name in children}
    cpus: dict[str, list[float]] = {name: [] for name in children}
    for _ in range(rounds):
        for name, code in children.items():
            wall, cpu = timed(code, env)
            times[name].append(wall)
            cpus[name].append(cpu)
    bare = times["bare PySide6 window with a table"]
    bare_cpu = cpus["bare PySide6 window with a table"]
    b, bc = statistics.median(bare), statistics.median(bare_cpu)
    for name, got in times.items():
        m, c = statistics.median(got), statistics.median(cpus[name])
        print(
            f"{name:<34} median {m * 1000:4.0f} ms (best {min(got) * 1000:4.0f})  "
            f"ratio {m / b:.2f} (median), {min(got) / min(bare):.2f} (best); "
            f"CPU {c * 1000:4.0f} ms, ratio {c / bc:.2f}"
        )
    print("target: workbench <= 2 x bare")


if __name__ == "__main__":
    sys.exit(main())
