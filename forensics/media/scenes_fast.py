"""The fast scene scan: keyframes first, then only the stretches between keyframes that differ.

Decoding every frame is the floor of an exact scan. Most of a video's frames are predicted from
a keyframe, so this scan reads the packets once (cheap: no decoding), decodes only the
keyframes (PyAV exposes FFmpeg's `skip_frame`), and asks of each pair of consecutive keyframes
whether they belong to the same shot (`forensics.media.scene_match`: content score, colour
histograms, then ORB features under one homography for a camera that moved). Only a group of
pictures (GOP) whose keyframes are not the same shot, and the last GOP, is decoded frame by
frame by a second decoder and scored exactly; that decoding stops as soon as a frame is the
same shot as the next keyframe (no cut can follow it in the GOP).

Measured and dropped: packet sizes as a trigger (the first frame after a cut is coded mostly
intra, so its packet should stand out). With B-frames the frame after a cut is often a small
B-frame predicted backwards from the new shot, and on the benchmark clips the P-frame after a
cut was 0.3x-2.6x its predecessors while P-frames in moving shots without a cut reached 5x.

The keyframe decoder skips the loop filter (deblocking is a large share of H.264 decoding and
barely moves a keyframe's colour statistics); the GOP decoder keeps it, so the frames it scores
are the exact scan's frames and a score near the threshold falls the same way.

Packets of the current GOP are held in memory until the next keyframe decides whether they are
needed, so the file is read once and never seeked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av

from forensics.errors import CancelledError, UnsupportedMediaError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.media.scene_match import (
    Picture,
    ShotTest,
    histogram_distance,
    match_size,
    same_shot_parameters,
)
from forensics.media.scene_video import (
    OpenVideo,
    Shrinker,
    decoder_name,
    downscaled_size,
    open_video,
)
from forensics.media.scenes import Cut, SceneDetector, SceneScan, make_detector, scan_exact

log = logging.getLogger(__name__)

__all__ = ["histogram_distance", "scan_fast"]

FEATURE_CHECK_EVERY = 8
"""While a GOP is decoded, the feature test against the next keyframe runs on every this many
frames (the content and histogram tests run on every frame)."""


class _NoKeyframesError(Exception):
    """The stream marks no keyframe (intra refresh, or a recording cut mid-GOP)."""


@dataclass
class _Gop:
    key_pts: int
    packets: list[av.Packet[Any]] = field(default_factory=list)
    picture: Picture | None = None


class _FastScan:
    def __init__(
        self,
        path: Path | bytes,
        detector: SceneDetector,
        progress: ProgressFn,
        cancel: CancelToken | None,
    ) -> None:
        self.detector = detector
        self.threshold = float(detector.parameters().get("threshold", 27.0))
        self.progress = progress
        self.cancel = cancel
        self.video = open_video(path)
        self.name = self.video.name
        self.refiner: OpenVideo | None = None
        try:
            self.refiner = open_video(path)
        except UnsupportedMediaError:
            self.video.close()
            raise
        self.stream = self.video.stream
        self.keys = self.stream.codec_context
        self.keys.thread_type = "AUTO"
        self.keys.skip_frame = "NONKEY"
        self.keys.options = {"skip_loop_filter": "all"}
        self.full = self.refiner.stream.codec_context
        self.full.thread_type = "AUTO"
        width, height = self.keys.width or 256, self.keys.height or 144
        self.small = Shrinker(downscaled_size(width, height))
        self.grey = Shrinker(match_size(width, height), "gray", "AREA")
        self.test = ShotTest(detector.distance, self.threshold)
        self.rate = self.video.rate
        self.all_pts: list[int] = []
        self.scores: dict[int, float] = {}
        """Presentation timestamp -> score, for every frame scored exactly."""
        self.decoded = 0
        self.refined = {"differ": 0, "last": 0, "kept": 0}
        """How many GOPs were decoded, and why (reported in the scan's notes)."""

    def close(self) -> None:
        for video in (self.video, self.refiner):
            if video is not None:
                video.close()

    def _cancelled(self) -> None:
        if self.cancel is not None and self.cancel.cancelled:
            raise CancelledError("scene detection cancelled")

    # decoding -------------------------------------------------------------------------
    def _picture(self, frame: av.VideoFrame, *, grey: bool) -> Picture:
        self.decoded += 1
        return Picture(self.small(frame), self.grey(frame) if grey else None)

    def _keyframes(self, packet: av.Packet[Any] | None) -> Iterator[tuple[int, Picture]]:
        try:
            for frame in self.keys.decode(packet):
                if frame.pts is not None:
                    yield frame.pts, self._picture(frame, grey=True)
        except av.FFmpegError as exc:
            log.info("%s: a keyframe does not decode (%s)", self.name, exc)

    # the scan --------------------------------------------------------------------------
    def run(self) -> SceneScan:
        total = self.stream.frames or 0
        pending: list[_Gop] = []
        by_pts: dict[int, _Gop] = {}
        try:
            for packet in self.video.container.demux(self.stream):
                if packet.pts is None or packet.size == 0:
                    continue
                self.all_pts.append(packet.pts)
                if packet.is_keyframe:
                    self._cancelled()
                    gop = _Gop(packet.pts, [packet])
                    pending.append(gop)
                    by_pts[packet.pts] = gop
                    for pts, picture in self._keyframes(packet):
                        if pts in by_pts:
                            by_pts.pop(pts).picture = picture
                    self._settle(pending, final=False)
                    self.progress(len(self.all_pts), total, f"frame {len(self.all_pts)}")
                elif pending:
                    pending[-1].packets.append(packet)
        except (av.FFmpegError, EOFError) as exc:
            log.warning("%s: reading stopped early (%s)", self.name, exc)
        for pts, picture in self._keyframes(None):
            if pts in by_pts:
                by_pts.pop(pts).picture = picture
        if self.all_pts and not pending and not any(self.refined.values()):
            raise _NoKeyframesError  # packets, but not one keyframe among them
        self._settle(pending, final=True)
        return self._result()

    def _settle(self, pending: list[_Gop], *, final: bool) -> None:
        """Decide every GOP whose own and next keyframe pictures are known."""
        while (
            len(pending) >= 2 and pending[0].picture is not None and pending[1].picture is not None
        ):
            gop = pending.pop(0)
            self._decide(gop, pending[0])
        if final:
            while pending:
                gop = pending.pop(0)
                self._decide(gop, pending[0] if pending else None)

    def _decide(self, gop: _Gop, nxt: _Gop | None) -> None:
        if gop.picture is None:
            return
        if nxt is None:
            # The last GOP has no keyframe after it to compare with: it is always decoded.
            reason = "last"
        elif nxt.picture is not None and self.test.same_shot(gop.picture, nxt.picture):
            reason = "kept"
        else:
            reason = "differ"
        self.refined[reason] += 1
        if reason != "kept":
            self._refine(gop, nxt)

    def _gop_frames(self, gop: _Gop, end: int | None) -> Iterator[tuple[int, av.VideoFrame]]:
        """The GOP's frames with their timestamps in presentation order, from its keyframe
        to before `end`."""
        self.full.flush_buffers()
        try:
            for packet in [*gop.packets, None]:
                for frame in self.full.decode(packet):
                    if frame.pts is None or frame.pts < gop.key_pts:
                        continue  # a leading frame of an open GOP
                    if end is not None and frame.pts >= end:
                        continue
                    yield frame.pts, frame
        except av.FFmpegError as exc:
            log.info("%s: a GOP does not decode fully (%s)", self.name, exc)

    def _refine(self, gop: _Gop, nxt: _Gop | None) -> None:
        """Score one GOP's frames; stop at the first frame that is the next keyframe's shot.

        Before a cut is found only the strict test (pixels alike) may stop the decoding: a
        frame of the old shot can have the new shot's colours when the two shots are alike,
        and stopping there would lose the cut. After a cut, the colour and feature tests may
        stop it too, as they decide whole GOPs.
        """
        self._cancelled()
        target = nxt.picture if nxt is not None else None
        end = nxt.key_pts if nxt is not None else None
        previous: Picture | None = None
        cut_found = False
        for n, (pts, frame) in enumerate(self._gop_frames(gop, end)):
            check_features = cut_found and n % FEATURE_CHECK_EVERY == 0
            picture = self._picture(frame, grey=check_features and target is not None)
            if previous is not None:
                score = self.detector.distance(previous.small, picture.small)
                self.scores[pts] = score
                cut_found = cut_found or score >= self.threshold
            previous = picture
            if (
                target is not None
                and n > 0
                and self.test.same_shot(
                    picture, target, use_histogram=cut_found, use_features=check_features
                )
            ):
                return  # no cut between this frame and the next keyframe
        if previous is not None and nxt is not None and target is not None:
            self.scores[nxt.key_pts] = self.detector.distance(previous.small, target.small)

    def _result(self) -> SceneScan:
        if not self.all_pts or self.decoded == 0:
            raise UnsupportedMediaError(
                f"{self.name}: the file opens as a video but no frame decodes"
            )
        ordered = sorted(self.all_pts)
        index = {pts: i for i, pts in enumerate(ordered)}
        seconds = self.video.seconds
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
        gops = sum(self.refined.values())
        return SceneScan(
            "fast",
            self.detector.name,
            self.detector.version,
            {
                **self.detector.parameters(),
                "decoder": decoder_name(),
                "same_shot": same_shot_parameters(),
            },
            cuts,
            len(ordered),
            duration,
            self.rate,
            self.decoded,
            seconds(ordered[0]),
            notes=(
                f"{self.refined['differ'] + self.refined['last']} of {gops} GOPs decoded "
                f"({self.refined['differ']} whose keyframes differ, {self.refined['last']} last)",
                "same-shot tests: " + ", ".join(f"{k} {v}" for k, v in self.test.counts.items()),
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

    A stream that marks no keyframe at all (intra refresh) has nothing to skip by: it gets
    the exact scan, and the result says so (its mode is "exact").

    Raises:
        UnsupportedMediaError: the file is not a video PyAV can read, or no frame decodes.
        CancelledError: the token was cancelled.
    """
    detector = detector or make_detector()
    scan = _FastScan(path, detector, progress, cancel)
    try:
        return scan.run()
    except _NoKeyframesError:
        log.info("%s: no keyframes; scanning every frame", scan.name)
    finally:
        scan.close()
    return scan_exact(path, detector, progress=progress, cancel=cancel)
