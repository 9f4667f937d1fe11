"""CVAT for video 1.1 XML out: tracks with keyframes, one file per video.

In CVAT's video format every object is a track; a single mark becomes a one-frame track that
goes `outside` on the next frame. Tracks are written with every frame (keyframes and the
interpolated shapes between, `keyframe="0"`), as CVAT itself dumps them. The workbench's
anchors (media sha256, per-frame time and pixel hash) go in `<meta><pwb>`, which CVAT ignores;
`cvat_import.py` reads them back.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

from forensics.annotations.anchor import is_video
from forensics.annotations.coco import link_entries
from forensics.annotations.collect import ExportReport, start_export
from forensics.annotations.models import Annotation, AnnotationFilter, ShapeKind
from forensics.annotations.service import AnnotationService
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.safe_names import hash_file_name
from forensics.store.db import utc_now

FORMAT = "cvat-video"
TAGS: dict[str, str] = {
    ShapeKind.BOX: "box",
    ShapeKind.POINT: "points",
    ShapeKind.POLYGON: "polygon",
    ShapeKind.ARROW: "polyline",
}
"""The CVAT element of each shape kind (`cvat_import.KINDS` is its inverse)."""

Placed = tuple[int, Any]
"""A frame index and a shape shown on it (`service.Shown`)."""


def _num(v: float) -> str:
    return repr(float(v))


def _shape_el(
    parent: ET.Element,
    kind: str,
    frame: int,
    points: Any,
    *,
    keyframe: bool,
    outside: bool,
    attrs: dict[str, str],
) -> None:
    el = ET.SubElement(
        parent,
        TAGS[kind],
        {
            "frame": str(frame),
            "keyframe": str(int(keyframe)),
            "outside": str(int(outside)),
            "occluded": "0",
            "z_order": "0",
        },
    )
    if kind == ShapeKind.BOX:
        (x1, y1), (x2, y2) = points
        el.attrib.update(xtl=_num(x1), ytl=_num(y1), xbr=_num(x2), ybr=_num(y2))
    else:
        el.set("points", ";".join(f"{_num(x)},{_num(y)}" for x, y in points))
    for name, value in attrs.items():
        ET.SubElement(el, "attribute", {"name": name}).text = value


def _attrs(
    ann: Annotation, *, with_id: bool, links: list[dict[str, Any]] | None = None
) -> dict[str, str]:
    out = {"pwb_kind": ann.kind}
    if with_id:
        out["pwb_id"] = ann.id
    if links:
        out["pwb_links"] = json.dumps(links, sort_keys=True)
    if ann.note:
        out["note"] = ann.note
    out.update({str(k): str(v) for k, v in ann.attributes.items()})
    return out


def export_cvat(
    svc: AnnotationService,
    out_dir: Path,
    flt: AnnotationFilter | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ExportReport:
    """Write one `<media sha256>.xml` per annotated video into a folder."""
    report, frames = start_export(svc, out_dir, flt, progress=progress, cancel=cancel)
    by_item: dict[str, list[Any]] = defaultdict(list)
    for frame in frames:
        by_item[frame.anchor.item_id].append(frame)
    for item_id, item_frames in by_item.items():
        item = svc.case.items.get(item_id)
        if not is_video(item):
            report.warnings.append(
                f"{item.name}: a still image has no place in CVAT for video; use COCO"
            )
            continue
        path = out_dir / hash_file_name(item.sha256, ".xml", what="item sha256")
        _write_item(svc, item, item_frames, path)
        report.files.append(str(path))
    return report


def _write_item(svc: AnnotationService, item: Any, frames: list[Any], path: Path) -> None:
    count = svc.sources.get(item.id).frame_count()
    shapes_by_track: dict[str, list[Placed]] = defaultdict(list)
    singles: list[Placed] = []
    used_attrs: dict[str, set[str]] = defaultdict(set)
    for frame in frames:
        for shape in frame.shapes:
            ann = shape.annotation
            used_attrs[ann.label].update(_attrs(ann, with_id=True, links=[{}]))
            if ann.track_id:
                shapes_by_track[ann.track_id].append((frame.anchor.frame_index, shape))
            else:
                singles.append((frame.anchor.frame_index, shape))
    root = ET.Element("annotations")
    ET.SubElement(root, "version").text = "1.1"
    meta = ET.SubElement(root, "meta")
    _task(meta, svc, item, frames[0].anchor, count, used_attrs)
    ET.SubElement(meta, "dumped").text = utc_now()
    ET.SubElement(meta, "source").text = item.name
    ends = _anchors(meta, svc, item, frames, shapes_by_track)
    n = 0
    for track_id, shapes in shapes_by_track.items():
        _track(root, svc, str(n), track_id, shapes, track_id in ends, count)
        n += 1
    for index, shape in singles:
        ann = shape.annotation
        el = ET.SubElement(root, "track", {"id": str(n), "label": ann.label, "source": "manual"})
        _shape_el(
            el,
            ann.kind,
            index,
            ann.points,
            keyframe=True,
            outside=False,
            attrs=_attrs(ann, with_id=True, links=link_entries(svc, ann.id)),
        )
        if index + 1 < count:
            _end_el(el, ann.kind, index + 1, ann.points)
        n += 1
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _task(
    meta: ET.Element,
    svc: AnnotationService,
    item: Any,
    first: Any,
    count: int,
    used_attrs: dict[str, set[str]],
) -> None:
    """The `<task>` CVAT reads: the video's size and frame range, and every label's attributes."""
    task = ET.SubElement(meta, "task")
    for tag, text in (
        ("id", "1"),
        ("name", item.name),
        ("size", str(count)),
        ("mode", "interpolation"),
        ("overlap", "0"),
        ("created", utc_now()),
        ("start_frame", "0"),
        ("stop_frame", str(max(count - 1, 0))),
    ):
        ET.SubElement(task, tag).text = text
    labels = svc.labels()
    labels_el = ET.SubElement(task, "labels")
    for name in labels.names():
        lab = ET.SubElement(labels_el, "label")
        ET.SubElement(lab, "name").text = name
        ET.SubElement(lab, "color").text = labels.color(name)
        ET.SubElement(lab, "type").text = "any"
        attrs_el = ET.SubElement(lab, "attributes")
        for attr in sorted(used_attrs.get(name, set()) | {"pwb_end"}):
            a = ET.SubElement(attrs_el, "attribute")
            for tag, text in (
                ("name", attr),
                ("mutable", "true"),
                ("input_type", "text"),
                ("default_value", ""),
                ("values", ""),
            ):
                ET.SubElement(a, tag).text = text
    size = ET.SubElement(task, "original_size")
    ET.SubElement(size, "width").text = str(first.width)
    ET.SubElement(size, "height").text = str(first.height)


def _anchors(
    meta: ET.Element,
    svc: AnnotationService,
    item: Any,
    frames: list[Any],
    shapes_by_track: dict[str, list[Placed]],
) -> set[str]:
    """Write `<pwb>`: the media and every written frame's anchor; the tracks with an end."""
    pwb = ET.SubElement(
        meta,
        "pwb",
        {"media_sha256": str(item.sha256), "item_id": item.id, "case_id": svc.case.info.case_id},
    )
    anchors = {f.anchor.frame_index: f.anchor for f in frames}
    ended: set[str] = set()
    for track_id in shapes_by_track:
        for key in svc.repo.keyframes(track_id):
            if key.outside:
                anchors.setdefault(key.frame_index, key.anchor)
                ended.add(track_id)
    for index in sorted(anchors):
        a = anchors[index]
        ET.SubElement(
            pwb,
            "frame",
            {
                "index": str(index),
                "pts": "" if a.pts is None else repr(a.pts),
                "pixel_sha256": a.pixel_sha256,
            },
        )
    return ended


def _track(
    root: ET.Element,
    svc: AnnotationService,
    number: str,
    track_id: str,
    shapes: list[Placed],
    ended: bool,
    count: int,
) -> None:
    """One `<track>`: its `outside` keyframes, every frame's shape, and an end if it has none."""
    track = svc.get_track(track_id)
    el = ET.SubElement(root, "track", {"id": number, "label": track.label, "source": "manual"})
    el.set("pwb_track_id", track_id)
    for key in svc.repo.keyframes(track_id):
        if key.outside:
            _shape_el(
                el,
                key.kind,
                key.frame_index,
                key.points,
                keyframe=True,
                outside=True,
                attrs=_attrs(key, with_id=True, links=link_entries(svc, key.id)),
            )
    for index, shape in sorted(shapes, key=lambda s: s[0]):
        _shape_el(
            el,
            shape.kind,
            index,
            shape.points,
            keyframe=not shape.interpolated,
            outside=False,
            attrs=_attrs(
                shape.annotation,
                with_id=not shape.interpolated,
                links=None if shape.interpolated else link_entries(svc, shape.annotation.id),
            ),
        )
    last_index, last = max(shapes, key=lambda s: s[0])
    if not ended and last_index + 1 < count:
        _end_el(el, last.kind, last_index + 1, last.points)
    _sort_children(el)


def _end_el(parent: ET.Element, kind: str, frame: int, points: Any) -> None:
    """The `outside` keyframe that ends a track the workbench did not end (marked `pwb_end`)."""
    _shape_el(parent, kind, frame, points, keyframe=True, outside=True, attrs={"pwb_end": "true"})


def _sort_children(el: ET.Element) -> None:
    children = sorted(el, key=lambda c: int(c.get("frame", "0")))
    for child in list(el):
        el.remove(child)
    el.extend(children)
