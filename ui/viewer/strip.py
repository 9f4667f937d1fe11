"""The strip of keyframe thumbnails under a video: click one to jump to its frame."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from ui.formatting import frame_time
from ui.viewer.decoder import to_qimage

if TYPE_CHECKING:
    from forensics.media.keyframes import KeyFrame

STRIP_HEIGHT = 72


class KeyframeStrip(QListWidget):
    """Thumbnails of scene starts (and filler frames) in time order."""

    frame_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyframe_strip")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(QSize(STRIP_HEIGHT * 16 // 9, STRIP_HEIGHT))
        self.setFixedHeight(STRIP_HEIGHT + 40)
        self.setSpacing(4)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.itemClicked.connect(
            lambda item: self.frame_clicked.emit(int(item.data(Qt.ItemDataRole.UserRole)))
        )

    def set_frames(self, frames: Sequence[KeyFrame]) -> None:
        """Show these thumbnails."""
        self.clear()
        for frame in frames:
            label = f"{'▶ ' if frame.scene_start else ''}{frame.index} · {frame_time(frame.pts)}"
            item = QListWidgetItem(QIcon(QPixmap.fromImage(to_qimage(frame.rgb))), label)
            item.setData(Qt.ItemDataRole.UserRole, frame.index)
            item.setToolTip(
                ("Scene starts at" if frame.scene_start else "Frame")
                + f" {frame.index} ({frame_time(frame.pts)})"
            )
            self.addItem(item)

    def indices(self) -> list[int]:
        """The frame index of every thumbnail, in order."""
        return [int(self.item(n).data(Qt.ItemDataRole.UserRole)) for n in range(self.count())]
