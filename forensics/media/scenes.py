"""Scene-cut detection: detectors behind a small interface, and the exact (every frame) scan.

The detectors follow PySceneDetect's `SceneDetector` shape (`process_frame(frame_num, image)`
returning cut frame numbers) and its `ContentDetector` defaults (HSV mean absolute delta,
threshold 27, minimum scene length 15 frames), so our cuts can be checked against its published
goldens. Frames are compared downscaled to about 256 pixels across, as PySceneDetect does.

Frame numbers fed to a detector are the frame's presentation time times the stream's nominal
rate (PySceneDetect's PyAV numbering), so variable-frame-rate clips give the same cuts as the
goldens; each cut is reported with the real decoded-frame index and its presentation time.

The exact scan decodes each frame once with PyAV (FFmpeg's threads decode ahead on every core)
and has swscale convert and shrink it in one pass to the comparison size, instead of building a
full-size BGR image first as OpenCV's `read()` does (`forensics.media.scene_video`); see
`forensics.media.scenes_fast` for the keyframe-first scan.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
import numpy.typing as npt

from forensics.errors import CancelledError, UnsupportedMediaError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.media.scene_video import (
    TARGET_WIDTH,
    Shrinker,
    decoded_frames,
    decoder_name,
    downscaled_size,
    open_video,
)

log = logging.getLogger(__name__)

Image = npt.NDArray[np.uint8]


class SceneDetector(Protocol):
    """A scene detector: fed downscaled BGR frames in order, it reports cuts."""

    name: str
    version: str

    def parameters(self) -> dict[str, Any]:
        """The settings that decide its output (stored with every scene record)."""

    def score(self, image: Image) -> float:
        """How different this frame is from the previous one (0.0 for the first)."""

    def distance(self, a: Image, b: Image) -> float:
        """The same score between any two frames, leaving the running state alone."""

    def process_frame(self, frame_num: int, image: Image) -> list[int]:
        """Feed the next frame; returns the frame numbers of cuts now known."""

    def feed(self, frame_num: int, score: float) -> list[int]:
        """Feed a score computed elsewhere (a scan that skips frames) for the next frame."""

    def post_process(self, frame_num: int) -> list[int]:
        """Cuts still held back at the end of the video."""


class FlashFilter:
    """PySceneDetect's minimum-scene-length filter in its default MERGE mode.

    Cuts closer than `length` frames to the previous one are merged into one; the cut emitted
    is the last frame above the threshold once the run ends.
    """

    def __init__(self, length: int) -> None:
        self.length = length
        self._last_above: int | None = None
        self._merge_enabled = False
        self._merge_triggered = False
        self._merge_start = 0

    def filter(self, frame_num: int, above: bool) -> list[int]:
        """Feed one frame's verdict; returns the cuts it releases."""
        if self.length <= 0:
            return [frame_num] if above else []
        if self._last_above is None:
            self._last_above = frame_num
        length_met = frame_num - self._last_above >= self.length
        if above:
            self._last_above = frame_num
        if self._merge_triggered:
            if length_met and not above and self._last_above - self._merge_start >= self.length:
                self._merge_triggered = False
                return [self._last_above]
            return []
        if not above:
            return []
        if length_met:
            self._merge_enabled = True
            return [frame_num]
        if self._merge_enabled:
            self._merge_triggered = True
            self._merge_start = frame_num
        return []


class ContentDetector:
    """Cuts where the mean HSV difference to the previous frame reaches a threshold."""

    name = "content"
    version = "1"

    def __init__(self, threshold: float = 27.0, min_scene_len: int = 15) -> None:
        self.threshold = threshold
        self.min_scene_len = min_scene_len
        self._last: Image | None = None
        self._filter = FlashFilter(min_scene_len)

    def parameters(self) -> dict[str, Any]:
        """Threshold and minimum scene length (frames), PySceneDetect's defaults."""
        return {
            "threshold": self.threshold,
            "min_scene_len": self.min_scene_len,
            "weights": [1.0, 1.0, 1.0, 0.0],
            "target_width": TARGET_WIDTH,
        }

    def score(self, image: Image) -> float:
        """Mean over H, S and V of the mean absolute difference to the previous frame."""
        hsv = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2HSV), np.uint8)
        last, self._last = self._last, hsv
        if last is None or last.shape != hsv.shape:
            return 0.0
        means = cv2.mean(cv2.absdiff(hsv, last))
        return float(means[0] + means[1] + means[2]) / 3.0

    def distance(self, a: Image, b: Image) -> float:
        """The same score between two frames, without touching the running state."""
        ha = cv2.cvtColor(a, cv2.COLOR_BGR2HSV)
        hb = cv2.cvtColor(b, cv2.COLOR_BGR2HSV)
        if ha.shape != hb.shape:
            return 255.0
        means = cv2.mean(cv2.absdiff(ha, hb))
        return float(means[0] + means[1] + means[2]) / 3.0

    def process_frame(self, frame_num: int, image: Image) -> list[int]:
        """Score the frame and pass the verdict through the minimum-length filter."""
        return self.feed(frame_num, self.score(image))

    def feed(self, frame_num: int, score: float) -> list[int]:
        """Pass an already computed score through the minimum-length filter."""
        return self._filter.filter(frame_num, score >= self.threshold)

    def post_process(self, frame_num: int) -> list[int]:
        """Nothing is held back by the MERGE filter at the end."""
        return []


DetectorFactory = Callable[..., SceneDetector]


def _registry(*entries: tuple[str, DetectorFactory]) -> dict[str, DetectorFactory]:
    out: dict[str, DetectorFactory] = {}
    for name, factory in entries:
        if name in out:
            raise RuntimeError(f"duplicate scene detector {name}")
        out[name] = factory
    return out


DETECTORS: dict[str, DetectorFactory] = _registry(("content", ContentDetector))
"""Scene detectors by name (an explicit list; a duplicate name is refused)."""


def make_detector(name: str = "content", **parameters: Any) -> SceneDetector:
    """A new detector by its registered name.

    Raises:
        ValueError: no detector has this name.
    """
    try:
        factory = DETECTORS[name]
    except KeyError:
        raise ValueError(f"no scene detector named {name!r}") from None
    return factory(**parameters)


@dataclass(frozen=True)
class Cut:
    """The first frame of a new scene."""

    frame_index: int
    """Index of the decoded frame, in presentation order."""
    pts: float
    """Its presentation time, seconds from the stream's start."""
    frame_num: int
    """Its number at the nominal rate (what PySceneDetect reports)."""


@dataclass(frozen=True)
class Scene:
    """A run of frames between two cuts (end exclusive)."""

    index: int
    start_frame: int
    end_frame: int
    start_time: float
    end_time: float


@dataclass(frozen=True)
class SceneScan:
    """What one scan of a video found."""

    mode: str
    detector: str
    detector_version: str
    parameters: dict[str, Any]
    cuts: tuple[Cut, ...]
    frame_count: int
    duration: float
    nominal_rate: float
    frames_decoded: int
    first_pts: float = 0.0
    notes: tuple[str, ...] = field(default=())

    @property
    def scenes(self) -> tuple[Scene, ...]:
        """The scenes the cuts delimit, the first starting at the first frame."""
        starts = [(0, self.first_pts), *((c.frame_index, c.pts) for c in self.cuts)]
        ends = [*((c.frame_index, c.pts) for c in self.cuts), (self.frame_count, self.duration)]
        return tuple(
            Scene(i, s[0], e[0], s[1], e[1])
            for i, (s, e) in enumerate(zip(starts, ends, strict=True))
        )


def scan_exact(
    path: Path | bytes,
    detector: SceneDetector | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> SceneScan:
    """Score every frame of a video once and return the cuts.

    A packet that does not decode is skipped (FFmpeg's own tools do the same) and counted in
    the scan's notes, so one damaged frame does not cost the whole scan.

    Raises:
        UnsupportedMediaError: PyAV cannot open the file, or no frame decodes.
        CancelledError: the token was cancelled.
    """
    detector = detector or make_detector()
    with open_video(path) as video:
        codec = video.stream.codec_context
        # FFmpeg's frame and slice threads decode ahead on every core while this thread
        # shrinks and scores; a Python decoding thread only adds GIL hand-overs.
        codec.thread_type = "AUTO"
        total = video.stream.frames or 0
        rate = video.rate
        shrink = Shrinker(downscaled_size(codec.width or 256, codec.height or 144))
        frames: dict[int, tuple[int, float]] = {}
        cut_nums: list[int] = []
        count = 0
        first_pts = last_pts = 0.0
        skipped: list[str] = []
        for frame in decoded_frames(video, skipped):
            if cancel is not None and cancel.cancelled:
                raise CancelledError("scene detection cancelled")
            pts = (
                video.seconds(frame.pts)
                if frame.pts is not None
                else last_pts + (1.0 / rate if count else 0.0)
            )
            if count == 0:
                first_pts = pts
            frame_num = round(pts * rate)
            frames[frame_num] = (count, pts)
            cut_nums += detector.process_frame(frame_num, shrink(frame))
            count += 1
            last_pts = pts
            if count % 25 == 0:
                progress(count, total, f"frame {count}")
    if count == 0:
        raise UnsupportedMediaError(
            f"{_name(path)}: the file opens as a video but no frame decodes"
        )
    cut_nums += detector.post_process(round(last_pts * rate))
    progress(count, count, "done")
    cuts = tuple(Cut(frames[n][0], frames[n][1], n) for n in cut_nums if n in frames)
    duration = last_pts + 1.0 / rate
    notes = (f"{len(skipped)} packets did not decode and were skipped",) if skipped else ()
    return SceneScan(
        "exact",
        detector.name,
        detector.version,
        {**detector.parameters(), "decoder": decoder_name()},
        cuts,
        count,
        duration,
        rate,
        count,
        first_pts,
        notes,
    )


def _name(path: Path | bytes) -> str:
    return os.fsdecode(path)
