"""What both scene scans need from PyAV: a video opened bytes-safe, and small comparison frames.

A scene scan only compares frames downscaled to about 256 pixels across, so converting each
decoded 1080p picture to a full-size BGR image (what OpenCV's `VideoCapture.read()` does) and
then shrinking it wastes most of the work. Here swscale converts YUV to BGR and shrinks in one
pass, straight to the comparison size. Point sampling is used because it is what OpenCV's
`INTER_LINEAR` amounts to at these ratios (it reads 2x2 neighbours, no wider, so it does not
average): on the corpus clips every frame's score stays within 0.6 of the full-size-then-resize
score and no frame crosses the cut threshold either way, whereas swscale's area-averaging
filters move scores by up to 100 on dark fades (hue of near-black pixels).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from forensics.errors import UnsupportedMediaError
from forensics.media.timeline import nominal_rate

log = logging.getLogger(__name__)

_OPEN_ERRORS = (av.FFmpegError, OSError, EOFError, ValueError)

TARGET_WIDTH = 256
"""Frames are compared at about this width (PySceneDetect's `DEFAULT_MIN_WIDTH`)."""


def decoder_name() -> str:
    """What decoded and shrank the frames a scan scored (stored with its parameters)."""
    codec = ".".join(str(v) for v in av.library_versions.get("libavcodec", ()))
    return f"pyav {av.__version__} (libavcodec {codec}), swscale point"


def downscaled_size(width: int, height: int) -> tuple[int, int]:
    """The size a frame is compared at (PySceneDetect's `compute_downscale_factor`)."""
    longest = max(width, height)
    if longest < TARGET_WIDTH:
        return width, height
    factor = longest / float(TARGET_WIDTH)
    return max(1, round(width / factor)), max(1, round(height / factor))


class Shrinker:
    """Converts decoded frames to small BGR (or grey) arrays with one reused swscale context.

    A frame's own `reformat` builds a new scaler on every call; this keeps one per output.
    """

    def __init__(
        self, size: tuple[int, int], fmt: str = "bgr24", interpolation: str = "POINT"
    ) -> None:
        self.size = size
        self.format = fmt
        self.interpolation = interpolation
        self._scaler = VideoReformatter()

    def __call__(self, frame: av.VideoFrame) -> np.ndarray[Any, np.dtype[np.uint8]]:
        width, height = self.size
        small = self._scaler.reformat(
            frame,
            width=width,
            height=height,
            format=self.format,
            interpolation=self.interpolation,
        )
        return np.asarray(small.to_ndarray(), np.uint8)


@dataclass
class OpenVideo:
    """The first video stream of a file, opened through a file object (bytes-safe names)."""

    name: str
    container: av.container.InputContainer
    stream: av.video.stream.VideoStream
    handle: Any

    @property
    def time_base(self) -> Fraction:
        """The stream's time base (90 kHz when the container does not say)."""
        return self.stream.time_base or Fraction(1, 90000)

    @property
    def start(self) -> int:
        """The stream's start time in time-base units (0 when unknown)."""
        return self.stream.start_time or 0

    @property
    def rate(self) -> float:
        """The nominal rate PySceneDetect numbers frames by (30 when the stream has none)."""
        return nominal_rate(self.stream) or 30.0

    def seconds(self, pts: int) -> float:
        """A timestamp as seconds from the stream's start (the timeline's origin)."""
        return float(pts - self.start) * float(self.time_base)

    def close(self) -> None:
        """Close the container and the file."""
        try:
            self.container.close()
        finally:
            self.handle.close()

    def __enter__(self) -> OpenVideo:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_video(path: Path | bytes) -> OpenVideo:
    """Open a file's first video stream with PyAV, given its name as bytes to the OS.

    Raises:
        UnsupportedMediaError: PyAV cannot open the file, or it has no video stream.
    """
    name = os.fsdecode(path)
    try:
        handle = open(os.fsencode(path), "rb")  # noqa: SIM115 - closed by OpenVideo.close
    except OSError as exc:
        raise UnsupportedMediaError(f"{name}: cannot be read ({exc})") from exc
    try:
        container = av.open(handle, "r")
    except _OPEN_ERRORS as exc:
        handle.close()
        raise UnsupportedMediaError(f"{name}: not a video PyAV can open ({exc})") from exc
    if not container.streams.video:
        container.close()
        handle.close()
        raise UnsupportedMediaError(f"{name}: has no video stream")
    return OpenVideo(name, container, container.streams.video[0], handle)


def decoded_frames(video: OpenVideo, skipped: list[str]) -> Iterator[av.VideoFrame]:
    """Every frame of the stream in presentation order; packets that fail are skipped.

    A packet the decoder refuses is left out (as FFmpeg's own tools do) and its reason is
    appended to `skipped`; a container that stops reading ends the stream there, also noted.
    """
    codec = video.stream.codec_context
    packets = video.container.demux(video.stream)
    while True:
        try:
            packet = next(packets, None)
        except (av.FFmpegError, EOFError) as exc:
            log.info("%s: reading stopped early (%s)", video.name, exc)
            skipped.append(f"reading stopped: {exc}")
            packet = None
        if packet is not None and packet.size == 0:
            continue  # the demuxer's own end marker; the decoder is flushed once below
        try:
            frames = codec.decode(packet)
        except (av.FFmpegError, EOFError) as exc:
            log.info("%s: a packet does not decode (%s)", video.name, exc)
            skipped.append(str(exc))
            frames = []
        yield from frames
        if packet is None:
            return
