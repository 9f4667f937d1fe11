"""A graphics view that shows one picture with zoom (wheel, keys) and pan (drag)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QWidget

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.02, 64.0
PICTURE_BACKGROUND = "#3c4046"
"""Dark around a picture, so its own colours are judged without glare."""
EMPTY_BACKGROUND = "#e6e8eb"


class ImageView(QGraphicsView):
    """The picture lives at (0, 0) of the scene in image pixel coordinates; overlays drawn in
    the same scene stay on the pixels they mark whatever the zoom."""

    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        self._scene = QGraphicsScene()
        super().__init__(self._scene, parent)
        self.setObjectName("image_view")
        self.pixmap_item = QGraphicsPixmapItem()
        self.pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.pixmap_item.setZValue(-1000)
        self._scene.addItem(self.pixmap_item)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setBackgroundBrush(QColor(EMPTY_BACKGROUND))
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self._fit = True

    def set_image(self, image: QImage) -> None:
        """Show a new picture; a picture of another size is fitted to the window."""
        self.setBackgroundBrush(QColor(PICTURE_BACKGROUND))
        old = self.pixmap_item.pixmap().size()
        self.pixmap_item.setPixmap(QPixmap.fromImage(image))
        if old != image.size():
            self._scene.setSceneRect(0, 0, image.width(), image.height())
            self._fit = True
        if self._fit:
            self.fit()

    def clear(self) -> None:
        """Show nothing."""
        self.pixmap_item.setPixmap(QPixmap())
        self.setBackgroundBrush(QColor(EMPTY_BACKGROUND))
        self._scene.setSceneRect(0, 0, 1, 1)

    def zoom(self) -> float:
        """The current scale (1.0 = one image pixel per screen pixel)."""
        return float(self.transform().m11())

    def set_zoom(self, factor: float) -> None:
        """Scale to `factor` screen pixels per image pixel."""
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        self._fit = False
        self.resetTransform()
        self.scale(factor, factor)
        self.zoom_changed.emit(factor)

    def zoom_in(self) -> None:
        """One step closer."""
        self.set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        """One step back."""
        self.set_zoom(self.zoom() / ZOOM_STEP)

    def fit(self) -> None:
        """Fit the whole picture in the window (kept on resize until the user zooms)."""
        self._fit = True
        if not self.pixmap_item.pixmap().isNull():
            self.fitInView(self.pixmap_item, Qt.AspectRatioMode.KeepAspectRatio)
        self.zoom_changed.emit(self.zoom())

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Ctrl+wheel or a plain wheel zooms around the pointer."""
        if event.angleDelta().y() > 0:
            self.zoom_in()
        elif event.angleDelta().y() < 0:
            self.zoom_out()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep a fitted picture fitted."""
        super().resizeEvent(event)
        if self._fit:
            self.fit()
