"""The lines of a read drawn over the viewer's image, in image pixels."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from forensics.ocr.models import OcrRead

COLOUR = QColor(0, 200, 255)
Z = 50.0
"""Above the frame and the annotations' shapes."""


class ReadOverlay:
    """The boxes of one read's lines, each with its text and confidence, over the frame."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self._scene = scene
        self.items: list[QGraphicsItem] = []
        self.shown: OcrRead | None = None

    def show(self, read: OcrRead) -> None:
        """Draw a read's lines (replacing what was drawn)."""
        self.clear()
        pen = QPen(COLOUR, 2)
        pen.setCosmetic(True)
        for line in read.lines:
            x, y, w, h = line.box
            rect = QGraphicsRectItem(QRectF(x, y, w, h))
            rect.setPen(pen)
            rect.setBrush(QBrush(Qt.BrushStyle.NoBrush))
            rect.setZValue(Z)
            rect.setToolTip(f"{line.text} ({line.confidence:.0%})")
            label = QGraphicsSimpleTextItem(f"{line.text}  {line.confidence:.0%}", rect)
            label.setBrush(QBrush(COLOUR))
            label.setPos(x, max(0.0, y - max(12.0, h * 0.6)))
            label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            self._scene.addItem(rect)
            self.items.append(rect)
        self.shown = read

    def clear(self) -> None:
        """Remove the boxes."""
        for item in self.items:
            if item.scene() is self._scene:
                self._scene.removeItem(item)
        self.items = []
        self.shown = None

    def follow(self, item_id: str, frame_index: int) -> None:
        """Keep the boxes only while the frame they were read on is shown."""
        read = self.shown
        if read is not None and (read.item_id, read.frame_index) != (item_id, frame_index):
            self.clear()
