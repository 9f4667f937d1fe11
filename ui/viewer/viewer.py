"""The media viewer widget: a still with zoom and pan, or a video frame by frame.

Every picture is decoded by `FrameDecoder` off the GUI thread; the widget only asks for a
frame and shows whatever arrives, so dragging the scrubber never blocks the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from forensics.case import Case
from forensics.errors import WorkbenchError
from forensics.jobs import CancelToken, ProgressFn
from forensics.models import Item
from ui.elided_label import ElidedLabel
from ui.formatting import frame_time
from ui.jobs import Job, JobRunner
from ui.viewer.controls import TransportBar, zoom_bar
from ui.viewer.decoder import FrameDecoder, FrameRequest, FrameResult
from ui.viewer.goto import parse_position
from ui.viewer.image_view import ImageView
from ui.viewer.shown import ShownFrame
from ui.viewer.strip import KeyframeStrip

if TYPE_CHECKING:
    from forensics.media.keyframes import KeyFrame

log = logging.getLogger(__name__)


class MediaViewer(QWidget):
    """Stills and video frames of the case's media items."""

    frame_shown = Signal(str, int, str)
    """item_id, frame_index (-1 for a still), pixel_sha256."""
    cleared = Signal()
    """Nothing is shown any more (overlays drawn on the last picture must go)."""

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
        self._image: QImage | None = None
        self._item: Item | None = None
        self._path: Path | None = None
        self._is_video = False
        self._serial = 0
        self._frame_count = 0
        self._fps = 0.0
        self._wanted = 0
        self._strip_job: Job | None = None
        self.decoder = FrameDecoder(self)
        self.decoder.decoded.connect(self._on_decoded)

        self.view = ImageView(self)
        self.title = ElidedLabel("Nothing to show. Select an image or a video.")
        self.title.setObjectName("viewer_title")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.zoom_label = QLabel("")
        self.zoom_label.setObjectName("zoom_label")
        self.strip = KeyframeStrip(self)
        self.strip.frame_clicked.connect(self.seek)
        self._play_timer = QTimer(self)
        self._play_timer.timeout.connect(self._play_tick)

        self.actions_: dict[str, QAction] = {}
        bar = zoom_bar(self)
        self.transport = TransportBar(self)
        self.slider = self.transport.slider
        self.frame_label = self.transport.frame_label
        self.goto = self.transport.goto

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.transport)
        layout.addWidget(self.strip)
        self.slider.valueChanged.connect(self._on_slider)
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f} %"))
        self._set_video_mode(False)

    # the annotation contract -------------------------------------------------------------------
    def graphics_scene(self) -> QGraphicsScene:
        """The scene the picture lives in (pixmap at (0, 0), image pixel coordinates)."""
        return self.view.scene()

    def graphics_view(self) -> QGraphicsView:
        """The view showing the scene."""
        return self.view

    def current_frame(self) -> ShownFrame | None:
        """What is on screen, or None."""
        return self._shown

    def current_image(self) -> QImage | None:
        """The decoded picture on screen (full resolution), or None."""
        return self._image

    # showing ----------------------------------------------------------------------------------
    def show_item(self, item_id: str, frame_index: int | None = None) -> None:
        """Show an item: a still image, or a video at `frame_index` (else where it was)."""
        case = self._current_case()
        if case is None:
            self.clear()
            return
        if self._item is not None and self._item.id == item_id and self._path is not None:
            if self._is_video and frame_index is not None:
                self.seek(frame_index)
            return
        item = case.items.find(item_id)
        mime = (item.mime or "") if item is not None else ""
        if item is None or item.sha256 is None or not mime.startswith(("image/", "video/")):
            self.clear(None if item is None else f"{item.name}: not an image or a video")
            return
        try:
            path = case.evidence.open(item.sha256)
        except WorkbenchError as exc:
            self.clear(str(exc))
            return
        self.pause()
        self._item, self._path = item, path
        self._is_video = mime.startswith("video/")
        self._frame_count, self._fps = 0, 0.0
        self._shown = None
        self._image = None
        self.title.setText(f"{item.name} · decoding…")
        self._set_video_mode(self._is_video)
        self.strip.clear()
        self._request(frame_index or 0)
        if self._is_video:
            self._load_strip(path)

    def clear(self, message: str | None = None) -> None:
        """Show nothing (with a reason)."""
        self.pause()
        self._serial += 1
        self._item = self._path = None
        self._shown = None
        self._image = None
        self.view.clear()
        self.strip.clear()
        self._set_video_mode(False)
        self.title.setText(message or "Nothing to show. Select an image or a video.")
        self.cleared.emit()

    def _set_video_mode(self, video: bool) -> None:
        self.transport.setVisible(video)
        self.strip.setVisible(video)

    def _request(self, index: int, seconds: float | None = None) -> None:
        if self._item is None or self._path is None or self._item.sha256 is None:
            return
        self._serial += 1
        self._wanted = index
        self.decoder.request(
            FrameRequest(
                self._serial,
                self._item.id,
                self._item.sha256,
                self._path,
                self._is_video,
                index,
                seconds,
            )
        )

    def _on_decoded(self, result: Any) -> None:
        if not isinstance(result, FrameResult) or self._item is None:
            return
        if result.request.item_id != self._item.id:
            return  # an answer for an item no longer shown
        if result.frame_count:
            self._frame_count, self._fps = result.frame_count, result.fps
            if self.slider.maximum() != max(0, result.frame_count - 1):
                self.slider.blockSignals(True)
                self.slider.setRange(0, max(0, result.frame_count - 1))
                self.slider.blockSignals(False)
        if result.image is None:
            self.pause()
            self.title.setText(f"{self._item.name} · {result.error}")
            return
        self._image = result.image
        if result.request.seconds is not None:
            self._wanted = result.frame_index  # a time was asked: now the frame is known
        self.view.set_image(result.image)
        self._shown = ShownFrame(
            self._item.id,
            result.request.media_sha256,
            result.frame_index,
            result.pts,
            result.pixel_sha256,
            result.image.width(),
            result.image.height(),
        )
        size = f"{result.image.width()}×{result.image.height()}"  # noqa: RUF001
        if self._is_video:
            self.title.setText(f"{self._item.name} · {size} · {self._fps:.3g} frames/s")
            self.frame_label.setText(
                f"Frame {result.frame_index} / {max(0, self._frame_count - 1)} · "
                f"{frame_time(result.pts or 0.0)}"
            )
            if self.slider.value() != result.frame_index and not self.slider.isSliderDown():
                self.slider.blockSignals(True)
                self.slider.setValue(result.frame_index)
                self.slider.blockSignals(False)
        else:
            self.title.setText(f"{self._item.name} · {size}")
        self.frame_shown.emit(self._item.id, result.frame_index, result.pixel_sha256)

    # video ------------------------------------------------------------------------------------
    def frame_index(self) -> int:
        """The index of the frame on screen (-1 for a still or nothing)."""
        return -1 if self._shown is None else self._shown.frame_index

    def seek(self, index: int) -> None:
        """Show frame `index` of the video."""
        if not self._is_video:
            return
        last = max(0, self._frame_count - 1) if self._frame_count else index
        self._request(max(0, min(index, last)))

    def seek_time(self, seconds: float) -> None:
        """Show the frame of the video presented at `seconds`."""
        if self._is_video:
            self._request(0, seconds=max(0.0, seconds))

    def seek_last(self) -> None:
        """Show the last frame of the video."""
        self.seek(self._frame_count - 1)

    def focus_goto(self) -> None:
        """Put the cursor in the go-to field (a video only)."""
        if self._is_video:
            self.goto.setFocus()
            self.goto.selectAll()

    def go_to_typed(self) -> None:
        """Go to the frame or the time typed in the go-to field (or say why not)."""
        try:
            where = parse_position(self.goto.text())
        except ValueError as exc:
            self.frame_label.setText(str(exc))
            return
        if where.seconds is not None:
            self.seek_time(where.seconds)
        elif where.frame is not None:
            self.seek(where.frame)
        self.goto.selectAll()

    def step(self, delta: int) -> None:
        """Move `delta` frames from the one wanted last (so quick key repeats add up)."""
        self.pause()
        self.seek(self._wanted + delta)

    def _on_slider(self, value: int) -> None:
        self.seek(value)

    def toggle_play(self) -> None:
        """Play from the current frame, or pause."""
        if self._play_timer.isActive():
            self.pause()
        elif self._is_video:
            fps = self._fps if self._fps > 0 else 25.0
            self._play_timer.start(max(5, int(1000 / fps)))
            self.actions_["play"].setIcon(
                self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause)
            )

    def pause(self) -> None:
        """Stop playing."""
        self._play_timer.stop()
        if "play" in self.actions_:
            self.actions_["play"].setIcon(
                self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
            )

    def _play_tick(self) -> None:
        if self.decoder.busy():
            return  # the decoder sets the pace when it cannot keep up
        if self._frame_count and self._wanted >= self._frame_count - 1:
            self.pause()
            return
        self._request(self._wanted + 1)

    def _load_strip(self, path: Path) -> None:
        if self._strip_job is not None:
            self._strip_job.cancel()
        item_id = self._item.id if self._item is not None else ""

        def work(progress: ProgressFn, cancel: CancelToken) -> list[KeyFrame]:
            # OpenCV and PyAV load on the first video shown, not at start-up.
            from forensics.media.keyframes import strip_frames

            return strip_frames(path, progress=progress, cancel=cancel)

        job = self._runner.start("Keyframes", work, quiet=True)
        self._strip_job = job
        job.signals.finished.connect(lambda frames, i=item_id: self._strip_loaded(i, frames))
        job.signals.ended.connect(lambda j=job: self._strip_ended(j))

    def _strip_loaded(self, item_id: str, frames: Any) -> None:
        if self._item is not None and self._item.id == item_id and isinstance(frames, list):
            self.strip.set_frames(frames)

    def _strip_ended(self, job: Job) -> None:
        if self._strip_job is job:
            self._strip_job = None

    # export -----------------------------------------------------------------------------------
    def export_frame(self, target: Path | None = None) -> Path | None:
        """Save the picture on screen as PNG and log the export in the custody chain."""
        shown, image, case = self._shown, self._image, self._current_case()
        if shown is None or image is None or case is None:
            return None
        from ui.viewer.export import export_shown_frame  # its file dialog: on first use

        return export_shown_frame(self, case, shown, image, target)

    # lifecycle ---------------------------------------------------------------------------------
    def is_busy(self) -> bool:
        """True while a frame or the keyframe strip is being decoded."""
        return self.decoder.busy() or self._strip_job is not None

    def shutdown(self) -> None:
        """Stop playback and the decode worker (the window is closing)."""
        self.pause()
        if self._strip_job is not None:
            self._strip_job.cancel()
        self.decoder.stop()
