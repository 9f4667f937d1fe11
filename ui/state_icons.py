"""Icons that show at a glance that an item is not live: a badge on the kind's icon.

A red badge with a cross for a deleted file, amber with an arrow for one recovered without its
name, violet with a "C" for a carved one; the same badge in the tree and the catalogue, so a
deleted file never looks like a live one (the name also says it in words, for those who
cannot tell the colours apart).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap

from forensics import allocation

SIZE = 32
_COLOURS = {
    allocation.DELETED: "#c62828",
    allocation.RECOVERED: "#ef8f00",
    allocation.CARVED: "#6a1b9a",
}


def badged(base: QIcon, state: str) -> QIcon:
    """`base` with the badge of `state` in its lower right corner (live: `base` itself)."""
    if state not in _COLOURS:
        return base
    pixmap = QPixmap(SIZE, SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        base.paint(painter, 0, 0, SIZE, SIZE)
        badge = QRectF(SIZE * 0.45, SIZE * 0.45, SIZE * 0.55, SIZE * 0.55)
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(QBrush(QColor(_COLOURS[state])))
        painter.drawEllipse(badge)
        painter.setPen(QPen(QColor("white"), 2.5))
        c = badge.center()
        r = badge.width() * 0.22
        if state == allocation.DELETED:
            painter.drawLine(QPointF(c.x() - r, c.y() - r), QPointF(c.x() + r, c.y() + r))
            painter.drawLine(QPointF(c.x() - r, c.y() + r), QPointF(c.x() + r, c.y() - r))
        elif state == allocation.RECOVERED:
            painter.drawLine(QPointF(c.x(), c.y() + r), QPointF(c.x(), c.y() - r))
            painter.drawLine(QPointF(c.x() - r, c.y()), QPointF(c.x(), c.y() - r))
            painter.drawLine(QPointF(c.x() + r, c.y()), QPointF(c.x(), c.y() - r))
        else:
            font = QFont()
            font.setBold(True)
            font.setPixelSize(int(badge.height() * 0.7))
            painter.setFont(font)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "C")
    finally:
        painter.end()
    return QIcon(pixmap)
