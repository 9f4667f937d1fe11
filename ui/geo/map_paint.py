"""Drawing the map's overlay in viewport pixels: place names with a halo, pin names, the
scale bar and the cursor read-out (what to draw is chosen in map_overlay.py).

The halo and the half-black, half-white bar are the report map's (geoloc/map_furniture.py),
so the map on screen and the map in the report read the same.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from geoloc.map_labels import FONT_PX
from geoloc.mapframe import ScaleBar
from ui.geo.map_overlay import READOUT_H, Overlay


def _font() -> QFont:
    font = QFont("DejaVu Sans")
    font.setPixelSize(round(FONT_PX))
    return font


def _halo_text(
    painter: QPainter, x: float, y: float, text: str, anchor: str, fill: str = "#222222"
) -> None:
    """Text with a white halo, anchored like SVG ("start" or "end"), baseline at y."""
    font = _font()
    if anchor == "end":
        x -= QFontMetricsF(font).horizontalAdvance(text)
    path = QPainterPath()
    path.addText(QPointF(x, y), font, text)
    halo = QPen(QColor("#ffffff"), 3.0)
    halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.strokePath(path, halo)
    painter.fillPath(path, QColor(fill))


def paint_overlay(painter: QPainter, overlay: Overlay, readout: str | None) -> None:
    """Draw labels, scale bar and read-out (the painter in viewport pixels)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for label in overlay.labels:
        # The dot sits where the label's anchor says (choose_labels put it 5 px aside).
        dot_x = label.x - 5 if label.anchor == "start" else label.x + 5
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#333333"))
        painter.drawEllipse(QPointF(dot_x, label.y - 4), 2.4, 2.4)
        _halo_text(painter, label.x, label.y, label.place.name, label.anchor)
    for pin in overlay.pins:
        _halo_text(painter, pin.x, pin.y, pin.text, pin.anchor, fill="#000000")
    if overlay.scale is not None:
        _paint_scale(painter, overlay.scale, overlay.height)
    if readout:
        font = _font()
        painter.setFont(font)
        w = QFontMetricsF(font).horizontalAdvance(readout) + 12
        box = QRectF(overlay.width - w - 4, overlay.height - READOUT_H + 2, w, READOUT_H - 6)
        painter.setPen(QPen(QColor("#999999"), 1))
        painter.setBrush(QColor(255, 255, 255, 220))
        painter.drawRect(box)
        painter.setPen(QColor("#111111"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, readout)
    painter.restore()


def _paint_scale(painter: QPainter, bar: ScaleBar, height: float) -> None:
    """Half black, half white, "0" and the length above its ends (as the report draws it)."""
    px = bar.px
    if not math.isfinite(px) or px <= 0:
        return
    x0, y0 = 12.0, height - 16.0
    font = _font()
    label_w = QFontMetricsF(font).horizontalAdvance(bar.label)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 220))
    painter.drawRect(QRectF(x0 - 6, y0 - 22, px + label_w / 2 + 14, 32))
    painter.setPen(QPen(QColor("#222222"), 1))
    painter.setBrush(QColor("#222222"))
    painter.drawRect(QRectF(x0, y0, px / 2, 6))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRect(QRectF(x0 + px / 2, y0, px / 2, 6))
    painter.setFont(font)
    painter.setPen(QColor("#222222"))
    painter.drawText(QPointF(x0 - 3, y0 - 5), "0")
    painter.drawText(QPointF(x0 + px - label_w / 2, y0 - 5), bar.label)
