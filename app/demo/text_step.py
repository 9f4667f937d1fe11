"""Demo step: text to read: a photo of the A40 camera's label, a street clip with a sign.

The photo shows the camera's marking ("VIEWPRO A40" and a date code) on its circuit board;
the clip (2 s, the camera panning slowly along a street) passes a blue sign reading
"深圳市南山区 / 科技南路". Each gets a box annotation where the text is ("marking", "signage"),
so "Read text" on the box (`pwb ocr CASE ITEM --annotation ID`) offers Viewpro as the maker
and Nanshan as a place. Nothing is read at build time: reading is the analyst's step. Both
files are drawn by `text_images` and encoded deterministically, so rebuilds give the same
bytes and ids.
"""

from __future__ import annotations

import io
import logging

import numpy as np

from app.demo.context import DemoContext, stable_id
from app.demo.evidence_step import GENERATED_PREFIX
from app.demo.text_images import chip, circuit_board, place_on, sign, street
from app.features import post_ingest_steps
from forensics.annotations.geometry import box_points
from forensics.annotations.models import STILL
from forensics.annotations.service import AnnotationService
from forensics.intake.content_store import store_content
from forensics.intake.records import ContentSource, IngestOptions
from forensics.media.demo_footage import HEIGHT, WIDTH, encode_clip

log = logging.getLogger(__name__)

CHIP_PHOTO = "IMG_A40_LABEL.png"
STREET_CLIP = "VID_0002_STREET.mp4"
CHIP_LINES = ["VIEWPRO A40", "GH22V 93"]
SIGN_LINES = ["深圳市南山区", "科技南路"]
SIGN_FRAME = 25
"""The clip's frame the sign's annotation is on."""
CLIP_FRAMES = 50
REASON = "demo case built from seeds/"


def chip_photo() -> tuple[bytes, tuple[int, int, int, int]]:
    """The label photo (PNG bytes) and the box of the marking on it."""
    board = circuit_board(640, 420, seed=40)
    scene, box = place_on(board, chip(CHIP_LINES, size=30, seed=40), 150, 130)
    buf = io.BytesIO()
    scene.save(buf, format="PNG")
    return buf.getvalue(), box


def street_clip() -> tuple[bytes, tuple[int, int, int, int]]:
    """The clip (MP4 bytes) and the sign's box on frame `SIGN_FRAME`."""
    world = street(WIDTH + CLIP_FRAMES * 2, HEIGHT, seed=41)
    plate = sign(SIGN_LINES, size=40, seed=41)
    world, (sx, sy, sw, sh) = place_on(world, plate, 240, 60)
    frames = []
    for index in range(CLIP_FRAMES):
        view = world.crop((index * 2, 0, index * 2 + WIDTH, HEIGHT))
        frames.append(np.ascontiguousarray(np.asarray(view)[:, :, ::-1]))
    data, _codec = encode_clip(iter(frames))
    return data, (sx - SIGN_FRAME * 2, sy, sw, sh)


def _store(ctx: DemoContext, name: str, data: bytes, parent: str, key: str) -> str:
    options = IngestOptions(
        parent_id=parent,
        examiner=ctx.actor,
        note="Synthetic stand-in generated for the demo.",
        reason=REASON,
        post_ingest=post_ingest_steps(),
    )
    source = ContentSource(
        name=name,
        source_path=GENERATED_PREFIX + name,
        attributes={"generated_by": "app.demo.text_step"},
    )
    outcome = store_content(
        ctx.case, [data], len(data), source, options, parent_id=parent, cancel=ctx.cancel
    )
    if outcome.item is None:
        raise RuntimeError(f"{name}: not stored ({outcome.reason})")
    ctx.ids[key] = outcome.item.id
    return outcome.item.id


def text_step(ctx: DemoContext) -> None:
    """Store the label photo and the street clip, each with a box where its text is.

    `ctx.ids` gets "chip_photo", "street_clip", "ann:chip_marking" and "ann:street_sign".
    """
    photo, chip_box = chip_photo()
    parent = ctx.ids.get("camera_a40") or ctx.id_for("memory_card")
    photo_id = _store(ctx, CHIP_PHOTO, photo, parent, "chip_photo")
    clip, sign_box = street_clip()
    clip_id = _store(ctx, STREET_CLIP, clip, ctx.id_for("memory_card"), "street_clip")
    service = AnnotationService(ctx.case, ctx.actor)
    try:
        for key, item_id, frame, box, label, note in (
            ("ann:chip_marking", photo_id, STILL, chip_box, "marking", "the camera's label"),
            ("ann:street_sign", clip_id, SIGN_FRAME, sign_box, "signage", "street sign"),
        ):
            service.add(
                item_id,
                frame,
                "box",
                box_points(*box),
                label,
                note=note,
                annotation_id=stable_id(key),
                reason=REASON,
            )
            ctx.ids[key] = stable_id(key)
    finally:
        service.close()
