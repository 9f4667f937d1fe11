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
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from forensics.case import Case
from forensics.errors import EvidenceError, UnsupportedMediaError, ValidationError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.media.scenes import Image, SceneScan, make_detector, scan_exact
from forensics.media.scenes_fast import scan_fast
from forensics.media.video_reader import DecodedFrame, VideoReader
from forensics.models import Item
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.store.frames import (
    SUBJECT,
    FrameKind,
    FrameRecord,
    FrameRepository,
    FrameRun,
    SceneRecord,
)
from forensics.textsafe import escape_name

log = logging.getLogger(__name__)

EXTRACTOR = "pwb-frames"
EXTRACTOR_VERSION = f"1 (opencv {cv2.__version__})"
"""The decoder's version is part of it: decoded pixels, hence their digests, depend on it."""
MODES = ("exact", "fast")
THUMB_WIDTH = 160
"""Width of the keyframe-strip thumbnails."""
_PNG_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 3]

__all__ = [
    "FrameRecord",
    "SceneRecord",
    "extract_frame",
    "extract_scene_frames",
    "frame_png_path",
    "scene_thumbnails",
]


@dataclass(frozen=True)
class _Media:
    item: Item
    sha256: str
    path: Path
    label: str


def _media(case: Case, item_id: str) -> _Media:
    item = case.items.get(item_id)
    label = escape_name(item.source_path or item.name)
    if not item.sha256:
        raise UnsupportedMediaError(f"{label}: item {item_id} has no file content")
    return _Media(item, item.sha256, case.evidence.open(item.sha256), label)


def frame_png_path(case: Case, frame: FrameRecord) -> Path:
    """Where the PNG of a frame record lives in the case's derived store."""
    return case.evidence.derived_path(frame.png_sha256, ".png")


def _store_frame(
    case: Case, media: _Media, decoded: DecodedFrame, kind: str, run_id: str, actor: str, now: str
) -> FrameRecord:
    bgr: Image = np.asarray(cv2.cvtColor(decoded.rgb, cv2.COLOR_RGB2BGR), np.uint8)
    ok, png = cv2.imencode(".png", bgr, _PNG_PARAMS)
    if not ok:
        raise EvidenceError(f"{media.label}: frame {decoded.index} cannot be encoded as PNG")
    png_sha, _ = case.evidence.put_derived(png.tobytes(), ".png")
    thumb_sha, _ = case.evidence.put_derived(_thumbnail_png(bgr), ".png")
    return FrameRecord(
        id=str(uuid.uuid4()),
        item_id=media.item.id,
        media_sha256=media.sha256,
        frame_index=decoded.index,
        pts=round(decoded.pts, 6),
        pixel_sha256=decoded.pixel_sha256,
        png_sha256=png_sha,
        width=decoded.width,
        height=decoded.height,
        extractor=EXTRACTOR,
        extractor_version=EXTRACTOR_VERSION,
        created_at=now,
        created_by=actor,
        kind=kind,
        run_id=run_id,
        thumb_sha256=thumb_sha,
    )


def _thumbnail_png(bgr: Image) -> bytes:
    height, width = bgr.shape[:2]
    size = (THUMB_WIDTH, max(1, round(height * THUMB_WIDTH / max(1, width))))
    small = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA) if width > THUMB_WIDTH else bgr
    ok, png = cv2.imencode(".png", small, _PNG_PARAMS)
    if not ok:
        raise EvidenceError("a thumbnail cannot be encoded as PNG")
    return bytes(png.tobytes())


def _run(
    media: _Media,
    purpose: str,
    actor: str,
    now: str,
    *,
    status: str = "ok",
    message: str | None = None,
    scan: SceneScan | None = None,
    mode: str | None = None,
) -> FrameRun:
    return FrameRun(
        id=str(uuid.uuid4()),
        item_id=media.item.id,
        media_sha256=media.sha256,
        purpose=purpose,
        mode=scan.mode if scan else mode,
        detector=scan.detector if scan else None,
        detector_version=scan.detector_version if scan else None,
        parameters=dict(scan.parameters) if scan else {},
        extractor=EXTRACTOR,
        extractor_version=EXTRACTOR_VERSION,
        status=status,
        message=message,
        frame_count=scan.frame_count if scan else None,
        duration=round(scan.duration, 6) if scan else None,
        frames_decoded=scan.frames_decoded if scan else None,
        created_at=now,
        created_by=actor,
    )


def _commit(
    case: Case,
    run: FrameRun,
    frames: list[FrameRecord],
    scenes: list[SceneRecord],
    actor: str,
    details: dict[str, object],
) -> None:
    repo = FrameRepository(case.db)
    with case.transaction():
        repo.insert_run(run)
        for frame in frames:
            repo.insert_frame(frame)
        for scene in scenes:
            repo.insert_scene(scene)
        case.custody.append(
            Action.EXTRACTED,
            actor,
            item_id=run.item_id,
            subject=(SUBJECT, run.id),
            record=repo.run_record(run.id),
            details={
                "extractor": EXTRACTOR,
                "extractor_version": EXTRACTOR_VERSION,
                "purpose": run.purpose,
                "status": run.status,
                **details,
            },
            reason=run.message,
        )


def _fail(
    case: Case,
    media: _Media,
    purpose: str,
    actor: str,
    error: EvidenceError,
    mode: str | None = None,
) -> UnsupportedMediaError:
    message = str(error)
    run = _run(media, purpose, actor, utc_now(), status="failed", message=message, mode=mode)
    _commit(case, run, [], [], actor, {"error": message})
    log.warning("%s", message)
    return error if isinstance(error, UnsupportedMediaError) else UnsupportedMediaError(message)


def _open(
    case: Case, media: _Media, purpose: str, actor: str, mode: str | None = None
) -> VideoReader:
    try:
        return VideoReader(media.path)
    except UnsupportedMediaError as exc:
        raise _fail(
            case,
            media,
            purpose,
            actor,
            UnsupportedMediaError(f"{media.label}: not a video that can be decoded"),
            mode,
        ) from exc


def _decode(
    case: Case,
    media: _Media,
    reader: VideoReader,
    index: int,
    purpose: str,
    actor: str,
    mode: str | None = None,
) -> DecodedFrame:
    try:
        return reader.read(index)
    except UnsupportedMediaError as exc:
        try:
            reader.read(0)
            reason = f"{media.label}: frame {index} cannot be decoded"
        except UnsupportedMediaError:
            reason = f"{media.label}: the file opens as a video but no frame decodes"
        raise _fail(case, media, purpose, actor, UnsupportedMediaError(reason), mode) from exc


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
    media = _media(case, item_id)
    if index is not None and (known := repo.frame_at(media.item.id, index)) is not None:
        return known
    with _open(case, media, "frame", actor) as reader:
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
        decoded = _decode(case, media, reader, index, "frame", actor)
    now = utc_now()
    run = _run(media, "frame", actor, now)
    frame = _store_frame(case, media, decoded, FrameKind.FRAME, run.id, actor, now)
    _commit(
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
    media = _media(case, item_id)
    with _open(case, media, "scenes", actor, mode) as reader:
        try:
            scan = _scan(media.path, mode, progress, cancel)
        except UnsupportedMediaError as exc:
            reason = str(exc).replace(str(media.path), media.label)
            raise _fail(case, media, "scenes", actor, UnsupportedMediaError(reason), mode) from exc
        now = utc_now()
        run = _run(media, "scenes", actor, now, scan=scan)
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
                decoded = _decode(case, media, reader, index, "scenes", actor, mode)
                known = _store_frame(
                    case, media, decoded, FrameKind.SCENE_START, run.id, actor, now
                )
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
    _commit(
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
        _, path = case.evidence.put_derived(_thumbnail_png(png), ".png")
        out.append((frame, path))
    return out
