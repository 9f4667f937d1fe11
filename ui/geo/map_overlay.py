"""What the map view draws over the map in screen pixels: place names, scale bar, read-out.

The choices are the report map's (geoloc): the same gazetteer places, the same greedy
placement that keeps labels off pins and furniture (`geoloc.map_labels.choose_labels`), and
the same round scale-bar length (`geoloc.mapframe.scale_bar_for`); only the drawing is Qt.
The view's visible rectangle is an equirectangular extent, so `Projection` maps degrees to
the viewport's pixels exactly as the view does. Labels are chosen again only when the view
moves, not on every repaint.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from geoloc.map_labels import (
    FONT_PX,
    LabelPlace,
    Occupied,
    PinLabel,
    PlacedLabel,
    choose_labels,
    pin_label,
)
from geoloc.mapframe import Box, Extent, Projection, ScaleBar, scale_bar_for
from geoloc.svg_text import fmt_lat, fmt_lon

SCALE_BOX = (0.0, 44.0, 230.0)
"""x, height from the bottom, width of the scale bar's corner (labels keep off it)."""
READOUT_W, READOUT_H = 230.0, 26.0
PIN_MARGIN_PX = 7.0
"""Half a pin (PIN_PX 14), as the report map keeps its labels off its pins."""


@dataclass(frozen=True)
class Overlay:
    """Everything drawn over one view of the map."""

    labels: tuple[PlacedLabel, ...]
    pins: tuple[PinLabel, ...]
    """The hypotheses' names beside their pins."""
    scale: ScaleBar | None
    width: float
    height: float


def view_extent(scene_rect: QRectF) -> Extent:
    """The lat/lon box a visible scene rectangle shows (scene y is minus latitude)."""
    return Extent(-scene_rect.bottom(), scene_rect.left(), -scene_rect.top(), scene_rect.right())


def furniture(width: float, height: float) -> list[Box]:
    """The corners the scale bar and the read-out take."""
    x, h, w = SCALE_BOX
    return [
        (x, height - h, x + w, height),
        (width - READOUT_W, height - READOUT_H, width, height),
    ]


def compute_overlay(
    scene_rect: QRectF,
    width: float,
    height: float,
    pins_px: Sequence[tuple[QPointF, str]],
    places: Callable[[], Sequence[LabelPlace]],
) -> Overlay:
    """Choose the labels and the scale bar of one view (Qt geometry in, geoloc rules inside).

    Args:
        scene_rect: the visible part of the scene (degrees).
        width: the viewport's width in pixels.
        height: its height.
        pins_px: where the hypothesis pins are drawn, in viewport pixels, with their names.
        places: the places that may be labelled (the gazetteer's, loaded on first use).
    """
    if width < 2 or height < 2 or scene_rect.width() <= 0 or scene_rect.height() <= 0:
        return Overlay((), (), None, width, height)
    proj = Projection(view_extent(scene_rect), width, height)
    occupied = Occupied(furniture(width, height))
    m = PIN_MARGIN_PX
    for p, _ in pins_px:
        occupied.take((p.x() - m, p.y() - m, p.x() + m, p.y() + m))
    named = []
    for p, name in pins_px:
        if 0 <= p.x() <= width and 0 <= p.y() <= height:
            placed = pin_label(p.x(), p.y(), name, occupied, width)
            if placed is not None:
                named.append(placed)
    labels = tuple(choose_labels(places(), proj, occupied))
    # At most 180 px: the bar and its label stay inside their corner at any window size.
    return Overlay(labels, tuple(named), scale_bar_for(proj, min(0.25, 180 / width)), width, height)


def readout_text(lat: float, lon: float) -> str:
    """The cursor's position as the read-out shows it (degrees, four decimals: ~10 m)."""
    return f"{fmt_lat(lat, 4)}  {fmt_lon(lon, 4)}"


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
