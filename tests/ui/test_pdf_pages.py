"""The PDF's page breaks: headings stay with their tables, rows are not cut in two."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QTextDocument, QTextTable

from ui.exchange.pdf_pages import _elements, _row_span, keep_together

PAGE = 600.0


def _doc(html: str) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(html)
    doc.setPageSize(QSizeF(400, PAGE))
    return doc


def _rows(n: int, lines: int) -> str:
    cell = "<br>".join(f"line {j}" for j in range(lines))
    return "".join(f"<tr><td>row {i}</td><td>{cell}</td></tr>" for i in range(n))


def _table_html(rows: str) -> str:
    return (
        '<table border="1" cellpadding="3" cellspacing="0"><thead><tr><th>a</th><th>b</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _heading_at_page_foot() -> tuple[QTextDocument, QTextTable]:
    """A document whose heading ends page 1 while its table's first row starts page 2."""
    for n in range(10, 40):
        filler = "".join(f"<p>paragraph {i}</p>" for i in range(n))
        doc = _doc(filler + "<h2>Sources</h2>" + _table_html(_rows(3, 1)))
        heading = next(e.block for e in _elements(doc) if e.block and e.block.text() == "Sources")
        table = next(e.frame for e in _elements(doc) if isinstance(e.frame, QTextTable))
        top = doc.documentLayout().blockBoundingRect(heading).top()
        first_row, _ = _row_span(doc, table, 1)
        if int(top // PAGE) == 0 and int(first_row // PAGE) == 1:
            return doc, table
    raise AssertionError("no filler puts the heading at the foot of page 1")


def test_a_heading_at_a_page_foot_moves_with_its_table(qapp: Any) -> None:
    doc, table = _heading_at_page_foot()  # as Qt alone lays it out
    assert keep_together(doc) == 1
    heading = next(e.block for e in _elements(doc) if e.block and e.block.text() == "Sources")
    top = doc.documentLayout().blockBoundingRect(heading).top()
    first_row, _ = _row_span(doc, table, 1)
    assert int(top // PAGE) == int(first_row // PAGE) == 1


def test_no_row_of_a_long_table_is_cut_across_pages(qapp: Any) -> None:
    doc = _doc("<h2>Log</h2><p>intro</p>" + _table_html(_rows(30, 6)))
    table = next(e.frame for e in _elements(doc) if isinstance(e.frame, QTextTable))

    def split_rows() -> list[int]:
        split = []
        for row in range(1, table.rows()):
            top, bottom = _row_span(doc, table, row)
            if int(top // PAGE) != int((bottom - 1) // PAGE):
                split.append(row)
        return split

    assert split_rows()  # Qt alone cuts rows in two
    assert keep_together(doc) >= 1
    assert split_rows() == []
    texts = [table.cellAt(r, 0).firstCursorPosition().block().text() for r in range(table.rows())]
    assert [t for t in texts if t.startswith("row")] == [f"row {i}" for i in range(30)]


def test_a_long_log_keeps_every_row_whole_in_order(qapp: Any) -> None:
    """A custody log of a thousand entries (rows of two or three lines): the spacers are
    planned at once, every row is on one page, none is lost, and no page starts lower than
    the others (a misplaced spacer would leave a blank band)."""
    extra = "<br>third line"
    rows = "".join(
        f"<tr><td>{i}</td><td>IMG_{i:04d}.JPG<br>ab12cd34{extra if i % 7 == 0 else ''}</td></tr>"
        for i in range(1000)
    )
    doc = _doc(_table_html(rows))
    table = next(e.frame for e in _elements(doc) if isinstance(e.frame, QTextTable))
    assert keep_together(doc) > 10
    firsts = set()
    previous_bottom = 0.0
    for row in range(1, table.rows()):
        top, bottom = _row_span(doc, table, row)
        assert int(top // PAGE) == int((bottom - 1) // PAGE), f"row {row} is split"
        if int(top // PAGE) > int(previous_bottom // PAGE):
            firsts.add(round(top - int(top // PAGE) * PAGE))
        previous_bottom = bottom
    assert len(firsts) == 1  # every page's first row right under the repeated header
    texts = [table.cellAt(r, 0).firstCursorPosition().block().text() for r in range(table.rows())]
    assert [t for t in texts if t.isdigit()] == [str(i) for i in range(1000)]
