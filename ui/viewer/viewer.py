"""The media viewer widget."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QVBoxLayout, QWidget

from forensics.case import Case
from ui.jobs import JobRunner
from ui.viewer.image_view import ImageView
from ui.viewer.shown import ShownFrame


class MediaViewer(QWidget):
    """Stills and video frames of the case's media items."""

    frame_shown = Signal(str, int, str)
    """item_id, frame_index (-1 for a still), pixel_sha256."""

    def __init__(
        self,
        runner: JobRunner,
        current_case: Callable[[], Case | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("media_viewer")
        self._runner = runner
        self._current_case = current_case
        self._shown: ShownFrame | None = None
        self.view = ImageView(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)

    def graphics_scene(self) -> QGraphicsScene:
        """The scene the picture lives in (pixmap at (0, 0), image pixel coordinates)."""
        return self.view.scene()

    def graphics_view(self) -> QGraphicsView:
        """The view showing the scene."""
        return self.view

    def current_frame(self) -> ShownFrame | None:
        """What is on screen, or None."""
        return self._shown

    def show_item(self, item_id: str, frame_index: int | None = None) -> None:
        """Show an item: a still image, or a video at `frame_index` (its first frame)."""

    def is_busy(self) -> bool:
        """True while a frame or the keyframe strip is being decoded."""
        return False

    def shutdown(self) -> None:
        """Stop the decode worker (the window is closing)."""
