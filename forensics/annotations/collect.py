"""What an export writes: every annotated frame with its anchor and the shapes on it.

Tracks are expanded to every frame where their object is in view (keyframes and interpolated
shapes), because COCO, MOT and drawn PNGs have no notion of interpolation. Interpolated frames
are decoded once here to learn their presentation time and pixel hash.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forensics.annotations.models import Annotation, AnnotationFilter, FrameAnchor, Points
from forensics.annotations.service import AnnotationService
from forensics.errors import EvidenceError
from forensics.jobs import CancelToken, ProgressFn, no_progress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportShape:
    """One shape on one exported frame."""

    annotation: Annotation
    """The annotation, or for an interpolated shape the keyframe it starts from."""
    points: Points
    interpolated: bool

    @property
    def kind(self) -> str:
        """The shape's kind."""
        return self.annotation.kind

    def bbox(self) -> tuple[float, float, float, float]:
        """`(x, y, width, height)` around the shape."""
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


@dataclass
class ExportFrame:
    """One annotated frame."""

    anchor: FrameAnchor
    item_name: str
    shapes: list[ExportShape] = field(default_factory=list)


@dataclass
class ExportReport:
    """What an export wrote and what it had to say about it."""

    files: list[str] = field(default_factory=list)
    frames: int = 0
    shapes: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report as `pwb annotations export --json` prints it."""
        return {
            "files": self.files,
            "frames": self.frames,
            "shapes": self.shapes,
            "warnings": self.warnings,
        }


def collect(
    svc: AnnotationService,
    flt: AnnotationFilter | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    report: ExportReport | None = None,
) -> list[ExportFrame]:
    """Every annotated frame (tracks expanded), ordered by item and frame.

    A media file that cannot be decoded any more keeps its keyframes (their anchors are
    stored) and loses only the interpolated frames, with a warning naming it.
    """
    report = report if report is not None else ExportReport()
    frames: dict[tuple[str, int], ExportFrame] = {}
    names: dict[str, str] = {}

    def frame_of(anchor: FrameAnchor) -> ExportFrame:
        key = (anchor.item_id, anchor.frame_index)
        if key not in frames:
            if anchor.item_id not in names:
                item = svc.case.items.find(anchor.item_id)
                names[anchor.item_id] = item.name if item else anchor.item_id
            frames[key] = ExportFrame(anchor, names[anchor.item_id])
        return frames[key]

    annotations = svc.search(flt)
    for ann in annotations:
        for flag in svc.flags(ann):
            report.warnings.append(
                f"annotation {ann.id} ({ann.label}, frame {ann.frame_index}): {flag}"
            )
        if ann.outside:
            continue
        frame_of(ann.anchor).shapes.append(ExportShape(ann, ann.points, False))
    tracks = sorted({a.track_id for a in annotations if a.track_id is not None})
    wanted: dict[str, dict[int, list[ExportShape]]] = defaultdict(lambda: defaultdict(list))
    for n, track_id in enumerate(tracks):
        progress(n, len(tracks), f"track {track_id}")
        for tf in svc.track_frames(track_id):
            if not tf.keyframe:
                wanted[tf.source.item_id][tf.frame_index].append(
                    ExportShape(tf.source, tf.points, True)
                )
    for item_id, by_frame in wanted.items():
        try:
            anchors = svc.sources.get(item_id).anchors(sorted(by_frame), cancel)
        except EvidenceError as exc:
            report.warnings.append(f"item {item_id}: interpolated frames left out ({exc})")
            continue
        for index, shapes in by_frame.items():
            if index not in anchors:
                report.warnings.append(
                    f"item {item_id}: frame {index} does not decode; its "
                    "interpolated shapes are left out"
                )
                continue
            frame_of(anchors[index]).shapes.extend(shapes)
    out = sorted(
        frames.values(), key=lambda f: (f.item_name, f.anchor.item_id, f.anchor.frame_index)
    )
    report.frames = len(out)
    report.shapes = sum(len(f.shapes) for f in out)
    return out


def start_export(
    svc: AnnotationService,
    out_dir: Path,
    flt: AnnotationFilter | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> tuple[ExportReport, list[ExportFrame]]:
    """What every exporter does first: gather the frames and make the output folder.

    Returns the report the exporter goes on filling and the frames to write.
    """
    report = ExportReport()
    frames = collect(svc, flt, progress=progress, cancel=cancel, report=report)
    out_dir.mkdir(parents=True, exist_ok=True)
    return report, frames
