"""Runs of the frame extractor: the media read, the run record and its custody entry.

Every extraction, successful or not, is one `FrameRun` committed with its frames and scenes and
one custody entry in a single transaction; a file that cannot be opened or decoded becomes a
failed run naming the file and the reason before the error reaches the caller.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

import cv2

from forensics.case import Case
from forensics.errors import EvidenceError, UnsupportedMediaError
from forensics.media.scenes import SceneScan
from forensics.media.video_reader import DecodedFrame, VideoReader
from forensics.models import Item
from forensics.records.declare import RecordChange
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.store.frames import SUBJECT, FrameRecord, FrameRepository, FrameRun, SceneRecord
from forensics.textsafe import escape_name
from forensics.versions import stamp

log = logging.getLogger(__name__)

EXTRACTOR = "pwb-frames"
EXTRACTOR_VERSION = f"1 (opencv {cv2.__version__})"
"""The decoder's version is part of it: decoded pixels, hence their digests, depend on it."""

_FRAME_DECODERS = (
    "opencv",
    "opencv-libavcodec",
    "opencv-libavformat",
    "opencv-libswscale",
    "pyav",
    "libavformat",
)
"""OpenCV (and the FFmpeg inside it) decodes the pixels; PyAV's libavformat lists the frames'
times from the container."""
_SCAN_DECODERS = ("libavcodec", "libswscale")
"""A scene scan also decodes and shrinks every frame (or keyframe) through PyAV."""


def run_decoders(purpose: str) -> dict[str, str]:
    """The versions of what decodes a run's frames (a scan's too, for `purpose` "scenes")."""
    keys = _FRAME_DECODERS + (_SCAN_DECODERS if purpose == "scenes" else ())
    return stamp(*keys)


@dataclass(frozen=True)
class FrameSource:
    """A video item being read: the item, its content hash, its file and a printable name."""

    item: Item
    sha256: str
    path: Path
    label: str


def frame_source(case: Case, item_id: str) -> FrameSource:
    """The item's stored file (raises UnsupportedMediaError when it has no content)."""
    item = case.items.get(item_id)
    label = escape_name(item.source_path or item.name)
    if not item.sha256:
        raise UnsupportedMediaError(f"{label}: item {item_id} has no file content")
    return FrameSource(item, item.sha256, case.evidence.open(item.sha256), label)


def new_run(
    media: FrameSource,
    purpose: str,
    actor: str,
    now: str,
    *,
    status: str = "ok",
    message: str | None = None,
    scan: SceneScan | None = None,
    mode: str | None = None,
) -> FrameRun:
    """A run record of the extractor on `media` (with the scan's figures when given)."""
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
        decoders=run_decoders(purpose),
    )


def commit_run(
    case: Case,
    run: FrameRun,
    frames: list[FrameRecord],
    scenes: list[SceneRecord],
    actor: str,
    details: dict[str, object],
) -> None:
    """Save a run, its new frames and scenes, and its custody entry in one transaction."""
    repo = FrameRepository(case.db)
    with case.recording(actor) as rec:
        repo.insert_run(run)
        for frame in frames:
            repo.insert_frame(frame)
        for scene in scenes:
            repo.insert_scene(scene)
        rec.saved(
            SUBJECT,
            run.id,
            repo.run_record(run.id),
            Action.EXTRACTED,
            change=RecordChange.INSERTED,
            item_id=run.item_id,
            details={
                "extractor": EXTRACTOR,
                "extractor_version": EXTRACTOR_VERSION,
                "decoders": run.decoders,
                "purpose": run.purpose,
                "status": run.status,
                **details,
            },
            reason=run.message,
        )


def record_failure(
    case: Case,
    media: FrameSource,
    purpose: str,
    actor: str,
    error: EvidenceError,
    mode: str | None = None,
) -> UnsupportedMediaError:
    """Commit a failed run naming the file and the reason; return the error to raise."""
    message = str(error)
    run = new_run(media, purpose, actor, utc_now(), status="failed", message=message, mode=mode)
    commit_run(case, run, [], [], actor, {"error": message})
    log.warning("%s", message)
    return error if isinstance(error, UnsupportedMediaError) else UnsupportedMediaError(message)


def open_video(
    case: Case, media: FrameSource, purpose: str, actor: str, mode: str | None = None
) -> VideoReader:
    """Open the video, recording a failed run when it cannot be decoded."""
    try:
        return VideoReader(media.path)
    except UnsupportedMediaError as exc:
        raise record_failure(
            case,
            media,
            purpose,
            actor,
            UnsupportedMediaError(f"{media.label}: not a video that can be decoded"),
            mode,
        ) from exc


def decode_frame(
    case: Case,
    media: FrameSource,
    reader: VideoReader,
    index: int,
    purpose: str,
    actor: str,
    mode: str | None = None,
) -> DecodedFrame:
    """Decode frame `index`, recording a failed run (with the likely reason) when it fails."""
    try:
        return reader.read(index)
    except UnsupportedMediaError as exc:
        try:
            reader.read(0)
            reason = f"{media.label}: frame {index} cannot be decoded"
        except UnsupportedMediaError:
            reason = f"{media.label}: the file opens as a video but no frame decodes"
        raise record_failure(
            case, media, purpose, actor, UnsupportedMediaError(reason), mode
        ) from exc
