"""Page breaks a reader expects, applied after Qt has laid the report out on pages.

Qt's rich-text engine reads `page-break-before/after: always` but not `avoid`, so on its own it
ends a page with a heading whose table starts on the next, puts a picture at the bottom of one
page and its caption at the top of the next, and cuts a ten-row table in two. The report's CSS
says what a browser should do (`break-after: avoid` on headings, `break-inside: avoid` on small
tables and figures); this module does the same for the PDF, on the laid-out document:

- a heading, a picture standing alone in its paragraph, a paragraph ending with a colon and
  a heading's short introduction to its table keep with what follows: when the next element
  (a table's first body row) starts on a later page, a page break goes before the heading
  (before the first of several in a row);
- a table shorter than a third of a page is not split: it moves to the next page, with its
  heading;
- in a longer table, a row is not split across pages (Qt would cut each cell apart, line by
  line, and a short cell's text stays alone at the page's foot): an empty, borderless row
  fills the page's foot, so the row starts the next page, under the repeated header row.

A break is never put before something already near the top of its page (that would only leave
an empty page). The elements are walked once, in order: a break moves everything after it, and
the positions read afterwards are those of the new layout (Qt lays out again on each change).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import (
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrame,
    QTextTable,
)

OBJECT_CHAR = "\ufffc"
"""What an inline picture is in a block's text."""
NEAR_TOP = 0.15
"""Fraction of a page: something starting this close to a page's top is not moved."""
SMALL_TABLE = 1 / 3
"""Fraction of a page: a table at most this tall is kept on one page."""
INTRO_LINES = 4
"""Lines of a paragraph between a heading and its table that still go with them."""
SPACER_SLACK = 12.0
"""Pixels left below a spacer row for the borders, paddings and margins at the page's foot."""
FIXED_HEIGHT = QTextBlockFormat.LineHeightTypes.FixedHeight.value


@dataclass
class _Element:
    """A top-level block or frame (table) of the document."""

    block: QTextBlock | None = None
    frame: QTextFrame | None = None


def _elements(doc: QTextDocument) -> list[_Element]:
    found = []
    it = doc.rootFrame().begin()
    while not it.atEnd():
        frame = it.currentFrame()
        if frame is not None:
            found.append(_Element(frame=frame))
        else:
            block = it.currentBlock()
            if block.isValid():
                found.append(_Element(block=block))
        it += 1
    return found


def _top(doc: QTextDocument, el: _Element) -> float:
    layout = doc.documentLayout()
    if el.frame is not None:
        return float(layout.frameBoundingRect(el.frame).top())
    assert el.block is not None
    return float(layout.blockBoundingRect(el.block).top())


def _bottom(doc: QTextDocument, el: _Element) -> float:
    layout = doc.documentLayout()
    if el.frame is not None:
        return float(layout.frameBoundingRect(el.frame).bottom())
    assert el.block is not None
    return float(layout.blockBoundingRect(el.block).bottom())


def _content_top(doc: QTextDocument, el: _Element) -> float:
    """Where an element's content starts: a table's first row below its header rows."""
    if isinstance(el.frame, QTextTable):
        table = el.frame
        row = min(table.format().headerRowCount(), table.rows() - 1)
        if row >= 0 and table.columns() > 0:
            block = table.cellAt(row, 0).firstCursorPosition().block()
            return float(doc.documentLayout().blockBoundingRect(block).top())
    return _top(doc, el)


def _is_heading(el: _Element) -> bool:
    return el.block is not None and el.block.blockFormat().headingLevel() > 0


def _keeps_with_next(el: _Element) -> bool:
    block = el.block
    if block is None or not block.isValid():
        return False
    if _is_heading(el):
        return True
    text = block.text().strip()
    if text and set(text) == {OBJECT_CHAR}:
        return True  # a picture alone in its paragraph: its caption follows
    return text.endswith(":")


def _break_before(el: _Element) -> None:
    if el.frame is not None:
        frame_format = el.frame.frameFormat()
        frame_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        el.frame.setFrameFormat(frame_format)
        return
    assert el.block is not None
    block_format = el.block.blockFormat()
    block_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    QTextCursor(el.block).setBlockFormat(block_format)


def _row_span(doc: QTextDocument, table: QTextTable, row: int) -> tuple[float, float]:
    """The top of a row's first line and the bottom of its last, over its cells."""
    layout = doc.documentLayout()
    tops, bottoms = [], []
    for col in range(table.columns()):
        cell = table.cellAt(row, col)
        if cell.row() != row:
            continue  # a cell spanning from a row above
        first = cell.firstCursorPosition().block()
        last = cell.lastCursorPosition().block()
        tops.append(float(layout.blockBoundingRect(first).top()))
        bottoms.append(float(layout.blockBoundingRect(last).bottom()))
    return (min(tops), max(bottoms)) if tops else (0.0, 0.0)


def _spacer(table: QTextTable, row: int, gap: float) -> None:
    """Insert an empty, borderless row of `gap` pixels before `row` (one layout pass)."""
    edit = QTextCursor(table.document())
    edit.beginEditBlock()
    table.insertRows(row, 1)
    for col in range(table.columns()):
        cell = table.cellAt(row, col)
        fmt = cell.format().toTableCellFormat()
        for set_width in (
            fmt.setTopPadding,
            fmt.setBottomPadding,
            fmt.setTopBorder,
            fmt.setBottomBorder,
            fmt.setLeftBorder,
            fmt.setRightBorder,
        ):
            set_width(0)
        cell.setFormat(fmt)
        cursor = cell.firstCursorPosition()
        block = cursor.blockFormat()
        block.setLineHeight(max(gap, 1.0), FIXED_HEIGHT)
        block.setTopMargin(0)
        block.setBottomMargin(0)
        cursor.setBlockFormat(block)
    edit.endEditBlock()


def _set_gap(table: QTextTable, row: int, gap: float) -> None:
    edit = QTextCursor(table.document())
    edit.beginEditBlock()
    for col in range(table.columns()):
        cursor = table.cellAt(row, col).firstCursorPosition()
        block = cursor.blockFormat()
        block.setLineHeight(max(gap, 1.0), FIXED_HEIGHT)
        cursor.setBlockFormat(block)
    edit.endEditBlock()


def _keep_rows(doc: QTextDocument, table: QTextTable, height: float) -> int:
    """Move each row that would be split across pages to the next page; returns how many.

    Qt moves a row to the next page only when none of its cells has a first line that fits;
    otherwise it cuts every cell apart. So an empty, borderless spacer row fills the page
    below the row above, and the row's lines all start the next page, under the repeated
    header row.
    """
    moved = 0
    row = table.format().headerRowCount() + 1
    while row < table.rows():
        top, bottom = _row_span(doc, table, row)
        page = int(top // height)
        if page == int((bottom - 1) // height) or bottom - top > height / 2:
            row += 1
            continue
        _, above = _row_span(doc, table, row - 1)
        gap = (page + 1) * height - above - SPACER_SLACK
        _spacer(table, row, gap)
        for _ in range(8):  # the exact room left depends on paddings and margins: adjust
            spacer_top, _ = _row_span(doc, table, row)
            next_top, _ = _row_span(doc, table, row + 1)
            if int(spacer_top // height) > page:
                gap -= 3  # the spacer itself went to the next page
            elif int(next_top // height) == page:
                gap += 2  # the row still starts on this page
            else:
                break
            _set_gap(table, row, gap)
        else:
            table.removeRows(row, 1)  # could not place it: leave Qt's split
            row += 1
            continue
        moved += 1
        row += 2
    return moved


def keep_together(doc: QTextDocument) -> int:
    """Insert the page breaks described above into a paginated document.

    Args:
        doc: a document with its page size set (`setPageSize`).

    Returns:
        How many page breaks were inserted.
    """
    height = doc.pageSize().height()
    if height <= 0:
        return 0

    def page(y: float) -> int:
        return int(y // height)

    def near_top(y: float) -> bool:
        return y - page(y) * height < NEAR_TOP * height

    elements = _elements(doc)
    keep = [_keeps_with_next(el) for el in elements]
    for i in range(1, len(elements) - 1):
        # A heading's introduction (one short paragraph before its table) goes with both.
        block = elements[i].block
        if (
            block is not None
            and _is_heading(elements[i - 1])
            and isinstance(elements[i + 1].frame, QTextTable)
            and block.layout().lineCount() <= INTRO_LINES
        ):
            keep[i] = True
    inserted = 0
    for i, el in enumerate(elements):
        move = False
        if keep[i] and i + 1 < len(elements):
            move = page(_top(doc, el)) != page(_content_top(doc, elements[i + 1]))
        elif isinstance(el.frame, QTextTable):
            top, bottom = _top(doc, el), _bottom(doc, el)
            if page(top) == page(bottom - 1):
                continue
            if bottom - top > SMALL_TABLE * height:
                inserted += _keep_rows(doc, el.frame, height)
                continue
            move = True
        if not move:
            continue
        start = i
        while start > 0 and keep[start - 1]:
            start -= 1
        if near_top(_top(doc, elements[start])):
            continue
        _break_before(elements[start])
        inserted += 1
    return inserted
