"""The record of one text read: what was read, from which pixels, by which engine.

A read is a derived record like a frame or a metadata extraction: it names the engine and its
version, the languages asked for, the media's sha256, the frame (index, time, sha256 of its
decoded pixels), the region read (`None`: the whole frame) and the sha256 of the region's own
decoded pixels, so anyone can cut the same pixels out again and check the text.
`search_text` is the text as the full-text index takes it (Chinese characters spaced apart,
`spaced`); it is derived, so it is stored but not part of the state the custody log digests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from forensics.records.declare import CustodyActionEnum, RecordType, jsonable

Box = tuple[int, int, int, int]
"""x, y, width, height in pixels."""

_HAN = re.compile(r"([\u3400-\u9fff\uf900-\ufaff])")


def spaced(text: str) -> str:
    """Text with every Han character a token of its own (how `ocr_fts` indexes it)."""
    return " ".join(_HAN.sub(r" \1 ", text).split())


@dataclass(frozen=True)
class TextLine:
    """One line of recognised text with where it is and how sure the engine was."""

    text: str
    box: Box
    confidence: float
    """0..1, as the engine reports it (Tesseract's 0..100 is scaled)."""

    def __post_init__(self) -> None:
        # Read back from JSON the box is a list: keep records equal to what was stored.
        object.__setattr__(self, "box", tuple(int(v) for v in self.box))
        object.__setattr__(self, "confidence", float(self.confidence))

    def to_json(self) -> dict[str, Any]:
        """The form stored in the read's record and printed by `pwb ocr --json`."""
        return {"text": self.text, "box": list(self.box), "confidence": self.confidence}

    def shifted(self, dx: int, dy: int) -> TextLine:
        """The same line in the coordinates of the frame the region was cut from."""
        x, y, w, h = self.box
        return TextLine(self.text, (x + dx, y + dy, w, h), self.confidence)


@dataclass(frozen=True)
class OcrRead:
    """One recorded read of the text in a frame or a region of it."""

    id: str
    item_id: str
    media_sha256: str
    frame_index: int
    """-1 for a still image."""
    pts: float | None
    frame_pixel_sha256: str
    frame_width: int
    frame_height: int
    region: Box | None
    """x, y, width, height in frame pixels; None when the whole frame was read."""
    region_pixel_sha256: str
    engine: str
    engine_version: str
    languages: tuple[str, ...]
    text: str
    lines: tuple[TextLine, ...]
    confidence: float | None
    """Mean line confidence (0..1); None when nothing was read."""
    annotation_id: str | None
    seconds: float
    """How long the engine took."""
    created_at: str
    created_by: str
    search_text: str = ""

    def record(self) -> dict[str, Any]:
        """The JSON-able state the custody entry's digest covers."""
        return OCR_READ.state(self)

    def to_json(self) -> dict[str, Any]:
        """As `pwb ocr --json` prints it."""
        return self.record()


def _state(read: OcrRead) -> dict[str, Any]:
    return {
        f.name: jsonable(getattr(read, f.name)) for f in OCR_READ.fields if f.name != "search_text"
    }


OCR_READ: RecordType[OcrRead] = RecordType(OcrRead, "ocr_read", "ocr_reads", state_fn=_state)


class OcrAction(CustodyActionEnum):
    """The custody action of reading text."""

    READ = "text_read", "text read from an image"


RECORD_TYPES: tuple[RecordType[Any], ...] = (OCR_READ,)
"""The OCR record types."""
