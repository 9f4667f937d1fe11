"""Frame records, scenes and the extraction runs that made them.

A frame record anchors decoded pixels to the file they came from: the media's sha256, the
frame's index and presentation time, and the sha256 of the decoded pixels. The pixel digest is
what an annotation keeps, so the same frame is found again in another case or on another
machine, whatever ids the records got there.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

from forensics.records.declare import RecordType, col


class FrameKind(enum.StrEnum):
    """Why a frame was extracted (the values are what the database stores)."""

    FRAME = "frame"
    SCENE_START = "scene_start"


class RunPurpose(enum.StrEnum):
    """What an extraction run was for."""

    FRAME = "frame"
    SCENES = "scenes"


class RunStatus(enum.StrEnum):
    """How an extraction run ended."""

    OK = "ok"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class FrameRecord:
    """One extracted frame, stored as a PNG in the derived store."""

    id: str
    item_id: str
    media_sha256: str
    frame_index: int
    pts: float
    """Presentation time, seconds from the start of the video stream."""
    pixel_sha256: str
    png_sha256: str
    width: int
    height: int
    extractor: str
    extractor_version: str
    created_at: str
    created_by: str
    kind: str = FrameKind.FRAME.value
    run_id: str = ""
    thumb_sha256: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The record as `--json` documents and the custody digests see it."""
        return asdict(self)


@dataclass(frozen=True)
class SceneRecord:
    """One scene found by a scan: frames `[start_frame, end_frame)`."""

    id: str
    run_id: str
    item_id: str
    scene_index: int
    start_frame: int
    end_frame: int
    start_time: float
    end_time: float
    start_frame_id: str | None
    detector: str
    parameters: dict[str, Any]
    created_at: str
    created_by: str

    def to_json(self) -> dict[str, Any]:
        """The scene as `--json` documents and the custody digests see it."""
        return asdict(self)


@dataclass(frozen=True)
class FrameRun:
    """One extraction: a frame on demand or a scene scan, successful or not."""

    id: str
    item_id: str
    media_sha256: str
    purpose: str
    """"frame" or "scenes"."""
    mode: str | None
    detector: str | None
    detector_version: str | None
    parameters: dict[str, Any]
    extractor: str
    extractor_version: str
    status: str
    """"ok", "failed" or "cancelled"."""
    message: str | None
    frame_count: int | None
    duration: float | None
    frames_decoded: int | None
    created_at: str
    created_by: str
    decoders: dict[str, str] = field(default_factory=dict, metadata=col(added_later=True))
    """The libraries that decoded the frames, component key -> version
    (`forensics.versions`); empty for a run made before they were kept."""

    def to_json(self) -> dict[str, Any]:
        """The run as `--json` documents show it.

        `decoders` appears only when known, so the stored digest of a run made before they
        were kept stays the same and `pwb verify` keeps matching it.
        """
        return FRAME_RUN.state(self)


FRAME = RecordType(FrameRecord, subject="frame", table="frames", logged=False)
"""An extracted frame; logged as part of its run's state (its digest), never on its own."""
SCENE = RecordType(SceneRecord, subject="scene", table="scenes", logged=False)
"""A scene found by a scan; logged as part of its run's state."""
FRAME_RUN = RecordType(FrameRun, subject="frame_run", table="frame_runs", composite=True)
"""An extraction run; its logged state holds the digests of the frames and scenes it made."""
