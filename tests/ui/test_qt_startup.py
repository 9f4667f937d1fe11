"""`pwb gui` loads PySide6 after the Qt-free core and spares that core, and our own GUI
modules, PySide6's source scan (app/qt_startup.py); if a PySide6 release drops the table this
relies on, this test says so."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from app.qt_startup import OWN_PACKAGES, own_modules

REPO = Path(__file__).resolve().parents[2]

_PROBE = """
import json, sys
import forensics.case
from app.qt_startup import IGNORE_MODULE, start_qt
marked = start_qt()
from ui.main_window import MainWindow  # after: still marked, not scanned
import html  # another package's module imported after PySide6: PySide6 scans it
table = sys.modules["shibokensupport.feature"].pyside_feature_dict
print(json.dumps({"marked": marked, "core": table.get("forensics.case"),
                  "os": table.get("os"), "gui": table.get("ui.main_window"),
                  "later": table.get("html"), "ignore": IGNORE_MODULE}))
"""
_SELECTS_FEATURE = re.compile(r"^\s*(from\s+__feature__\s+import|import\s+__feature__)", re.M)


def test_modules_loaded_before_pyside6_and_our_own_are_not_scanned_and_others_still_are() -> None:
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
    assert got["marked"] > 400  # the loaded modules and every module of our packages
    assert got["core"] == got["ignore"]
    assert got["os"] == got["ignore"]
    assert got["gui"] == got["ignore"]
    assert got["later"] == -1  # html does not use PySide6: PySide6's own scan says "ignore"


def test_our_module_list_is_every_module_file_and_none_selects_a_feature() -> None:
    """Marking our modules "ignore" is right only while none of them selects a `__feature__`
    (snake_case, true_property): a module that did would need PySide6's own record."""
    files = sorted(p for package in OWN_PACKAGES for p in (REPO / package).rglob("*.py"))
    expected = {
        ".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__") for p in files
    }
    assert set(own_modules()) == expected
    selecting = [str(p) for p in files if _SELECTS_FEATURE.search(p.read_text("utf-8"))]
    assert selecting == []
