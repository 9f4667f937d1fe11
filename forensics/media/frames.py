"""Frames out of recovered video: one on demand, or the first frame of every scene.

Each frame is decoded by `VideoReader` (the decoder of record), written as a PNG into the
case's derived store (content-addressed) and recorded with the media's sha256, its index and
presentation time and the sha256 of its decoded pixels, so an annotation made on it can be
found again on any machine. Every extraction is one run in the custody log; a file that
cannot be read is a recorded failed run naming the file and the reason, then an error.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import cv2

from forensics.case import Case
from forensics.errors import UnsupportedMediaError, ValidationError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.media.frame_png import frame_png_path, store_frame, thumbnail_png
from forensics.media.frame_runs import (
    commit_run,
    decode_frame,
    frame_source,
    new_run,
    open_video,
    record_failure,
)
from forensics.media.scenes import SceneScan, make_detector, scan_exact
from forensics.media.scenes_fast import scan_fast
from forensics.store.db import utc_now
from forensics.store.frames import FrameKind, FrameRecord, FrameRepository, SceneRecord

log = logging.getLogger(__name__)

MODES = ("exact", "fast")

__all__ = [
    "FrameRecord",
    "SceneRecord",
    "extract_frame",
    "extract_scene_frames",
    "scene_thumbnails",
]


def extract_frame(
    case: Case,
    item_id: str,
    *,
    index: int | None = None,
    seconds: float | None = None,
    actor: str | None = None,
) -> FrameRecord:
    """Extract one frame by index, or the frame on screen at a time, as a PNG.

    A frame already extracted from this item is returned as recorded (same pixels, same
    record); nothing new is logged.

    Raises:
        ValidationError: neither or both of index and seconds, or out of range.
        UnsupportedMediaError: the item is not a decodable video (recorded as a failed run).
    """
    if (index is None) == (seconds is None):
        raise ValidationError("give exactly one of a frame index or a time in seconds")
    if (index is not None and index < 0) or (seconds is not None and not seconds >= 0):
        raise ValidationError("frame index and time must not be negative")
    actor = case.actor(actor)
    repo = FrameRepository(case.db)
    media = frame_source(case, item_id)
    if index is not None and (known := repo.frame_at(media.item.id, index)) is not None:
        return known
    with open_video(case, media, "frame", actor) as reader:
        if index is None:
            assert seconds is not None
            index = reader.index_at(seconds)
            if (known := repo.frame_at(media.item.id, index)) is not None:
                return known
        if reader.timeline is not None and index >= len(reader.timeline.times):
            raise ValidationError(
                f"{media.label}: frame {index} is past the end "
                f"({len(reader.timeline.times)} frames)"
            )
        decoded = decode_frame(case, media, reader, index, "frame", actor)
    now = utc_now()
    run = new_run(media, "frame", actor, now)
    frame = store_frame(case, media, decoded, FrameKind.FRAME, run.id, actor, now)
    commit_run(
        case,
        run,
        [frame],
        [],
        actor,
        {"frame_index": frame.frame_index, "requested_seconds": seconds},
    )
    return frame


def _scan(path: Path, mode: str, progress: ProgressFn, cancel: CancelToken | None) -> SceneScan:
    detector = make_detector()
    if mode == "fast":
        return scan_fast(path, detector, progress=progress, cancel=cancel)
    return scan_exact(path, detector, progress=progress, cancel=cancel)


def extract_scene_frames(
    case: Case,
    item_id: str,
    *,
    mode: str = "exact",
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    actor: str | None = None,
) -> list[FrameRecord]:
    """Find the scenes of a video and extract the first frame of each as a PNG.

    Args:
        case: the open case.
        item_id: the video item.
        mode: "exact" decodes every frame; "fast" decodes keyframes and only the stretches
            between keyframes that differ.
        progress: called with (frames scanned, total, message).
        cancel: stops the scan; nothing is recorded then.
        actor: who runs it (default: the case's examiner).

    Returns:
        The scene-start frame records, in order (the first scene starts at frame 0).

    Raises:
        ValidationError: an unknown mode.
        UnsupportedMediaError: the item is not a decodable video (recorded as a failed run).
        CancelledError: the token was cancelled.
    """
    if mode not in MODES:
        raise ValidationError(f"mode must be one of {', '.join(MODES)}")
    actor = case.actor(actor)
    repo = FrameRepository(case.db)
    media = frame_source(case, item_id)
    with open_video(case, media, "scenes", actor, mode) as reader:
        try:
            scan = _scan(media.path, mode, progress, cancel)
        except UnsupportedMediaError as exc:
            reason = str(exc).replace(str(media.path), media.label)
            raise record_failure(
                case, media, "scenes", actor, UnsupportedMediaError(reason), mode
            ) from exc
        now = utc_now()
        run = new_run(media, "scenes", actor, now, scan=scan)
        starts: list[FrameRecord] = []
        new: list[FrameRecord] = []
        for n, scene in enumerate(scan.scenes):
            if cancel is not None:
                cancel.raise_if_cancelled()
            progress(n, len(scan.scenes), f"saving scene {n + 1}")
            index = scene.start_frame
            if reader.timeline is not None and n > 0:
                index = reader.timeline.index_of(scene.start_time)
            known = repo.frame_at(media.item.id, index) or next(
                (f for f in new if f.frame_index == index), None
            )
            if known is None:
                decoded = decode_frame(case, media, reader, index, "scenes", actor, mode)
                known = store_frame(case, media, decoded, FrameKind.SCENE_START, run.id, actor, now)
                new.append(known)
            starts.append(known)
    scenes = [
        SceneRecord(
            id=str(uuid.uuid4()),
            run_id=run.id,
            item_id=media.item.id,
            scene_index=s.index,
            start_frame=frame.frame_index,
            end_frame=s.end_frame,
            start_time=frame.pts,
            end_time=round(s.end_time, 6),
            start_frame_id=frame.id,
            detector=scan.detector,
            parameters=dict(scan.parameters),
            created_at=now,
            created_by=actor,
        )
        for s, frame in zip(scan.scenes, starts, strict=True)
    ]
    commit_run(
        case,
        run,
        new,
        scenes,
        actor,
        {
            "mode": scan.mode,
            "scenes": len(scenes),
            "cuts": [c.frame_index for c in scan.cuts],
            "frames_decoded": scan.frames_decoded,
            "frame_count": scan.frame_count,
        },
    )
    progress(len(scenes), len(scenes), "done")
    return starts


def scene_thumbnails(
    case: Case,
    item_id: str,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    scan_if_missing: bool = True,
) -> list[tuple[FrameRecord, Path]]:
    """Small PNGs of every scene's first frame, for the viewer's keyframe strip.

    Uses the newest scene scan; when the item has none, runs a fast one first (unless
    `scan_if_missing` is false or the case is read-only, when the list is empty).
    """
    repo = FrameRepository(case.db)
    frames = repo.scene_frames(item_id)
    if not frames and scan_if_missing and not case.readonly:
        frames = extract_scene_frames(case, item_id, mode="fast", progress=progress, cancel=cancel)
    out: list[tuple[FrameRecord, Path]] = []
    for frame in frames:
        if frame.thumb_sha256 is not None:
            path = case.evidence.derived_path(frame.thumb_sha256, ".png")
            if path.is_file():
                out.append((frame, path))
                continue
        png = cv2.imread(bytes(frame_png_path(case, frame)))  # type: ignore[call-overload]
        if png is None:
            log.warning("frame %s: its PNG is missing from the derived store", frame.id)
            continue
        _, path = case.evidence.put_derived(thumbnail_png(png), ".png")
        out.append((frame, path))
    return out
