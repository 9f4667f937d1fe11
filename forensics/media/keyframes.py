"""Small pictures to jump by: the first frame of each scene, topped up with evenly spaced
frames so even a one-shot clip gets a useful strip.

Scene starts come from the fast scene scan (keyframes, and only the GOPs whose keyframes are
not one shot: a few percent of the decoding on long moving shots), which is quick enough for a
strip built every time a video is shown; a very long clip gets evenly spaced frames only (the
exact scan is its own, explicit job).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from forensics.errors import UnsupportedMediaError, WorkbenchError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.media.video_reader import RGBArray, VideoReader

SCAN_LIMIT = 18000
"""Clips with more frames than this (10 minutes at 30 fps) are not scanned for scenes when
building a strip."""


@dataclass(frozen=True)
class KeyFrame:
    """One picture of the strip."""

    index: int
    pts: float
    scene_start: bool
    """True when a scene starts here (False for a filler frame)."""
    rgb: RGBArray
    """Downscaled to the strip's height."""


def scene_starts(path: Path, frame_count: int, cancel: CancelToken) -> list[int]:
    """Indices of the first frame of each scene ([0] when the scan is skipped or fails)."""
    if frame_count > SCAN_LIMIT:
        return [0]
    try:
        from forensics.media.scenes_fast import scan_fast
    except ImportError:
        return [0]
    try:
        scan = scan_fast(path, cancel=cancel)
    except WorkbenchError:
        if cancel.cancelled:
            raise
        return [0]
    return [0, *(c.frame_index for c in scan.cuts)]


def plan(frame_count: int, starts: list[int], count: int) -> list[tuple[int, bool]]:
    """The frames of a strip of about `count` pictures: every scene start, plus evenly
    spaced frames where the scenes leave gaps."""
    chosen = {i: True for i in starts if 0 <= i < max(frame_count, 1)}
    if frame_count > 0 and len(chosen) < count:
        step = frame_count / count
        for k in range(count):
            index = min(frame_count - 1, int(k * step))
            chosen.setdefault(index, False)
    return sorted(chosen.items())


def strip_frames(
    path: Path,
    *,
    count: int = 12,
    height: int = 72,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> list[KeyFrame]:
    """Decode the strip's frames, downscaled to `height` pixels.

    Raises:
        UnsupportedMediaError: the video cannot be opened.
        CancelledError: the token was cancelled.
    """
    cancel = cancel or CancelToken()
    with VideoReader(path) as reader:
        total = reader.info.frame_count
    progress(0, 0, "finding scenes")
    starts = scene_starts(path, total, cancel)
    frames = plan(total, starts, count)
    out: list[KeyFrame] = []
    with VideoReader(path) as reader:
        for n, (index, is_start) in enumerate(frames):
            cancel.raise_if_cancelled()
            progress(n, len(frames), f"frame {index}")
            try:
                frame = reader.read(index)
            except UnsupportedMediaError:
                continue
            width = max(1, round(frame.width * height / max(1, frame.height)))
            small = cv2.resize(frame.rgb, (width, height), interpolation=cv2.INTER_AREA)
            out.append(KeyFrame(index, frame.pts, is_start, np.ascontiguousarray(small)))
    progress(len(frames), len(frames), "done")
    return out
