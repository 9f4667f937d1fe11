"""The "Reported figures" bar chart: one horizontal bar per share a source reported, on a
0-100 % scale, labelled with what it measures, its as-of date, and its source with the
Admiralty grade; bars are coloured by the source's reliability so weak sources look weaker.
Drawn with QPainter (no QtCharts in PySide6-Essentials); labels wrap to the dock's width.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from forensics.provenance.figures import ReportedFigure, percentage_figures

RELIABILITY_COLOURS = (
    ("AB", "#1f618d", "A-B: reliable source"),
    ("C", "#5dade2", "C: fairly reliable"),
    ("DEF", "#aab7b8", "D-F / none: doubtful, unjudged or no source"),
)
"""Bar colour by the source's Admiralty reliability, so weak sources look weaker."""
TRACK_COLOUR = "#eaeded"


def reliability_colour(figure: ReportedFigure) -> QColor:
    """The colour of a figure's bar, from its first source's reliability letter."""
    letter = (figure.grade or "F")[0]
    for letters, colour, _label in RELIABILITY_COLOURS:
        if letter in letters:
            return QColor(colour)
    return QColor(RELIABILITY_COLOURS[-1][1])


def source_line(figure: ReportedFigure) -> str:
    """ "Source: Title [B2]" (or "Sources: ...; ..."), or "No source cited"."""
    if not figure.sources:
        return "No source cited"
    noun = "Source" if len(figure.sources) == 1 else "Sources"
    return f"{noun}: {figure.sources_label()}"


def bar_label(figure: ReportedFigure) -> str:
    """What the bar measures, its date, and its sources with their grades, on one line."""
    return f"{figure.what} ({figure.as_of_label()}). {source_line(figure)}"


@dataclass(frozen=True)
class _Row:
    title: QRectF
    source: QRectF
    track: QRectF
    bar: QRectF
    value: QRectF

    @property
    def whole(self) -> QRectF:
        return self.title.united(self.value).united(self.track)


class FigureChart(QWidget):
    """One horizontal bar per reported share on a 0-100 % scale, each labelled with what it
    measures, its as-of date, and its source with the Admiralty grade (text wraps to fit)."""

    bar_clicked = Signal(int)
    """Index of the clicked bar (in `figures()` order)."""

    MARGIN = 10.0
    LEGEND_H = 22.0
    BAR_H = 16.0
    ROW_GAP = 14.0
    VALUE_W = 52.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._figures: list[ReportedFigure] = []
        self._selected = -1
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumHeight(60)

    def set_figures(self, figures: list[ReportedFigure]) -> None:
        """Chart the shares among `figures`, largest first; other units are left out."""
        self._figures = percentage_figures(figures)
        self._selected = -1
        self._fit_height()
        self.update()

    def figures(self) -> list[ReportedFigure]:
        """The charted figures, in bar order."""
        return list(self._figures)

    def bar_count(self) -> int:
        """How many bars are drawn."""
        return len(self._figures)

    def bar_labels(self) -> list[str]:
        """Each bar's label as the reader sees it (value first)."""
        return [f"{f.display_value()}: {bar_label(f)}" for f in self._figures]

    def selected(self) -> int:
        """The highlighted bar, or -1."""
        return self._selected

    def select(self, index: int) -> None:
        """Highlight a bar and announce it, as a click would."""
        if not 0 <= index < len(self._figures):
            return
        self._selected = index
        self.update()
        self.bar_clicked.emit(index)

    def clear_selection(self) -> None:
        """Highlight no bar."""
        self._selected = -1
        self.update()

    def bar_rects(self) -> list[QRectF]:
        """Where each bar's fill is drawn (widget coordinates)."""
        return [r.bar for r in self._layout(self.width())]

    def row_rects(self) -> list[QRectF]:
        """The clickable area of each bar: its labels, its track and its value."""
        return [r.whole for r in self._layout(self.width())]

    def _bold(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def _small(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.9))
        return font

    def _layout(self, width: int) -> list[_Row]:
        left = self.MARGIN
        text_w = max(80.0, width - 2 * self.MARGIN)
        track_w = max(40.0, text_w - self.VALUE_W)
        bold, small = QFontMetrics(self._bold()), QFontMetrics(self._small())
        wrap = int(Qt.TextFlag.TextWordWrap)
        y = self.MARGIN + self.LEGEND_H
        rows = []
        for figure in self._figures:
            title_h = bold.boundingRect(
                QRectF(0, 0, text_w, 1000).toRect(),
                wrap,
                f"{figure.what} ({figure.as_of_label()})",
            ).height()
            source_h = small.boundingRect(
                QRectF(0, 0, text_w, 1000).toRect(), wrap, source_line(figure)
            ).height()
            title = QRectF(left, y, text_w, title_h)
            source = QRectF(left, title.bottom() + 1, text_w, source_h)
            track = QRectF(left, source.bottom() + 4, track_w, self.BAR_H)
            share = min(max(figure.value, 0.0), 100.0) / 100.0
            bar = QRectF(left, track.y(), max(2.0, track_w * share), self.BAR_H)
            value = QRectF(track.right() + 6, track.y() - 2, self.VALUE_W - 6, self.BAR_H + 4)
            rows.append(_Row(title, source, track, bar, value))
            y = track.bottom() + self.ROW_GAP
        return rows

    def _needed_height(self, width: int) -> int:
        rows = self._layout(width)
        if not rows:
            return 60
        return int(rows[-1].track.bottom() + self.MARGIN + 1)

    def _fit_height(self) -> None:
        height = self._needed_height(self.width())
        if height != self.minimumHeight():
            self.setMinimumHeight(height)
            self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def sizeHint(self) -> QSize:
        return QSize(420, self._needed_height(420))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        text = self.palette().text().color()
        muted = QColor(text)
        muted.setAlpha(170)
        if not self._figures:
            painter.setPen(text)
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter,
                "No percentage figures recorded from sources.",
            )
            painter.end()
            return
        self._paint_legend(painter, muted)
        wrap = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft)
        for i, (figure, row) in enumerate(
            zip(self._figures, self._layout(self.width()), strict=True)
        ):
            if i == self._selected:
                highlight = QColor(self.palette().highlight().color())
                highlight.setAlpha(45)
                painter.fillRect(row.whole.adjusted(-6, -4, 4, 4), highlight)
            painter.setFont(self._bold())
            painter.setPen(text)
            painter.drawText(row.title, wrap, f"{figure.what} ({figure.as_of_label()})")
            painter.setFont(self._small())
            painter.setPen(muted)
            painter.drawText(row.source, wrap, source_line(figure))
            painter.fillRect(row.track, QColor(TRACK_COLOUR))
            painter.fillRect(row.bar, reliability_colour(figure))
            painter.setFont(self._bold())
            painter.setPen(text)
            painter.drawText(
                row.value,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                figure.display_value(),
            )
        painter.end()

    def _paint_legend(self, painter: QPainter, muted: QColor) -> None:
        painter.setFont(self._small())
        x = self.MARGIN
        y = self.MARGIN
        metrics = QFontMetrics(self._small())
        painter.setPen(muted)
        intro = "0-100 % scale; colour = source reliability:"
        painter.drawText(QPointF(x, y + metrics.ascent()), intro)
        x += metrics.horizontalAdvance(intro) + 8
        for _letters, colour, label in RELIABILITY_COLOURS:
            short = label.split(":")[0]
            painter.fillRect(QRectF(x, y + 2, 10, 10), QColor(colour))
            painter.drawText(QPointF(x + 14, y + metrics.ascent()), short)
            x += 14 + metrics.horizontalAdvance(short) + 10

    def _index_at(self, point: QPointF) -> int:
        for i, rect in enumerate(self.row_rects()):
            if rect.adjusted(-6, -4, 4, 4).contains(point):
                return i
        return -1

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self._index_at(event.position())
        if index >= 0:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.select(index)
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(Qt.Key(event.key()))
        if step is not None and self._figures:
            start = self._selected if self._selected >= 0 else (-1 if step > 0 else 0)
            self.select(min(max(start + step, 0), len(self._figures) - 1))
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self._index_at(QPointF(event.pos()))
            if index >= 0:
                QToolTip.showText(event.globalPos(), self.bar_labels()[index], self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
