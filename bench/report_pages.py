"""The PDF report's page-break pass on a long custody log, against Qt's own page layout.

    .venv/bin/python bench/report_pages.py [--rows 250,1000,3000]

`ui.exchange.pdf_pages.keep_together` moves rows Qt would cut across two pages; each change
makes Qt lay the whole table out again, so fixing rows one by one grows with rows x pages
(1,000 rows took 12 s). A long table is planned instead: one fix shows where a row lands on
a new page, the other spacers are inserted in one edit, the few the plan missed are fixed one
by one. Baseline, in the same run: Qt laying the same document out on A4 pages at the PDF
writer's 150 dpi (what printing costs without the pass). The log is made of rows like the
report's (seven columns, two or three lines each). The script also checks the result: no
row split, none lost.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QTextDocument, QTextTable
from PySide6.QtWidgets import QApplication

from ui.exchange.pdf_pages import _elements, _row_span, keep_together

PAGE = QSizeF(1063, 1577)
"""A4 less 15 mm margins at 150 dpi, as `ui.exchange.pdf.html_to_pdf` lays pages out."""


def _log(rows: int) -> str:
    def concerning(i: int) -> str:
        return f"IMG_{i:04d}.JPG<br>ab12cd34" + ("<br>(deleted)" if i % 7 == 0 else "")

    body = "".join(
        f"<tr><td>{i}</td><td>2026-12-05 14:09:36</td><td>unknown key 4078 d153 18b1 2051</td>"
        f"<td>File ingested (copied and hashed)</td><td>{concerning(i)}</td>"
        "<td>card from the drone</td><td>0123456789ab</td></tr>"
        for i in range(rows)
    )
    return (
        "<h2>Chain of custody</h2><table border='1' cellpadding='3' cellspacing='0' "
        "width='100%'><thead><tr><th>#</th><th>When (UTC)</th><th>Examiner</th><th>What</th>"
        f"<th>Concerning</th><th>Why</th><th>Hash</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _measure(rows: int) -> tuple[float, float, int, int]:
    doc = QTextDocument()
    doc.setHtml(_log(rows))
    t = time.perf_counter()
    doc.setPageSize(PAGE)
    pages = doc.pageCount()
    layout = time.perf_counter() - t
    t = time.perf_counter()
    keep_together(doc)
    keep = time.perf_counter() - t
    height = PAGE.height()
    table = next(e.frame for e in _elements(doc) if isinstance(e.frame, QTextTable))
    split = 0
    for row in range(1, table.rows()):
        top, bottom = _row_span(doc, table, row)
        split += int(top // height) != int((bottom - 1) // height)
    numbers = [
        table.cellAt(r, 0).firstCursorPosition().block().text() for r in range(1, table.rows())
    ]
    assert [n for n in numbers if n.isdigit()] == [str(i) for i in range(rows)], "rows lost"
    return layout, keep, pages, split


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="250,1000,3000")
    args = parser.parse_args()
    QApplication([])
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'rows':>6} {'pages':>6} {'Qt layout':>10} {'keep_together':>14} {'ratio':>6} split")
    for rows in (int(n) for n in args.rows.split(",")):
        layout, keep, pages, split = _measure(rows)
        print(f"{rows:>6} {pages:>6} {layout:>9.2f}s {keep:>13.2f}s {keep / layout:>5.1f}x {split}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
