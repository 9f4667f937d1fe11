"""Frames with their annotations drawn in, as PNG: for reports and for eyes without the app.

Each annotated frame is decoded, the shapes drawn with Pillow in their label's colour (a
track's interpolated shapes dashed-looking thinner), with the label written beside. Files are
named by the frame's pixel hash, never by an input file name.
"""

from __future__ import annotations

import io
import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw

from forensics.annotations.collect import ExportFrame, ExportReport, start_export
from forensics.annotations.models import AnnotationFilter, LabelSet, ShapeKind
from forensics.annotations.service import AnnotationService
from forensics.errors import EvidenceError, ValidationError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.safe_names import hash_file_name

if TYPE_CHECKING:
    # A type only: importing the reader would load OpenCV and PyAV with the CLI.
    from forensics.media.video_reader import RGBArray

log = logging.getLogger(__name__)

FORMAT = "png"


def draw(rgb: RGBArray, frame: ExportFrame, labels: LabelSet) -> Image.Image:
    """The frame with its shapes drawn in."""
    img = Image.fromarray(rgb).convert("RGB")
    pen = ImageDraw.Draw(img)
    scale = max(1, round(max(img.size) / 640))
    for shape in frame.shapes:
        color = labels.color(shape.annotation.label)
        width = scale if shape.interpolated else 2 * scale
        pts = [(float(x), float(y)) for x, y in shape.points]
        if shape.kind == ShapeKind.BOX:
            pen.rectangle([pts[0], pts[1]], outline=color, width=width)
        elif shape.kind == ShapeKind.POINT:
            x, y = pts[0]
            r = 4 * scale
            pen.ellipse([x - r, y - r, x + r, y + r], outline=color, width=width)
        elif shape.kind == ShapeKind.POLYGON:
            pen.polygon(pts, outline=color, width=width)
        else:
            pen.line(pts, fill=color, width=width)
            _arrow_head(pen, pts[-2], pts[-1], color, 10 * scale)
        x0 = min(p[0] for p in pts)
        y0 = min(p[1] for p in pts)
        pen.text((x0 + 2, max(0.0, y0 - 12 * scale)), shape.annotation.label, fill=color)
    return img


def _arrow_head(
    pen: ImageDraw.ImageDraw,
    tail: tuple[float, float],
    head: tuple[float, float],
    color: str,
    size: float,
) -> None:
    angle = math.atan2(head[1] - tail[1], head[0] - tail[0])
    left = (head[0] - size * math.cos(angle - 0.4), head[1] - size * math.sin(angle - 0.4))
    right = (head[0] - size * math.cos(angle + 0.4), head[1] - size * math.sin(angle + 0.4))
    pen.polygon([head, left, right], fill=color)


def render_frame(svc: AnnotationService, frame: ExportFrame) -> bytes:
    """One annotated frame drawn, as PNG bytes."""
    _anchor, rgb = svc.sources.get(frame.anchor.item_id).read(frame.anchor.frame_index)
    buf = io.BytesIO()
    draw(rgb, frame, svc.labels()).save(buf, format="PNG")
    return buf.getvalue()


def export_png(
    svc: AnnotationService,
    out_dir: Path,
    flt: AnnotationFilter | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ExportReport:
    """Write one drawn PNG per annotated frame: `<pixel sha256>.png`."""
    report, frames = start_export(svc, out_dir, flt, progress=progress, cancel=cancel)
    for n, frame in enumerate(frames, start=1):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(n, len(frames), f"frame {frame.anchor.frame_index} of {frame.item_name}")
        try:
            name = hash_file_name(frame.anchor.pixel_sha256, ".png", what="frame pixel sha256")
            path = out_dir / name
            path.write_bytes(render_frame(svc, frame))
        except (EvidenceError, ValidationError) as exc:
            report.warnings.append(
                f"{frame.item_name} frame {frame.anchor.frame_index}: not drawn ({exc})"
            )
            continue
        report.files.append(str(path))
    return report
