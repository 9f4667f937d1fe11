"""Annotations on the viewer's scene: one graphics item per shape, in image pixels.

Pens are cosmetic (the same width on screen whatever the zoom). A stored annotation can be
selected and dragged; an interpolated track shape is drawn dashed, and dragging it makes its
frame a keyframe of the track where it was dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
)

Points = tuple[tuple[float, float], ...]
OVERLAY_Z = 100.0


def shape_path(
    kind: str, points: Sequence[tuple[float, float]], head: float = 12.0
) -> QPainterPath:
    """The outline of a shape in image pixels."""
    path = QPainterPath()
    if not points:
        return path
    if kind == "box":
        (x1, y1), (x2, y2) = points[0], points[-1]
        path.addRect(min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1))
    elif kind == "point":
        x, y = points[0]
        path.addEllipse(QPointF(x, y), 5.0, 5.0)
        path.moveTo(x - 9, y)
        path.lineTo(x + 9, y)
        path.moveTo(x, y - 9)
        path.lineTo(x, y + 9)
    else:
        path.moveTo(*points[0])
        for p in points[1:]:
            path.lineTo(*p)
        if kind == "polygon":
            path.closeSubpath()
        elif len(points) >= 2:
            (tx, ty), (hx, hy) = points[-2], points[-1]
            angle = math.atan2(hy - ty, hx - tx)
            for side in (-0.45, 0.45):
                path.moveTo(hx, hy)
                path.lineTo(hx - head * math.cos(angle + side), hy - head * math.sin(angle + side))
    return path


class AnnotationShape(QGraphicsPathItem):
    """One annotation (or an interpolated track shape) drawn on the frame."""

    def __init__(
        self,
        annotation_id: str,
        kind: str,
        points: Points,
        label: str,
        color: str,
        *,
        interpolated: bool = False,
        flagged: bool = False,
        on_moved: Callable[[str, Points], None] | None = None,
    ) -> None:
        super().__init__(shape_path(kind, points))
        self.annotation_id = annotation_id
        self.kind = kind
        self.points = points
        self.label = label
        self.interpolated = interpolated
        self._on_moved = on_moved
        pen = QPen(QColor(color), 2.0)
        pen.setCosmetic(True)
        if interpolated:
            pen.setStyle(Qt.PenStyle.DashLine)
        if flagged:
            pen.setStyle(Qt.PenStyle.DotLine)
        self.setPen(pen)
        if kind == "polygon":
            fill = QColor(color)
            fill.setAlpha(40)
            self.setBrush(QBrush(fill))
        self.setZValue(OVERLAY_Z)
        movable = on_moved is not None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, movable)
        self.setToolTip(
            f"{label}{' (interpolated)' if interpolated else ''}"
            f"{' — media flagged damaged' if flagged else ''}"
        )
        text = QGraphicsSimpleTextItem(label, self)
        text.setBrush(QBrush(QColor(color)))
        text.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        x0 = min(p[0] for p in points)
        y0 = min(p[1] for p in points)
        text.setPos(x0, y0)

    def moved_points(self) -> Points:
        """The shape's points after a drag."""
        dx, dy = self.pos().x(), self.pos().y()
        return tuple((x + dx, y + dy) for x, y in self.points)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if self._on_moved is not None and (self.pos().x() or self.pos().y()):
            self._on_moved(self.annotation_id, self.moved_points())
