"""The viewer's decode worker: one thread, one pending request, the newest one wins.

Scrubbing asks for many frames a second; the worker only ever decodes the latest request, so
the GUI thread never waits on a decoder and the picture catches up as soon as the user stops.
The open `VideoReader` is kept between requests, so stepping forward decodes one frame.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from forensics.errors import WorkbenchError

if TYPE_CHECKING:
    # The readers (Pillow, OpenCV, PyAV) load on the decode thread when the first picture
    # is asked for, so they cost nothing at start-up.
    from forensics.media.video_reader import RGBArray, VideoReader

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FrameRequest:
    """Show this frame of this media file."""

    serial: int
    item_id: str
    media_sha256: str
    path: Path
    is_video: bool
    index: int = 0
    seconds: float | None = None
    """When set, the frame shown at this time (found from the video's timestamps)."""


class FrameResult(NamedTuple):
    """A decoded picture (or why there is none)."""

    request: FrameRequest
    image: QImage | None
    frame_index: int
    pts: float | None
    pixel_sha256: str
    frame_count: int = 0
    fps: float = 0.0
    error: str | None = None


def to_qimage(rgb: RGBArray) -> QImage:
    """An RGB array as a QImage that owns its pixels (safe to build off the GUI thread)."""
    import numpy as np  # with the first picture, not at start-up

    data = np.ascontiguousarray(rgb)
    height, width = data.shape[:2]
    image = QImage(data.data, width, height, width * 3, QImage.Format.Format_RGB888)
    return image.copy()


class FrameDecoder(QObject):
    """Decodes frames on its own thread; results arrive through `decoded` on the GUI thread."""

    decoded = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._pending: FrameRequest | None = None
        self._working = False
        self._stop = False
        self._thread: threading.Thread | None = None
        self._reader: VideoReader | None = None
        self._reader_path: Path | None = None

    def request(self, request: FrameRequest) -> None:
        """Decode this next, dropping any request not yet started."""
        with self._cond:
            if self._stop:
                return
            self._pending = request
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="frame-decoder", daemon=False
                )
                self._thread.start()
            self._cond.notify()

    def busy(self) -> bool:
        """True while a request waits or decodes."""
        with self._cond:
            return self._pending is not None or self._working

    def stop(self) -> None:
        """Finish the current frame, drop the rest and end the thread."""
        with self._cond:
            self._stop = True
            self._pending = None
            self._cond.notify()
            thread = self._thread
        if thread is not None:
            thread.join()
        self._thread = None

    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    while self._pending is None and not self._stop:
                        self._cond.wait()
                    if self._stop:
                        return
                    request, self._pending = self._pending, None
                    self._working = True
                assert request is not None
                result = self._decode(request)
                with self._cond:
                    self._working = False
                    stopping = self._stop
                if not stopping:
                    self.decoded.emit(result)
        finally:
            self._close_reader()

    def _decode(self, request: FrameRequest) -> FrameResult:
        try:
            if not request.is_video:
                from forensics.media.still_reader import read_still

                self._close_reader()
                still = read_still(request.path)
                return FrameResult(request, to_qimage(still.rgb), -1, None, still.pixel_sha256)
            reader = self._reader_for(request.path)
            index = request.index
            if request.seconds is not None:
                index = reader.index_at(request.seconds)
                if reader.info.frame_count:
                    index = min(index, reader.info.frame_count - 1)
            frame = reader.read(index)
            return FrameResult(
                request,
                to_qimage(frame.rgb),
                frame.index,
                frame.pts,
                frame.pixel_sha256,
                reader.info.frame_count,
                reader.info.fps,
            )
        except (WorkbenchError, OSError) as exc:
            count = self._reader.info.frame_count if self._reader is not None else 0
            fps = self._reader.info.fps if self._reader is not None else 0.0
            return FrameResult(request, None, request.index, None, "", count, fps, str(exc))
        except Exception as exc:  # a decoder bug must reach the user, not kill the thread
            log.exception("decoding %s failed", request.path)
            return FrameResult(request, None, request.index, None, "", error=str(exc))

    def _reader_for(self, path: Path) -> VideoReader:
        if self._reader is None or self._reader_path != path:
            from forensics.media.video_reader import VideoReader

            self._close_reader()
            self._reader = VideoReader(path)
            self._reader_path = path
        return self._reader

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self._reader = None
        self._reader_path = None
