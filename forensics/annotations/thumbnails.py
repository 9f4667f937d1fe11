"""Frames of interest: a small drawn picture of every annotated frame, for the GUI's strip.

Thumbnails go into the case's derived store under their own content hash, so asking twice
costs a decode but never a second file.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from forensics.annotations.collect import ExportFrame, ExportShape
from forensics.annotations.models import AnnotationFilter
from forensics.annotations.render_png import draw
from forensics.annotations.service import AnnotationService
from forensics.errors import EvidenceError
from forensics.jobs import CancelToken, ProgressFn, no_progress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FrameOfInterest:
    """One annotated frame and its drawn thumbnail (None when the frame no longer decodes)."""

    item_id: str
    item_name: str
    frame_index: int
    pts: float | None
    pixel_sha256: str
    labels: tuple[str, ...]
    count: int
    thumbnail: Path | None
    problem: str | None = None


def frames_of_interest(
    svc: AnnotationService,
    *,
    size: int = 192,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> list[FrameOfInterest]:
    """Every frame that carries annotations, each with a drawn thumbnail."""
    rows = svc.repo.annotated_frames()
    labels = svc.labels()
    out: list[FrameOfInterest] = []
    for n, row in enumerate(rows):
        if cancel is not None:
            cancel.raise_if_cancelled()
        item = svc.case.items.find(row["item_id"])
        name = item.name if item else row["item_id"]
        progress(n, len(rows), name)
        index = int(row["frame_index"])
        thumb: Path | None = None
        problem: str | None = None
        try:
            anns = svc.search(AnnotationFilter(item_id=row["item_id"], frame_index=index))
            frame = ExportFrame(
                anns[0].anchor,
                name,
                [ExportShape(a, a.points, False) for a in anns if not a.outside],
            )
            _anchor, rgb = svc.sources.get(row["item_id"]).read(index)
            img = draw(rgb, frame, labels)
            img.thumbnail((size, size))
            buf = io.BytesIO()
            img.save(buf, format="PNG")
            _sha, thumb = svc.case.evidence.put_derived(buf.getvalue(), ".png")
        except EvidenceError as exc:
            problem = str(exc)
            log.warning("frame %d of %s: no thumbnail (%s)", index, name, exc)
        out.append(
            FrameOfInterest(
                row["item_id"],
                name,
                index,
                row["pts"],
                row["frame_pixel_sha256"],
                tuple(sorted(str(row["labels"] or "").split(","))),
                int(row["count"]),
                thumb,
                problem,
            )
        )
    progress(len(rows), len(rows), "done")
    return out
