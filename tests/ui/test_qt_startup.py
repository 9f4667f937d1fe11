"""`pwb gui` loads PySide6 after the Qt-free core and spares that core PySide6's source scan
(app/qt_startup.py); if a PySide6 release drops the table this relies on, this test says so."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_PROBE = """
import json, sys
import forensics.case
from app.qt_startup import IGNORE_MODULE, start_qt
marked = start_qt()
from ui.main_window import MainWindow  # after: PySide6 still checks the GUI modules
table = sys.modules["shibokensupport.feature"].pyside_feature_dict
print(json.dumps({"marked": marked, "core": table.get("forensics.case"),
                  "os": table.get("os"), "gui": table.get("ui.main_window"),
                  "ignore": IGNORE_MODULE}))
"""


def test_modules_loaded_before_pyside6_are_not_scanned_and_the_gui_modules_still_are() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["marked"] > 50
    assert got["core"] == got["ignore"]
    assert got["os"] == got["ignore"]
    assert got["gui"] == 0  # "uses PySide6", as PySide6's own scan decides
