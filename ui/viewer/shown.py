"""What the viewer has on screen."""

from __future__ import annotations

from typing import NamedTuple


class ShownFrame(NamedTuple):
    """The picture on screen, anchored so an annotation made on it can be found again."""

    item_id: str
    media_sha256: str
    frame_index: int
    """-1 for a still image."""
    pts: float | None
    """Presentation time in seconds (None for a still image)."""
    pixel_sha256: str
    width: int
    height: int
