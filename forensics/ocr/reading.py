"""Reading the text in a frame, a still or a region of either, and recording the read.

The pixels are decoded exactly as the viewer and the annotations decode them (`FrameSource`),
so the frame's pixel sha256 on the read is the one an annotation of the same frame carries.
The region's own decoded pixels are hashed too: the read says precisely what it was read
from. The read and its custody entry commit together.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forensics.annotations.anchor import FrameSource, media_item
from forensics.annotations.models import STILL, ShapeKind
from forensics.case import Case
from forensics.errors import ValidationError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.ocr.engines import engine_named, parse_langs
from forensics.ocr.models import ACTION_READ, Box, OcrRead, spaced
from forensics.store.annotations import AnnotationRepository
from forensics.store.db import utc_now

if TYPE_CHECKING:
    from forensics.media.video_reader import RGBArray


@dataclass(frozen=True)
class ReadRequest:
    """What to read: an item's frame (or the still), optionally a box of it.

    Give `annotation_id` to read the region an analyst marked (its item, frame and bounding
    box), or `item_id` with `frame_index` or `seconds` and an optional `box`.
    """

    item_id: str | None = None
    frame_index: int | None = None
    seconds: float | None = None
    box: Box | None = None
    annotation_id: str | None = None
    langs: str | None = None
    engine: str | None = None


def parse_box(text: str) -> Box:
    """ "x,y,w,h" in pixels.

    Raises:
        ValidationError: not four whole numbers, or an empty box.
    """
    parts = [p.strip() for p in text.split(",")]
    try:
        x, y, w, h = (int(float(p)) for p in parts)
    except ValueError as exc:
        raise ValidationError(f"a box is x,y,w,h in pixels, not {text!r}") from exc
    if w <= 0 or h <= 0:
        raise ValidationError(f"a box needs a positive width and height, not {text!r}")
    return x, y, w, h


def clip_box(box: Box, width: int, height: int) -> Box:
    """The part of a box inside a width x height frame.

    Raises:
        ValidationError: nothing of the box is inside the frame.
    """
    x, y, w, h = box
    x1, y1 = max(0, x), max(0, y)
    x2, y2 = min(width, x + w), min(height, y + h)
    if x2 <= x1 or y2 <= y1:
        raise ValidationError(f"the box {x},{y},{w},{h} lies outside the {width}x{height} frame")
    return x1, y1, x2 - x1, y2 - y1


def _annotation_region(case: Case, request: ReadRequest) -> ReadRequest:
    ann = AnnotationRepository(case.db).get(str(request.annotation_id))
    if ann.kind == ShapeKind.POINT or not ann.points:
        raise ValidationError(f"annotation {ann.id} is a point: there is no region to read")
    xs = [p[0] for p in ann.points]
    ys = [p[1] for p in ann.points]
    box = (
        int(min(xs)),
        int(min(ys)),
        max(1, round(max(xs) - min(xs))),
        max(1, round(max(ys) - min(ys))),
    )
    return ReadRequest(
        ann.item_id, ann.frame_index, None, box, ann.id, request.langs, request.engine
    )


def read_text(
    case: Case,
    request: ReadRequest,
    *,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> OcrRead:
    """Decode the frame, read the text of the region, record the read with its custody entry.

    Raises:
        NotFoundError: no such item or annotation.
        ValidationError: a bad box, time, language or engine; an item without content.
        UnsupportedMediaError: the frame cannot be decoded.
        CancelledError: the cancel token was set before the read was recorded.
    """
    if request.annotation_id:
        request = _annotation_region(case, request)
    if not request.item_id:
        raise ValidationError("say which item (or annotation) to read")
    engine = engine_named(request.engine)
    langs = parse_langs(request.langs, engine)
    item = media_item(case, request.item_id)
    progress(0, 3, f"decoding {item.name}")
    with FrameSource(case, item) as source:
        index = request.frame_index
        if request.seconds is not None:
            index = source.index_at(request.seconds)
        if index is None:
            index = 0 if source.video else STILL
        anchor, rgb = source.read(index)
    if cancel is not None:
        cancel.raise_if_cancelled()
    region = clip_box(request.box, anchor.width, anchor.height) if request.box else None
    pixels: RGBArray = rgb
    if region is not None:
        x, y, w, h = region
        pixels = rgb[y : y + h, x : x + w]
    from forensics.media.video_reader import pixel_digest

    progress(1, 3, f"reading text with {engine.name} ({'+'.join(langs)})")
    started = time.perf_counter()
    lines = engine.recognise(pixels, langs)
    seconds = time.perf_counter() - started
    if region is not None:
        lines = [line.shifted(region[0], region[1]) for line in lines]
    if cancel is not None:
        cancel.raise_if_cancelled()
    progress(2, 3, "recording the read")
    confidences = [line.confidence for line in lines]
    read = OcrRead(
        id=str(uuid.uuid4()),
        item_id=item.id,
        media_sha256=anchor.media_sha256,
        frame_index=anchor.frame_index,
        pts=anchor.pts,
        frame_pixel_sha256=anchor.pixel_sha256,
        frame_width=anchor.width,
        frame_height=anchor.height,
        region=region,
        region_pixel_sha256=pixel_digest(pixels),
        engine=engine.name,
        engine_version=engine.version(),
        languages=langs,
        text="\n".join(line.text for line in lines),
        lines=tuple(lines),
        confidence=round(sum(confidences) / len(confidences), 4) if confidences else None,
        annotation_id=request.annotation_id,
        seconds=round(seconds, 4),
        created_at=utc_now(),
        created_by=case.actor(actor),
        search_text=spaced("\n".join(line.text for line in lines)),
    )
    with case.recording(read.created_by) as rec:
        rec.insert(
            read,
            ACTION_READ,
            item_id=item.id,
            details={
                "engine": read.engine_version,
                "languages": list(langs),
                "frame_index": read.frame_index,
                "region": list(region) if region else None,
                "characters": len(read.text),
            },
        )
    progress(3, 3, f"read {len(read.text)} characters")
    return read
