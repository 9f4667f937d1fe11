"""The catalogue on a 100,000-item case: open to first page, search keystrokes, memory.

Measured in one process on the real main window (offscreen):
- open: `MainWindow.open_case` until the first page is painted;
- keystroke: one key typed into the search box until the table and the count are updated
  and the events are processed, for every prefix of a few words; baseline in the same run:
  the FTS5 query alone (`SELECT rowid FROM items_fts WHERE items_fts MATCH ? LIMIT page`)
  for the same text;
- memory: resident set size after scrolling 50 pages.
Targets (issue 4): open < 1 s; keystroke median < 30 ms, worst < 100 ms; RSS < 400 MB.

    .venv/bin/python bench/gui_catalogue.py [--items 100000] [--case DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.gui import application, build_window
from forensics.case import Case, is_case
from forensics.models import Item
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.store.item_query import fts_query
from ui.catalogue_model import PAGE

WORDS = (
    "rotor",
    "camera",
    "gimbal",
    "receiver",
    "battery",
    "lantern",
    "antenna",
    "motor",
    "frame",
    "propeller",
    "controller",
    "module",
    "sensor",
    "cable",
    "spool",
)
QUERIES = ("gimbal camera", "lantern", "NEO-M8", "spool 4711", "propeller")


def build(root: Path, n: int) -> None:
    """A case of `n` items (a tenth of them hardware, the rest files) with custody entries."""
    case = Case.create(root, title="Bench 100k", examiner="bench")
    now = utc_now()
    batch = 5000
    for start in range(0, n, batch):
        with case.recording("bench") as rec:
            for k in range(start, min(n, start + batch)):
                w1, w2 = WORDS[k % len(WORDS)], WORDS[(k * 7 + 3) % len(WORDS)]
                hardware = k % 10 == 0
                item = Item(
                    id=str(uuid.uuid4()),
                    kind="hardware" if hardware else "file",
                    name=f"{w1} {w2} {k}",
                    note=f"{w2} recovered from site {k % 97}",
                    marking="NEO-M8N" if k % 1000 == 0 else None,
                    size=None if hardware else 1000 + k,
                    mime=None if hardware else "image/jpeg",
                    sha256=None if hardware else f"{k:064x}",
                    created_at=now,
                    created_by="bench",
                )
                rec.insert(item, Action.ITEM_ADDED)
    case.close()


def rss_mb() -> float:
    """Resident set size of this process in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    from app.features import install

    install()  # the schema components and formats the features declare
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--case", type=Path, help="reuse (or create) the case here")
    args = parser.parse_args()
    root = args.case or Path(tempfile.gettempdir()) / f"pwb-bench-{args.items}"
    if not is_case(root):
        t = time.perf_counter()
        build(root, args.items)
        print(f"built {args.items} items in {time.perf_counter() - t:.1f} s at {root}")
    application()
    # The window's settings go to a scratch folder, removed however the run ends.
    scratch = Path(tempfile.mkdtemp(prefix="pwb-bench-"))
    try:
        return measure(root, scratch, args.items)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure(root: Path, scratch: Path, items: int) -> int:
    """Open the case in the main window, type the searches, scroll; print the figures."""
    window = build_window(
        QSettings(str(scratch / "s.ini"), QSettings.Format.IniFormat),
        scratch,
        restore_layout=False,
    )
    window.resize(1440, 900)
    window.show()
    QApplication.processEvents()
    rss_before = rss_mb()

    t = time.perf_counter()
    window.open_case(root)
    window.catalogue.table.viewport().repaint()
    QApplication.processEvents()
    open_s = time.perf_counter() - t
    rows = window.catalogue.model.rowCount()

    raw = sqlite3.connect(root / "case.db")
    typed: list[float] = []
    fts: list[float] = []
    search = window.catalogue.search
    for query in QUERIES:
        search.clear()
        QApplication.processEvents()
        for n in range(1, len(query) + 1):
            t = time.perf_counter()
            QTest.keyClick(search, query[n - 1])
            window.catalogue.table.viewport().repaint()
            QApplication.processEvents()
            typed.append((time.perf_counter() - t) * 1000)
            match = fts_query(query[:n])
            t = time.perf_counter()
            if match:
                raw.execute(
                    "SELECT rowid FROM items_fts WHERE items_fts MATCH ? LIMIT ?", (match, PAGE)
                ).fetchall()
            fts.append((time.perf_counter() - t) * 1000)
    search.clear()
    QApplication.processEvents()
    table = window.catalogue.table
    for _ in range(50):
        table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
        QApplication.processEvents()
    loaded = window.catalogue.model.rowCount()
    rss_after = rss_mb()
    window.close()

    print(f"items: {items:,}; first page: {rows} rows")
    print(f"open case to first page painted: {open_s * 1000:.0f} ms (target < 1000 ms)")
    print(
        f"search keystroke -> table updated: median {statistics.median(typed):.1f} ms, "
        f"p90 {statistics.quantiles(typed, n=10)[-1]:.1f} ms, worst {max(typed):.1f} ms "
        f"over {len(typed)} keystrokes (target median < 30, worst < 100)"
    )
    print(
        f"FTS5 query alone (baseline): median {statistics.median(fts):.2f} ms, "
        f"worst {max(fts):.2f} ms"
    )
    print(
        f"ratio keystroke / FTS5 (median): "
        f"{statistics.median(typed) / max(statistics.median(fts), 1e-6):.1f}"
    )
    print(
        f"memory: {rss_before:.0f} MB before opening, {rss_after:.0f} MB after scrolling "
        f"{loaded:,} rows (target < 400 MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
