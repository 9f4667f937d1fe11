"""Frame-accurate access to a video's decoded frames.

OpenCV is given the path as bytes: a `str` holding a lone surrogate (a name that is not valid
UTF-8) crashes the whole process inside OpenCV. Each frame comes back with its presentation
time and the sha256 of its decoded pixels, which is what lets an annotation find the same
pixels again on another machine.

OpenCV is the one decoder of record (the pixels hashed and shown). Its own frame numbering is
derived from timestamps and the average rate, which is wrong for variable-frame-rate video, so
the reader also lists every frame's presentation time from the container's packets (PyAV
demuxes without decoding; see `forensics.media.timeline`) and seeks by time, checking the
time of the frame it lands on. Times are seconds from the start of the video stream (what
OpenCV reports, and what PySceneDetect calls the position).
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import cast

import cv2
import numpy as np
import numpy.typing as npt

from forensics.errors import UnsupportedMediaError
from forensics.media.timeline import Timeline, read_timeline

log = logging.getLogger(__name__)

RGBArray = npt.NDArray[np.uint8]

_FORWARD_READ_LIMIT = 90
"""Frames decoded forward rather than seeking (a seek restarts from a keyframe anyway)."""


@dataclass(frozen=True)
class VideoInfo:
    """What the decoder reports about a stream."""

    width: int
    height: int
    fps: float
    frame_count: int
    """Frames listed by the container index when it could be read, else OpenCV's claim;
    the real count can still differ (a clip whose frames do not decode)."""

    @property
    def duration(self) -> float:
        """Seconds, from the claimed frame count and rate."""
        return self.frame_count / self.fps if self.fps > 0 else 0.0


@dataclass(frozen=True)
class DecodedFrame:
    """One decoded frame with what anchors it."""

    index: int
    pts: float
    """Presentation time in seconds from the start of the video stream."""
    rgb: RGBArray
    pixel_sha256: str

    @property
    def width(self) -> int:
        """Pixels across."""
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        """Pixels down."""
        return int(self.rgb.shape[0])


def pixel_digest(rgb: RGBArray) -> str:
    """sha256 of decoded RGB pixels, with the shape mixed in so a reshaped buffer differs."""
    h = hashlib.sha256(f"{rgb.shape[0]}x{rgb.shape[1]}x{rgb.shape[2]}:".encode())
    h.update(np.ascontiguousarray(rgb).tobytes())
    return h.hexdigest()


def open_capture(path: Path | bytes | str) -> cv2.VideoCapture:
    """An OpenCV capture on a path given as bytes (never a `str`: see the module notes).

    Raises:
        UnsupportedMediaError: OpenCV cannot open the file as a video.
    """
    raw = os.fsencode(path)
    cap = cv2.VideoCapture(raw)  # type: ignore[call-overload]
    if not cap.isOpened():
        cap.release()
        raise UnsupportedMediaError(f"{os.fsdecode(raw)}: not a video OpenCV can open")
    return cast(cv2.VideoCapture, cap)


class VideoReader:
    """Random and sequential access to one video file's frames."""

    def __init__(self, path: Path | bytes | str) -> None:
        self._path = os.fsencode(path)
        self._cap = open_capture(self._path)
        self.timeline: Timeline | None = read_timeline(self._path)
        """Every frame's time from the container index, or None when it cannot be read."""
        claimed = max(0, int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT)))
        self.info = VideoInfo(
            width=int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            height=int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            fps=float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0),
            frame_count=len(self.timeline.times) if self.timeline else claimed,
        )
        self._next = 0

    @property
    def path(self) -> bytes:
        """The file, as the bytes path OpenCV was given."""
        return self._path

    def read(self, index: int) -> DecodedFrame:
        """Decode the frame with this index (0-based, in presentation order).

        Raises:
            UnsupportedMediaError: the frame cannot be decoded (past the end, broken stream).
        """
        if index < 0:
            raise UnsupportedMediaError(f"frame index {index} is negative")
        if self.timeline is not None:
            return self._read_by_time(index)
        if index != self._next:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        return self._decode(index)

    def read_next(self) -> DecodedFrame | None:
        """Decode the next frame in order; None at the end."""
        if self._next < 0:
            return None
        try:
            return self.read(self._next)
        except UnsupportedMediaError:
            return None

    def _read_by_time(self, index: int) -> DecodedFrame:
        assert self.timeline is not None
        times = self.timeline.times
        if index >= len(times):
            raise UnsupportedMediaError(
                f"{self.name}: frame {index} is past the end ({len(times)} frames)"
            )
        if not (0 <= self._next <= index <= self._next + _FORWARD_READ_LIMIT):
            self._seek_back(index, 0)
        for attempt in range(1, 4):
            while True:
                pts, bgr = self._grab_one(index)
                found = self.timeline.index_of(pts)
                if found == index:
                    return self._finish(index, pts, bgr)
                self._next = found + 1
                if found > index:
                    break
            # Landed past the frame (OpenCV numbers VFR frames by the average rate):
            # restart further back, from a keyframe before it.
            self._seek_back(index, attempt * _FORWARD_READ_LIMIT)
        raise UnsupportedMediaError(f"{self.name}: cannot seek to frame {index} exactly")

    def _seek_back(self, index: int, margin: int) -> None:
        assert self.timeline is not None
        fps = self.info.fps or self.timeline.nominal_rate
        target = int(self.timeline.times[max(0, index - margin)] * fps) - 2 - margin
        self._cap.set(cv2.CAP_PROP_POS_FRAMES, max(0, target))
        self._next = -2  # unknown until the next frame is read

    def _grab_one(self, index: int) -> tuple[float, npt.NDArray[np.uint8]]:
        ok, bgr = self._cap.read()
        if not ok or bgr is None:
            self._next = -1
            raise UnsupportedMediaError(f"{self.name}: frame {index} cannot be decoded")
        return float(self._cap.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0, np.asarray(bgr, np.uint8)

    def _decode(self, index: int) -> DecodedFrame:
        pts, bgr = self._grab_one(index)
        return self._finish(index, pts, bgr)

    def _finish(self, index: int, pts: float, bgr: npt.NDArray[np.uint8]) -> DecodedFrame:
        self._next = index + 1
        rgb = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), np.uint8)
        return DecodedFrame(index, pts, rgb, pixel_digest(rgb))

    def index_at(self, seconds: float) -> int:
        """The index of the frame shown at a time: the last one presented at or before it."""
        if self.timeline is not None:
            return self.timeline.index_at(seconds)
        if self.info.fps <= 0:
            return 0
        return max(0, int(seconds * self.info.fps + 1e-6))

    @property
    def name(self) -> str:
        """The file name, for messages."""
        return os.fsdecode(self._path)

    def close(self) -> None:
        """Release the decoder."""
        self._cap.release()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
