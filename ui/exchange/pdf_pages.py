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
PLAN_ROWS = 150
"""Rows left in a table past which spacers are planned and inserted at once."""
RESIDUAL_FIXES = 12
"""Rows the plan missed that are fixed one by one (each lays the table out again)."""


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


def _straddles(top: float, bottom: float, height: float) -> bool:
    return int(top // height) != int((bottom - 1) // height) and bottom - top <= height / 2


def _fix_row(doc: QTextDocument, table: QTextTable, row: int, height: float) -> float | None:
    """Put a spacer before `row` so it starts the next page; returns the spacer's slack
    (room left under it), None when no spacer places it (Qt's split stays)."""
    top, _ = _row_span(doc, table, row)
    page = int(top // height)
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
            return (page + 1) * height - above - gap
        _set_gap(table, row, gap)
    table.removeRows(row, 1)
    return None


def _content_height(table: QTextTable, row: int) -> float:
    """A row's content height from its lines, wherever Qt put them (a split row's span
    on the page includes the jump to the next page)."""
    tallest = 0.0
    for col in range(table.columns()):
        cell = table.cellAt(row, col)
        block = cell.firstCursorPosition().block()
        last = cell.lastCursorPosition().block().blockNumber()
        lines = 0.0
        while block.isValid() and block.blockNumber() <= last:
            layout = block.layout()
            lines += sum(layout.lineAt(n).height() for n in range(layout.lineCount()))
            block = block.next()
        tallest = max(tallest, lines)
    return tallest


def _keep_rows(doc: QTextDocument, table: QTextTable, height: float) -> int:
    """Move each row that would be split across pages to the next page; returns how many.

    Qt moves a row to the next page only when none of its cells has a first line that fits;
    otherwise it cuts every cell apart. So an empty, borderless spacer row fills the page
    below the row above, and the row's lines all start the next page, under the repeated
    header row. Each change lays the whole table out again, so a long table (a custody log
    of thousands of entries) is not fixed row by row: the first fix shows where a row lands
    on a new page, the other spacers are planned from the layout and inserted in one edit,
    and the few rows the plan missed are fixed one by one.
    """
    first_body = table.format().headerRowCount()
    moved = 0
    row = first_body + 1
    while row < table.rows():
        if not _straddles(*_row_span(doc, table, row), height):
            row += 1
            continue
        slack = _fix_row(doc, table, row, height)
        if slack is None:
            row += 1
            continue
        moved += 1
        row += 2
        if table.rows() - row > PLAN_ROWS:
            moved += _planned(doc, table, row - 1, height, slack)
            break
    return moved


def _planned(doc: QTextDocument, table: QTextTable, fixed: int, height: float, slack: float) -> int:
    """Spacers for the rows after `fixed` (a row just moved to a page's top), planned from
    the layout and inserted at once; then the rows the plan missed, one by one."""
    spans = [_row_span(doc, table, r) for r in range(table.rows())]
    page_top = spans[fixed][0] - int(spans[fixed][0] // height) * height
    steps = sorted(
        spans[r + 1][0] - spans[r][1]
        for r in range(fixed, table.rows() - 1)
        if int(spans[r][0] // height) == int((spans[r + 1][1] - 1) // height)
    )
    if not steps:
        return 0
    step = steps[len(steps) // 2]
    plan: list[tuple[int, float]] = []
    bottom = spans[fixed][1]
    for r in range(fixed + 1, table.rows()):
        tall = _content_height(table, r)
        top = bottom + step
        page = int(top // height)
        # The foot of a page keeps about `slack` free (margins, padding, border): a row that
        # reaches into it is split by Qt, so it is planned as not fitting.
        if top + tall > (page + 1) * height - slack:
            if tall > height / 2:
                break  # a row taller than half a page is split by Qt; stop planning here
            gap = (page + 1) * height - bottom - slack
            if gap >= 1:
                plan.append((r, gap))
            top = (page + 1) * height + page_top
        bottom = top + tall
    edit = QTextCursor(doc)
    edit.beginEditBlock()
    for r, gap in reversed(plan):
        _spacer(table, r, gap)
    edit.endEditBlock()
    spacers = {r + n for n, (r, _) in enumerate(plan)}
    # Check: a spacer that went to the next page itself is shrunk to nothing; a row the plan
    # missed is fixed on its own (each costs a layout of the table, so only a few).
    edit.beginEditBlock()
    for r in sorted(spacers):
        if int(_row_span(doc, table, r)[0] // height) > int(
            _row_span(doc, table, r - 1)[1] // height
        ):
            _set_gap(table, r, 1.0)
    edit.endEditBlock()
    fixes = 0
    r = fixed + 1
    while r < table.rows() and fixes < RESIDUAL_FIXES:
        missed = r not in spacers and _straddles(*_row_span(doc, table, r), height)
        if missed and _fix_row(doc, table, r, height) is not None:
            spacers = {s + 1 if s >= r else s for s in spacers} | {r}
            fixes += 1
            r += 1
        r += 1
    return len(plan) + fixes


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
