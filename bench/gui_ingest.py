"""How late the GUI thread gets while a 1 GiB ingest runs in the background.

A 10 ms QTimer on the GUI thread records how late each tick fires (actual interval - 10 ms)
while the real ingest dialog ingests a generated 1 GiB file through the job runner. Baseline
in the same run: the same timer with nothing running. Target (issue 4): worst < 100 ms.

    .venv/bin/python bench/gui_ingest.py [--size-mib 1024]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.gui import application
from forensics.case import Case
from ui.ingest_dialog import IngestDialog
from ui.jobs import JobRunner


def lateness(seconds: float, until: object = None) -> list[float]:
    """Lateness (ms) of a 10 ms timer's ticks for `seconds`, or until `until()` is true."""
    out: list[float] = []
    last = time.perf_counter()

    def tick() -> None:
        nonlocal last
        now = time.perf_counter()
        out.append(max(0.0, (now - last) * 1000 - 10))
        last = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end and not (callable(until) and until()):
        QApplication.processEvents()
        time.sleep(0.001)
    timer.stop()
    return out


def main() -> int:
    from app.features import install

    install()  # the schema components and formats the features declare
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mib", type=int, default=1024)
    args = parser.parse_args()
    application()
    scratch = Path(tempfile.mkdtemp(prefix="pwb-lateness-"))
    try:
        big = scratch / "card.img"
        block = bytearray(os.urandom(1 << 20))
        with big.open("wb") as f:
            for i in range(args.size_mib):
                block[:8] = i.to_bytes(8, "little")
                f.write(block)
        Case.create(scratch / "case", title="lateness", examiner="bench").close()
        idle = lateness(3.0)
        runner = JobRunner()
        dialog = IngestDialog(runner, scratch / "case")
        dialog.add_paths([big])
        dialog.show()
        start = time.perf_counter()
        dialog.start()
        QApplication.processEvents()
        busy = lateness(600.0, until=lambda: not dialog.running())
        took = time.perf_counter() - start
        runner.shutdown()
        ok = dialog.report is not None and len(dialog.report.items) == 1
        print(
            f"ingest of {args.size_mib} MiB through the dialog: {took:.1f} s "
            f"({'ok' if ok else 'FAILED'})"
        )
        for name, values in (("idle (baseline)", idle), ("during ingest", busy)):
            print(
                f"{name:16s}: timer lateness median {statistics.median(values):.1f} ms, "
                f"p99 {statistics.quantiles(values, n=100)[-1]:.1f} ms, "
                f"worst {max(values):.1f} ms over {len(values)} ticks"
            )
        print("target: worst < 100 ms during the ingest")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
