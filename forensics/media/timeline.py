"""Every frame's presentation time, read from the container's packets without decoding.

OpenCV numbers frames from timestamps and the average rate, which is wrong for
variable-frame-rate video; the container's packets carry each frame's exact time, and PyAV
lists them at the speed of reading the file. Times are seconds from the video stream's start
time, the same origin OpenCV uses for `CAP_PROP_POS_MSEC`.
"""

from __future__ import annotations

import bisect
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import av

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timeline:
    """The frames of one video stream in presentation order."""

    times: tuple[float, ...]
    """Presentation time of each frame, seconds from the stream's start, ascending."""
    keyframes: tuple[int, ...]
    """Indices of the frames the container marks as keyframes."""
    nominal_rate: float
    """Frames per second as the stream declares it (PySceneDetect numbers VFR frames by it)."""

    def index_of(self, seconds: float) -> int:
        """The index of the frame whose time is nearest to `seconds`."""
        times = self.times
        i = bisect.bisect_left(times, seconds)
        if i == 0:
            return 0
        if i >= len(times):
            return len(times) - 1
        return i if times[i] - seconds < seconds - times[i - 1] else i - 1

    def index_at(self, seconds: float) -> int:
        """The index of the frame on screen at `seconds` (the last one shown at or before)."""
        return max(0, bisect.bisect_right(self.times, seconds + 1e-6) - 1)


def nominal_rate(stream: av.video.stream.VideoStream) -> float:
    """The rate a stream declares: guessed, else average, else 0."""
    for rate in (stream.guessed_rate, stream.average_rate, stream.base_rate):
        if rate:
            return float(rate)
    return 0.0


def read_timeline(path: Path | bytes | str) -> Timeline | None:
    """List the frames of the first video stream from its packets, or None when unreadable.

    A damaged or unusual container is not an error here: the caller falls back to what the
    decoder itself reports, so failures are logged, not raised.
    """
    name = os.fsdecode(path)
    try:
        with open(os.fsencode(path), "rb") as fh, av.open(fh, "r") as container:
            if not container.streams.video:
                return None
            stream = container.streams.video[0]
            base = stream.time_base
            if base is None:
                return None
            start = stream.start_time or 0
            entries: list[tuple[int, bool]] = []
            for packet in container.demux(stream):
                if packet.pts is None or packet.size == 0:
                    continue
                entries.append((packet.pts, packet.is_keyframe))
            rate = nominal_rate(stream)
    except (av.FFmpegError, OSError, EOFError, ValueError) as exc:
        log.info("%s: no frame index from the container (%s)", name, exc)
        return None
    if not entries:
        return None
    entries.sort()
    times = tuple(float((pts - start) * base) for pts, _ in entries)
    keys = tuple(i for i, (_, key) in enumerate(entries) if key)
    return Timeline(times, keys, rate)
