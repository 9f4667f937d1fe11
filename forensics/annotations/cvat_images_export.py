"""CVAT for images 1.1 XML out: one `<image>` per annotated still or video frame.

The format has no tracks: a track's keyframes are written as single marks and its interpolated
shapes are left out, each with a warning (`cvat-video` keeps tracks). A still is named as its
item, a video frame `<video name>/frame_000042` as CVAT names the frames of a video task, so
another tool matches them by name; the workbench's anchors (media sha256, frame index, time,
pixel hash per image) go in `<meta><pwb>`, which CVAT ignores and `cvat_images.py` reads back,
so an import into another case lands each mark on the same pixels.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from forensics.annotations.anchor import is_video
from forensics.annotations.coco import link_entries
from forensics.annotations.collect import ExportReport, start_export
from forensics.annotations.models import Annotation, AnnotationFilter, ShapeKind
from forensics.annotations.service import AnnotationService
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.store.db import utc_now

FORMAT = "cvat-images"
FILE_NAME = "annotations.xml"
TAGS: dict[str, str] = {
    ShapeKind.BOX: "box",
    ShapeKind.POLYGON: "polygon",
    ShapeKind.POINT: "points",
    ShapeKind.ARROW: "polyline",
}
"""The CVAT element of each shape kind (`cvat_images.SHAPES` reads them back)."""


def image_name(item_name: str, frame_index: int, video: bool) -> str:
    """The `<image name>` of a still (its item's name) or of a video frame."""
    return f"{item_name}/frame_{frame_index:06d}" if video else item_name


def export_cvat_images(
    svc: AnnotationService,
    out_dir: Path,
    flt: AnnotationFilter | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ExportReport:
    """Write `annotations.xml` (CVAT for images 1.1) into a folder."""
    report, frames = start_export(svc, out_dir, flt, progress=progress, cancel=cancel)
    root = ET.Element("annotations")
    ET.SubElement(root, "version").text = "1.1"
    meta = ET.SubElement(root, "meta")
    _task(meta, svc, sum(any(not s.interpolated for s in f.shapes) for f in frames))
    ET.SubElement(meta, "dumped").text = utc_now()
    pwb = ET.SubElement(meta, "pwb", {"case_id": svc.case.info.case_id})
    videos: dict[str, bool] = {}
    track_keys: dict[str, int] = {}
    interpolated = 0
    shapes = 0
    n = -1
    for frame in frames:
        kept = [s for s in frame.shapes if not s.interpolated]
        interpolated += len(frame.shapes) - len(kept)
        if not kept:
            continue
        n += 1
        a = frame.anchor
        if a.item_id not in videos:
            videos[a.item_id] = is_video(svc.case.items.get(a.item_id))
        ET.SubElement(
            pwb,
            "image",
            {
                "id": str(n),
                "media_sha256": a.media_sha256,
                "frame_index": str(a.frame_index),
                "pts": "" if a.pts is None else repr(a.pts),
                "pixel_sha256": a.pixel_sha256,
            },
        )
        image = ET.SubElement(
            root,
            "image",
            {
                "id": str(n),
                "name": image_name(frame.item_name, a.frame_index, videos[a.item_id]),
                "width": str(a.width),
                "height": str(a.height),
            },
        )
        for shape in kept:
            ann = shape.annotation
            if ann.track_id:
                track_keys[ann.track_id] = track_keys.get(ann.track_id, 0) + 1
            _shape(image, ann, link_entries(svc, ann.id))
            shapes += 1
    for track_id, count in track_keys.items():
        report.warnings.append(
            f"track {track_id}: CVAT for images has no tracks; its {count} keyframe(s) are "
            "written as single marks (export as cvat-video to keep the track)"
        )
    if interpolated:
        report.warnings.append(
            f"{interpolated} interpolated shape(s) of tracks left out (not marks of their own)"
        )
    report.shapes = shapes
    report.frames = n + 1
    ET.indent(root)
    path = out_dir / FILE_NAME
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    report.files.append(str(path))
    return report


def _num(v: float) -> str:
    return repr(float(v))


def _shape(image: ET.Element, ann: Annotation, links: list[dict[str, Any]]) -> None:
    el = ET.SubElement(
        image,
        TAGS[ann.kind],
        {"label": ann.label, "source": "manual", "occluded": "0", "z_order": "0"},
    )
    if ann.kind == ShapeKind.BOX:
        (x1, y1), (x2, y2) = ann.points
        el.attrib.update(xtl=_num(x1), ytl=_num(y1), xbr=_num(x2), ybr=_num(y2))
    else:
        el.set("points", ";".join(f"{_num(x)},{_num(y)}" for x, y in ann.points))
    # A track's keyframe becomes a single mark elsewhere: another record, so not its id.
    attrs = {"pwb_kind": ann.kind} if ann.track_id else {"pwb_id": ann.id, "pwb_kind": ann.kind}
    if ann.note:
        attrs["note"] = ann.note
    if links:
        attrs["pwb_links"] = json.dumps(links, sort_keys=True)
    attrs.update({str(k): str(v) for k, v in ann.attributes.items()})
    for name, value in attrs.items():
        ET.SubElement(el, "attribute", {"name": name}).text = value


def _task(meta: ET.Element, svc: AnnotationService, size: int) -> None:
    """The `<task>` CVAT reads: an annotation-mode task with the case's labels."""
    task = ET.SubElement(meta, "task")
    for tag, text in (
        ("id", "1"),
        ("name", svc.case.info.title),
        ("size", str(size)),
        ("mode", "annotation"),
        ("overlap", "0"),
        ("created", utc_now()),
    ):
        ET.SubElement(task, tag).text = text
    labels = svc.labels()
    labels_el = ET.SubElement(task, "labels")
    for name in labels.names():
        lab = ET.SubElement(labels_el, "label")
        ET.SubElement(lab, "name").text = name
        ET.SubElement(lab, "color").text = labels.color(name)
        ET.SubElement(lab, "type").text = "any"
        ET.SubElement(lab, "attributes")
