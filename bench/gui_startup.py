"""Start-up to a shown main window on the demo case, against a bare PySide6 window with one
table, measured in the same run (fresh processes, alternating, median of `--rounds`).

Two workbench children: "window" builds the main window directly (what `app.gui` does);
"pwb gui" first imports `app.cli`, as the `pwb` console script does before it runs `pwb gui`,
so it also pays for registering every command.

Both children print when their window is shown and the event queue has been drained once;
the time runs from spawning the process. Target (issue 4): workbench <= 2 x bare.

The children compile their modules once (the warm-up run) into a bytecode cache in the
scratch folder, as an installed application does, even when the calling shell sets
PYTHONDONTWRITEBYTECODE: otherwise every run would time compiling the workbench's ~150
modules from source, which no user start pays.

    .venv/bin/python bench/gui_startup.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

BARE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
from PySide6.QtGui import QStandardItemModel
app = QApplication(sys.argv)
w = QMainWindow(); t = QTableView(); t.setModel(QStandardItemModel(20, 8)); w.setCentralWidget(t)
w.resize(1440, 900); w.show(); app.processEvents()
print("shown", flush=True)
"""

WORKBENCH = """
import sys
from pathlib import Path
sys.path.insert(0, {repo!r})
{prelude}
from PySide6.QtCore import QSettings
from app.gui import application
from ui.main_window import MainWindow
app = application()
w = MainWindow(QSettings({ini!r}, QSettings.Format.IniFormat), data_dir=Path({data!r}),
               restore_layout=False)
w.resize(1440, 900); w.show()
w.open_case(Path({case!r}))
app.processEvents()
print("shown", flush=True)
w.close()
"""


def child_env(pycache: Path) -> dict[str, str]:
    """The children's environment: offscreen Qt, bytecode cached under `pycache`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def timed(code: str, env: dict[str, str]) -> float:
    """Seconds from spawning a Python running `code` to its "shown" line."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("shown"):
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError("the child never showed its window")
    proc.wait()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from app.demo.build import build_demo

    scratch = Path(tempfile.mkdtemp(prefix="pwb-startup-"))
    case = build_demo(scratch / "demo-case")
    fields = {"repo": str(REPO), "data": str(scratch), "case": str(case)}
    children = {
        "bare PySide6 window with a table": BARE,
        "workbench window on the demo case": WORKBENCH.format(
            prelude="", ini=str(scratch / "a.ini"), **fields
        ),
        "pwb gui on the demo case": WORKBENCH.format(
            prelude="import app.cli  # what the pwb console script loads first",
            ini=str(scratch / "b.ini"),
            **fields,
        ),
    }
    env = child_env(scratch / "pycache")
    for code in children.values():
        timed(code, env)  # warm the page and bytecode caches
    times: dict[str, list[float]] = {name: [] for name in children}
    for _ in range(args.rounds):
        for name, code in children.items():
            times[name].append(timed(code, env))
    bare = times["bare PySide6 window with a table"]
    b = statistics.median(bare)
    for name, got in times.items():
        m = statistics.median(got)
        print(
            f"{name:<34} median {m * 1000:4.0f} ms (best {min(got) * 1000:4.0f})  "
            f"ratio {m / b:.2f} (median), {min(got) / min(bare):.2f} (best)"
        )
    print("target: workbench <= 2 x bare")
    return 0


if __name__ == "__main__":
    sys.exit(main())
