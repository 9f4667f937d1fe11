"""The annotation that stands for a read when its text becomes evidence.

A suggestion accepted from a read (a maker from a marking, a place from a sign) cites an
annotation as its evidence: the one the read was made of, or, for a read of a whole frame or
of a typed-in box, a new box over what was read, whose attributes name the read.
"""

from __future__ import annotations

from forensics.annotations.models import AnnotationFilter, ShapeKind
from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.ocr.models import Box, OcrRead

READ_ATTRIBUTE = "ocr_read"
"""The attribute of a box drawn for a read, naming the read."""


def read_box(read: OcrRead) -> Box:
    """The region read; for a whole frame, the box around the lines found (else the frame)."""
    if read.region is not None:
        return read.region
    xs = [x for line in read.lines for x in (line.box[0], line.box[0] + line.box[2])]
    ys = [y for line in read.lines for y in (line.box[1], line.box[1] + line.box[3])]
    if not xs:
        return (0, 0, read.frame_width, read.frame_height)
    return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def read_annotation(case: Case, read: OcrRead, label: str, *, actor: str | None = None) -> str:
    """The id of the read's annotation: the one it was made of, the box an earlier accepted
    suggestion drew for it, or a new box labelled `label`.

    Call inside the transaction of the record that cites it.
    """
    if read.annotation_id:
        return read.annotation_id
    x, y, w, h = read_box(read)
    service = AnnotationService(case, actor)
    try:
        for earlier in service.search(
            AnnotationFilter(item_id=read.item_id, frame_index=read.frame_index)
        ):
            if earlier.attributes.get(READ_ATTRIBUTE) == read.id:
                return earlier.id
        saved = service.add(
            read.item_id,
            read.frame_index,
            ShapeKind.BOX,
            [(x, y), (x + max(1, w), y + max(1, h))],
            label,
            note=f"text read: {read.text}",
            attributes={READ_ATTRIBUTE: read.id},
        )
    finally:
        service.close()
    return saved.annotation.id
