"""Start-up to a shown main window on the demo case, against a bare PySide6 window with one
table, measured in the same run (fresh processes, alternating, median of `--rounds`).

Both children print when their window is shown and the event queue has been drained once;
the time runs from spawning the process. Target (issue 4): workbench <= 2 x bare.

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


def timed(code: str) -> float:
    """Seconds from spawning a Python running `code` to its "shown" line."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
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
    code = WORKBENCH.format(
        repo=str(REPO), ini=str(scratch / "s.ini"), data=str(scratch), case=str(case)
    )
    timed(BARE)
    timed(code)  # warm the page cache for both
    bare, ours = [], []
    for _ in range(args.rounds):
        bare.append(timed(BARE))
        ours.append(timed(code))
    b, o = statistics.median(bare), statistics.median(ours)
    print(
        f"bare PySide6 window with a table: median {b * 1000:.0f} ms (min {min(bare) * 1000:.0f})"
    )
    print(
        f"workbench on the demo case:       median {o * 1000:.0f} ms (min {min(ours) * 1000:.0f})"
    )
    print(
        f"ratio workbench / bare: {o / b:.2f} (median), {min(ours) / min(bare):.2f} (best); "
        "target <= 2"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
