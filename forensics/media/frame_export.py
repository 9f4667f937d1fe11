"""The custody entry of a frame exported from the viewer (the GUI writes the PNG).

A frame that leaves the case is evidence leaving custody: the log records which frame (index,
pts, pixel hash, source media hash) went where, so the copy can be traced back to its source.
"""

from __future__ import annotations

from pathlib import Path

from forensics.case import Case
from forensics.store.custody import Action


def log_frame_export(
    case: Case,
    *,
    item_id: str,
    frame_index: int,
    pts: float | None,
    pixel_sha256: str,
    media_sha256: str,
    target: Path,
    actor: str | None = None,
) -> None:
    """Record that a frame (or a still image) was written to `target`."""
    with case.recording(actor) as rec:
        rec.note(
            Action.EXPORTED,
            item_id=item_id,
            details={
                "what": "frame",
                "frame_index": frame_index,
                "pts": pts,
                "pixel_sha256": pixel_sha256,
                "media_sha256": media_sha256,
                "to": str(target),
            },
        )
