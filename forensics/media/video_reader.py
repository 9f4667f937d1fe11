"""Frame-accurate access to a video's decoded frames.

OpenCV is given the path as bytes: a `str` holding a lone surrogate (a name that is not valid
UTF-8) crashes the whole process inside OpenCV. Each frame comes back with its presentation
time and the sha256 of its decoded pixels, which is what lets an annotation find the same
pixels again on another machine.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np
import numpy.typing as npt

from forensics.errors import UnsupportedMediaError

RGBArray = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class VideoInfo:
    """What the decoder reports about a stream."""

    width: int
    height: int
    fps: float
    frame_count: int
    """As the container claims it; the real count can differ (see `decodable`)."""

    @property
    def duration(self) -> float:
        """Seconds, from the claimed frame count and rate."""
        return self.frame_count / self.fps if self.fps > 0 else 0.0


@dataclass(frozen=True)
class DecodedFrame:
    """One decoded frame with what anchors it."""

    index: int
    pts: float
    """Presentation time in seconds."""
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


class VideoReader:
    """Random and sequential access to one video file's frames."""

    def __init__(self, path: Path | bytes | str) -> None:
        self._path = os.fsencode(path)
        self._cap = cv2.VideoCapture(self._path)  # type: ignore[call-overload]
        if not self._cap.isOpened():
            raise UnsupportedMediaError(
                f"{os.fsdecode(self._path)}: not a video OpenCV can open"
            )
        self.info = VideoInfo(
            width=int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            height=int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            fps=float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0),
            frame_count=max(0, int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT))),
        )
        self._next = 0

    def read(self, index: int) -> DecodedFrame:
        """Decode the frame with this index (0-based).

        Raises:
            UnsupportedMediaError: the frame cannot be decoded (past the end, broken stream).
        """
        if index < 0:
            raise UnsupportedMediaError(f"frame index {index} is negative")
        if index != self._next:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        return self._decode(index)

    def read_next(self) -> DecodedFrame | None:
        """Decode the next frame in order; None at the end."""
        try:
            return self._decode(self._next)
        except UnsupportedMediaError:
            return None

    def _decode(self, index: int) -> DecodedFrame:
        pts = float(self._cap.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
        ok, bgr = self._cap.read()
        if not ok or bgr is None:
            self._next = -1
            raise UnsupportedMediaError(
                f"{os.fsdecode(self._path)}: frame {index} cannot be decoded"
            )
        self._next = index + 1
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        return DecodedFrame(index, pts, rgb, pixel_digest(rgb))

    def index_at(self, seconds: float) -> int:
        """The index of the frame shown at a time (from the nominal frame rate)."""
        if self.info.fps <= 0:
            return 0
        return max(0, int(round(seconds * self.info.fps)))

    def close(self) -> None:
        """Release the decoder."""
        self._cap.release()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
