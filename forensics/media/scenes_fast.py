"""The fast scene scan: keyframes first, then only the stretches between keyframes that differ.

Decoding every frame is the floor of an exact scan. Most of a video's frames are predicted from
a keyframe and look like it, so this scan reads the packets once (cheap: no decoding), decodes
only the keyframes (PyAV exposes FFmpeg's `skip_frame`), and compares each keyframe with the
next with the detector's own score. Only a group of pictures (GOP) whose bounding keyframes
differ (by half the cut threshold, and in their colour histograms), and the last GOP, are
decoded fully by a second decoder, frame by frame, and scored exactly; it stops as soon as a
cut is found whose frame already looks like the next keyframe. (Packet sizes were tried as a
second trigger, for a short scene wholly inside one GOP: with B-frames and fast motion,
predicted packets as large as keyframes are common, so it decoded nearly everything; the
keyframe test alone finds every exact-scan cut on the corpus and on the benchmark clip.)

The keyframe decoder skips the loop filter (deblocking is a large share of H.264 decoding and
barely moves a keyframe's colour statistics); the GOP decoder keeps it, so the frames it scores
are the exact scan's frames and a score near the threshold falls the same way.

Packets of the current GOP are held in memory until the next keyframe decides whether they are
needed, so the file is read once and never seeked.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
import numpy.typing as npt
from av.video.reformatter import VideoReformatter

from forensics.errors import CancelledError, UnsupportedMediaError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.media.scene_video import downscaled_size
from forensics.media.scenes import (
    Cut,
    Image,
    SceneDetector,
    SceneScan,
    make_detector,
)
from forensics.media.timeline import nominal_rate

log = logging.getLogger(__name__)

REFINE_RATIO = 0.5
"""A GOP is decoded fully when its keyframes differ by this share of the cut threshold..."""
HISTOGRAM_TRIGGER = 0.3
"""...and their HSV histograms by this much (mean L1 over H, S, V; 0 same, 2 disjoint).
Camera motion moves pixels but keeps the colour distribution; a cut changes both. On the
benchmark clip every GOP holding a cut scored >= 0.4, steady pans and zooms 0.01-0.33."""
_BINS = 16


def _histograms(image: Image) -> list[npt.NDArray[np.float32]]:
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    out = []
    for channel, top in ((0, 180), (1, 256), (2, 256)):
        h = cv2.calcHist([hsv], [channel], None, [_BINS], [0, top]).ravel()
        out.append(np.asarray(h / max(1.0, float(h.sum())), np.float32))
    return out


def histogram_distance(a: Image, b: Image) -> float:
    """Mean L1 distance of the H, S and V histograms of two frames (0 to 2)."""
    pairs = zip(_histograms(a), _histograms(b), strict=True)
    return float(sum(float(np.abs(x - y).sum()) for x, y in pairs)) / 3.0


@dataclass
class _Gop:
    key_pts: int
    packets: list[av.Packet[Any]] = field(default_factory=list)
    image: Image | None = None


class _FastScan:
    def __init__(
        self,
        path: Path | bytes,
        detector: SceneDetector,
        progress: ProgressFn,
        cancel: CancelToken | None,
    ) -> None:
        self.name = os.fsdecode(path)
        self.detector = detector
        self.threshold = float(detector.parameters().get("threshold", 27.0))
        self.progress = progress
        self.cancel = cancel
        self._fh = open(os.fsencode(path), "rb")  # noqa: SIM115 - closed in close()
        self._fh2 = open(os.fsencode(path), "rb")  # noqa: SIM115 - closed in close()
        self.container: av.container.InputContainer | None = None
        self.refiner: av.container.InputContainer | None = None
        try:
            self.container = av.open(self._fh, "r")
            self.refiner = av.open(self._fh2, "r")
        except (av.FFmpegError, OSError, EOFError, ValueError) as exc:
            self.close()
            raise UnsupportedMediaError(f"{self.name}: not a video PyAV can open ({exc})") from exc
        if not self.container.streams.video:
            self.close()
            raise UnsupportedMediaError(f"{self.name}: has no video stream")
        self.stream = self.container.streams.video[0]
        self.keys = self.stream.codec_context
        self.keys.thread_type = "AUTO"
        self.keys.skip_frame = "NONKEY"
        self.keys.options = {"skip_loop_filter": "all"}
        self.full = self.refiner.streams.video[0].codec_context
        self.full.thread_type = "AUTO"
        self.size = downscaled_size(self.keys.width or 256, self.keys.height or 144)
        self.time_base = self.stream.time_base or Fraction(1, 90000)
        self.start = self.stream.start_time or 0
        self.rate = nominal_rate(self.stream) or 30.0
        self.all_pts: list[int] = []
        self.scores: dict[int, float] = {}
        """Presentation timestamp -> score, for every frame scored exactly."""
        self.decoded = 0
        self._scaler = VideoReformatter()
        """One scaler for every frame: a frame's own `reformat` rebuilds it each call."""
        self.refined = {"differ": 0, "last": 0, "kept": 0}
        """How many GOPs were decoded fully, and why (reported in the scan's notes)."""

    def close(self) -> None:
        for c in (self.container, self.refiner):
            if c is not None:
                c.close()
        self._fh.close()
        self._fh2.close()

    # decoding -------------------------------------------------------------------------
    def _small(self, frame: av.VideoFrame) -> Image:
        self.decoded += 1
        w, h = self.size
        # Point sampling is what OpenCV's INTER_LINEAR amounts to at these ratios (it reads
        # 2x2 neighbours, no wider); scores stay within a few tenths of the exact scan's.
        small = self._scaler.reformat(
            frame, width=w, height=h, format="bgr24", interpolation="POINT"
        )
        array = small.to_ndarray()
        return np.asarray(array, np.uint8)

    def _keyframes(self, packet: av.Packet[Any] | None) -> Iterator[tuple[int, Image]]:
        try:
            for frame in self.keys.decode(packet):
                if frame.pts is not None:
                    yield frame.pts, self._small(frame)
        except av.FFmpegError as exc:
            log.info("%s: a keyframe does not decode (%s)", self.name, exc)

    # the scan --------------------------------------------------------------------------
    def run(self) -> SceneScan:
        total = self.stream.frames or 0
        pending: list[_Gop] = []
        by_pts: dict[int, _Gop] = {}
        try:
            for packet in self.container.demux(self.stream):  # type: ignore[union-attr]
                if packet.pts is None or packet.size == 0:
                    continue
                self.all_pts.append(packet.pts)
                if packet.is_keyframe:
                    if self.cancel is not None and self.cancel.cancelled:
                        raise CancelledError("scene detection cancelled")
                    gop = _Gop(packet.pts, [packet])
                    pending.append(gop)
                    by_pts[packet.pts] = gop
                    for pts, image in self._keyframes(packet):
                        if pts in by_pts:
                            by_pts.pop(pts).image = image
                    self._settle(pending, final=False)
                    self.progress(len(self.all_pts), total, f"frame {len(self.all_pts)}")
                elif pending:
                    pending[-1].packets.append(packet)
        except (av.FFmpegError, EOFError) as exc:
            log.warning("%s: reading stopped early (%s)", self.name, exc)
        for pts, image in self._keyframes(None):
            if pts in by_pts:
                by_pts.pop(pts).image = image
        self._settle(pending, final=True)
        return self._result()

    def _settle(self, pending: list[_Gop], *, final: bool) -> None:
        """Decide every GOP whose own and next keyframe images are known."""
        while len(pending) >= 2 and pending[0].image is not None and pending[1].image is not None:
            gop = pending.pop(0)
            self._decide(gop, pending[0])
        if final:
            while pending:
                gop = pending.pop(0)
                self._decide(gop, pending[0] if pending else None)

    def _decide(self, gop: _Gop, nxt: _Gop | None) -> None:
        if gop.image is None:
            return
        differ = (
            nxt is not None
            and nxt.image is not None
            and self.detector.distance(gop.image, nxt.image) >= REFINE_RATIO * self.threshold
            and histogram_distance(gop.image, nxt.image) >= HISTOGRAM_TRIGGER
        )
        # The last GOP has no keyframe after it to compare with: it is always decoded.
        reason = "differ" if differ else "last" if nxt is None else "kept"
        self.refined[reason] += 1
        if reason != "kept":
            self._refine(gop, nxt)

    def _refine(self, gop: _Gop, nxt: _Gop | None) -> None:
        """Decode one GOP fully and score its frames; stop once a cut settles the GOP."""
        if self.cancel is not None and self.cancel.cancelled:
            raise CancelledError("scene detection cancelled")
        end = nxt.key_pts if nxt is not None else None
        previous: Image | None = None
        cut_found = False
        self.full.flush_buffers()
        try:
            for packet in [*gop.packets, None]:
                for frame in self.full.decode(packet):
                    if frame.pts is None or frame.pts < gop.key_pts:
                        continue  # a leading frame of an open GOP
                    if end is not None and frame.pts >= end:
                        continue
                    image = self._small(frame)
                    if previous is not None:
                        score = self.detector.distance(previous, image)
                        self.scores[frame.pts] = score
                        if score >= self.threshold:
                            cut_found = True
                    previous = image
                    if (
                        cut_found
                        and nxt is not None
                        and nxt.image is not None
                        and self.detector.distance(image, nxt.image) < self.threshold
                    ):
                        return  # the rest of the GOP already looks like the next keyframe
        except av.FFmpegError as exc:
            log.info("%s: a GOP does not decode fully (%s)", self.name, exc)
        if previous is not None and nxt is not None and nxt.image is not None:
            self.scores[nxt.key_pts] = self.detector.distance(previous, nxt.image)

    def _result(self) -> SceneScan:
        if not self.all_pts or self.decoded == 0:
            raise UnsupportedMediaError(
                f"{self.name}: the file opens as a video but no frame decodes"
            )
        ordered = sorted(self.all_pts)
        index = {pts: i for i, pts in enumerate(ordered)}
        base = float(self.time_base)

        def seconds(pts: int) -> float:
            return float(pts - self.start) * base

        cut_pts: list[int] = []
        by_num: dict[int, int] = {}
        # The exact scan feeds the first frame (score 0) first; so must this one, or a cut
        # within the minimum length of the first scored frame would be merged away.
        self.detector.feed(round(seconds(ordered[0]) * self.rate), 0.0)
        for pts in sorted(self.scores):
            num = round(seconds(pts) * self.rate)
            by_num[num] = pts
            for cut in self.detector.feed(num, self.scores[pts]):
                cut_pts.append(by_num[cut])
        cuts = tuple(
            Cut(index[p], seconds(p), round(seconds(p) * self.rate)) for p in cut_pts if p in index
        )
        duration = seconds(ordered[-1]) + 1.0 / self.rate
        self.progress(len(ordered), len(ordered), "done")
        return SceneScan(
            "fast",
            self.detector.name,
            self.detector.version,
            self.detector.parameters(),
            cuts,
            len(ordered),
            duration,
            self.rate,
            self.decoded,
            seconds(ordered[0]),
            notes=(
                f"{self.refined['differ'] + self.refined['last']} of {sum(self.refined.values())}"
                f" GOPs decoded fully ({self.refined['differ']} whose keyframes differ, "
                f"{self.refined['last']} last)",
            ),
        )


def scan_fast(
    path: Path | bytes,
    detector: SceneDetector | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> SceneScan:
    """Find cuts decoding keyframes and only the GOPs that change.

    Raises:
        UnsupportedMediaError: the file is not a video PyAV can read, or no frame decodes.
        CancelledError: the token was cancelled.
    """
    scan = _FastScan(path, detector or make_detector(), progress, cancel)
    try:
        return scan.run()
    finally:
        scan.close()
