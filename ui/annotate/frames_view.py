"""Frames of interest: a thumbnail of every annotated frame; double-click opens it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

if TYPE_CHECKING:
    # Thumbnails are drawn by a job; the drawing code loads with it, not at start-up.
    from forensics.annotations.thumbnails import FrameOfInterest


class FramesOfInterestView(QListWidget):
    """Annotated frames as a grid of drawn thumbnails."""

    frame_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("frames_of_interest")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(192, 108))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setSpacing(6)
        self.setWordWrap(True)
        self.itemDoubleClicked.connect(self._open)

    def load(self, frames: Sequence[FrameOfInterest]) -> None:
        """Show these frames."""
        self.clear()
        for f in frames:
            where = "still" if f.frame_index < 0 else f"frame {f.frame_index}"
            entry = QListWidgetItem(f"{f.item_name}\n{where}: {', '.join(f.labels)}")
            if f.thumbnail is not None:
                entry.setIcon(QIcon(QPixmap(str(f.thumbnail))))
            tip = f"{f.count} annotation(s); pixels {f.pixel_sha256[:16]}…"
            if f.problem:
                tip += f"\nno thumbnail: {f.problem}"
            entry.setToolTip(tip)
            entry.setData(Qt.ItemDataRole.UserRole, (f.item_id, f.frame_index))
            self.addItem(entry)

    def _open(self, entry: QListWidgetItem) -> None:
        item_id, frame_index = entry.data(Qt.ItemDataRole.UserRole)
        self.frame_requested.emit(item_id, frame_index)
