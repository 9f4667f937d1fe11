"""Frames stored as PNG files in the case's derived store, with a strip thumbnail each.

Names are content addresses (the PNG's sha256), so the same frame extracted twice is one file.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import cv2
import numpy as np

from forensics.case import Case
from forensics.errors import EvidenceError
from forensics.media.frame_runs import EXTRACTOR, EXTRACTOR_VERSION, FrameSource
from forensics.media.scenes import Image
from forensics.media.video_reader import DecodedFrame
from forensics.store.frames import FrameRecord

THUMB_WIDTH = 160
"""Width of the keyframe-strip thumbnails."""
PNG_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 3]


def frame_png_path(case: Case, frame: FrameRecord) -> Path:
    """Where the PNG of a frame record lives in the case's derived store."""
    return case.evidence.derived_path(frame.png_sha256, ".png")


def store_frame(
    case: Case,
    media: FrameSource,
    decoded: DecodedFrame,
    kind: str,
    run_id: str,
    actor: str,
    now: str,
) -> FrameRecord:
    """Write a decoded frame and its thumbnail as PNGs and build its record (not yet saved).

    Raises:
        EvidenceError: the frame cannot be encoded as PNG.
    """
    bgr: Image = np.asarray(cv2.cvtColor(decoded.rgb, cv2.COLOR_RGB2BGR), np.uint8)
    ok, png = cv2.imencode(".png", bgr, PNG_PARAMS)
    if not ok:
        raise EvidenceError(f"{media.label}: frame {decoded.index} cannot be encoded as PNG")
    png_sha, _ = case.evidence.put_derived(png.tobytes(), ".png")
    thumb_sha, _ = case.evidence.put_derived(thumbnail_png(bgr), ".png")
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


def thumbnail_png(bgr: Image) -> bytes:
    """A PNG of `bgr` scaled down to the strip's width (never scaled up)."""
    height, width = bgr.shape[:2]
    size = (THUMB_WIDTH, max(1, round(height * THUMB_WIDTH / max(1, width))))
    small = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA) if width > THUMB_WIDTH else bgr
    ok, png = cv2.imencode(".png", small, PNG_PARAMS)
    if not ok:
        raise EvidenceError("a thumbnail cannot be encoded as PNG")
    return bytes(png.tobytes())
