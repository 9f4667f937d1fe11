"""Regenerate docs/screenshots/*.png: the main views of the workbench on the demo case.

Run `make screenshots` (or `.venv/bin/python docs/make_screenshots.py [--case DIR]`). It needs
no screen: without a display it uses Qt's offscreen platform (under `xvfb-run` it uses X11).
The demo case is built into a temporary folder unless `--case` names one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.gui import application, build_window  # noqa: E402
from forensics.models import Item  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

OUT = REPO / "docs" / "screenshots"


def settle(
    window: MainWindow, extra: Callable[[], bool] = lambda: False, timeout: float = 60.0
) -> None:
    """Process events until no job runs and nothing decodes, a few checks in a row."""
    quiet = 0
    end = time.monotonic() + timeout
    while quiet < 4 and time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.05)
        busy = window.runner.active > 0 or window.is_busy() or extra()
        quiet = 0 if busy else quiet + 1
    QApplication.processEvents()


def save(widget: QWidget, name: str) -> None:
    """Grab a widget into docs/screenshots/<name>.png."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    widget.grab().save(str(path), "PNG")
    print(f"wrote {path.relative_to(REPO)}")  # noqa: T201 (a script reports what it wrote)


def first(window: MainWindow, mime_prefix: str) -> Item | None:
    """The first item of the case whose type starts with `mime_prefix`."""
    case = window.current_case()
    assert case is not None
    for item in case.items.search(limit=500):
        if (item.mime or "").startswith(mime_prefix):
            return item
    return None


def jobs_story(window: MainWindow, scratch: Path) -> None:
    """An ingest running in the Jobs panel with an export queued behind it, while an item is
    shown (jobs-panel.png), then the import dialog aimed at a new folder (import-dialog.png)."""
    card = scratch / "card" / "DCIM"
    card.mkdir(parents=True)
    for n in range(300):
        (card / f"NOTE_{n:04d}.txt").write_bytes(f"note {n}\n".encode() * 8)
    big = scratch / "disk.bin"
    with big.open("wb") as f:
        f.truncate(3 << 30)  # sparse: long to hash, nothing on disk
    window.jobs_panel.clear_finished()
    jobs = next(d for d in window.docks() if d.objectName() == "dock_jobs")
    window.resizeDocks([jobs], [300], Qt.Orientation.Vertical)
    still = first(window, "image/")
    if still is not None:
        window.signals.item_selected.emit(still.id)
    from ui.ingest_dialog import IngestDialog

    dialog = window.actions_.ingest([])
    assert isinstance(dialog, IngestDialog)
    dialog.add_paths([card.parent, big])
    job = dialog.start()
    window.case_exports.export("csv", scratch / "items.csv")
    end = time.monotonic() + 60
    while time.monotonic() < end and "disk.bin" not in (job.status if job else ""):
        QApplication.processEvents()
        time.sleep(0.05)
    for _ in range(40):  # a few seconds into the big file
        QApplication.processEvents()
        time.sleep(0.05)
    save(window, "jobs-panel")
    for row in window.jobs_panel.rows():
        row.cancel()
    settle(window)

    from ui.exchange.import_dialog import ImportDialog

    archive = scratch / "nanshan-from-team-b.pwbcase"
    archive.write_bytes(b"")
    imports = ImportDialog(archive, scratch / "received", window)
    imports.show()
    settle(window)
    save(imports, "import-dialog")
    imports.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", type=Path, help="case folder to show (default: the demo)")
    args = parser.parse_args()
    app = application()
    # The settings and the demo case live in a scratch folder, removed however the run ends.
    scratch = Path(tempfile.mkdtemp(prefix="pwb-shots-"))
    try:
        return _shoot(app, scratch, args.case)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _shoot(app: QApplication, scratch: Path, case: Path | None) -> int:
    settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
    window = build_window(settings, scratch, restore_layout=False)  # installs the features
    root = case
    if root is None:
        from app.demo.build import build_demo

        root = build_demo(scratch / "demo-case")
    window.resize(1440, 900)
    window.show()
    if not window.open_case(root):
        window.close()
        return 1
    settle(window)

    video = first(window, "video/")
    if video is not None:
        window.signals.item_selected.emit(video.id)
        settle(window)
        window.viewer.seek(max(0, window.viewer.slider.maximum() // 3))
        settle(window)
    save(window, "main-window")

    still = first(window, "image/")
    if still is not None:
        window.signals.item_selected.emit(still.id)
        settle(window)
        save(window, "still-image")

    window.catalogue.search.setText("drone")
    settle(window)
    if window.catalogue.model.rowCount():
        window.catalogue.table.selectRow(0)
        settle(window)
    save(window, "catalogue-search")
    window.catalogue.search.clear()

    from ui.verify_dialog import VerifyDialog

    verify = VerifyDialog(window.runner, root, window)
    verify.show()
    verify.start()
    settle(window, lambda: verify.report is None)
    save(verify, "verify-dialog")
    verify.close()

    window.resize(1366, 768)
    settle(window)
    jobs_story(window, scratch)
    window.resize(1440, 900)

    from ui.about import AboutDialog

    about = AboutDialog(window)
    about.show()
    settle(window)
    save(about, "about")
    about.close()

    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
