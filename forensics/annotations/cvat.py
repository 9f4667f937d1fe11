"""CVAT for video 1.1 XML: tracks with keyframes, one file per video, and back again.

In CVAT's video format every object is a track; a single mark becomes a one-frame track that
goes `outside` on the next frame. Tracks are written with every frame (keyframes and the
interpolated shapes between, `keyframe="0"`), as CVAT itself dumps them. The workbench's
anchors (media sha256, per-frame time and pixel hash) go in `<meta><pwb>`, which CVAT ignores.
"""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

from forensics.annotations.anchor import is_video
from forensics.annotations.coco import link_entries
from forensics.annotations.collect import ExportReport, start_export
from forensics.annotations.importing import (
    FrameResolver,
    ImportReport,
    add_imported,
    map_links,
)
from forensics.annotations.models import Annotation, AnnotationFilter, ShapeKind
from forensics.annotations.service import AnnotationService
from forensics.annotations.tracks import create_track
from forensics.errors import ValidationError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.store.db import utc_now

log = logging.getLogger(__name__)

FORMAT = "cvat-video"
_TAG = {
    ShapeKind.BOX: "box",
    ShapeKind.POINT: "points",
    ShapeKind.POLYGON: "polygon",
    ShapeKind.ARROW: "polyline",
}
_KIND = {
    "box": ShapeKind.BOX,
    "points": ShapeKind.POINT,
    "polygon": ShapeKind.POLYGON,
    "polyline": ShapeKind.ARROW,
}


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
        _TAG[kind],
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
        path = out_dir / f"{item.sha256}.xml"
        _write_item(svc, item, item_frames, path)
        report.files.append(str(path))
    return report


def _write_item(svc: AnnotationService, item: Any, frames: list[Any], path: Path) -> None:
    source = svc.sources.get(item.id)
    count = source.frame_count()
    labels = svc.labels()
    root = ET.Element("annotations")
    ET.SubElement(root, "version").text = "1.1"
    meta = ET.SubElement(root, "meta")
    task = ET.SubElement(meta, "task")
    first = frames[0].anchor
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
    labels_el = ET.SubElement(task, "labels")
    shapes_by_track: dict[str, list[Any]] = defaultdict(list)
    singles: list[Any] = []
    used_attrs: dict[str, set[str]] = defaultdict(set)
    for frame in frames:
        for shape in frame.shapes:
            ann = shape.annotation
            used_attrs[ann.label].update(_attrs(ann, with_id=True, links=[{}]))
            if ann.track_id:
                shapes_by_track[ann.track_id].append((frame.anchor.frame_index, shape))
            else:
                singles.append((frame.anchor.frame_index, shape))
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
    ET.SubElement(meta, "dumped").text = utc_now()
    ET.SubElement(meta, "source").text = item.name
    pwb = ET.SubElement(
        meta,
        "pwb",
        {"media_sha256": str(item.sha256), "item_id": item.id, "case_id": svc.case.info.case_id},
    )
    anchors = {f.anchor.frame_index: f.anchor for f in frames}
    ends: dict[str, Annotation] = {}
    for track_id in shapes_by_track:
        for key in svc.repo.keyframes(track_id):
            if key.outside:
                anchors.setdefault(key.frame_index, key.anchor)
                ends[track_id] = key
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
    n = 0
    for track_id, shapes in shapes_by_track.items():
        track = svc.get_track(track_id)
        el = ET.SubElement(root, "track", {"id": str(n), "label": track.label, "source": "manual"})
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
        if track_id not in ends and last_index + 1 < count:
            _shape_el(
                el,
                last.kind,
                last_index + 1,
                last.points,
                keyframe=True,
                outside=True,
                attrs={"pwb_end": "true"},
            )
        _sort_children(el)
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
            _shape_el(
                el,
                ann.kind,
                index + 1,
                ann.points,
                keyframe=True,
                outside=True,
                attrs={"pwb_end": "true"},
            )
        n += 1
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _sort_children(el: ET.Element) -> None:
    children = sorted(el, key=lambda c: int(c.get("frame", "0")))
    for child in list(el):
        el.remove(child)
    el.extend(children)


def _points(el: ET.Element) -> list[list[float]]:
    if el.tag == "box":
        return [
            [float(el.attrib["xtl"]), float(el.attrib["ytl"])],
            [float(el.attrib["xbr"]), float(el.attrib["ybr"])],
        ]
    return [[float(c) for c in pair.split(",")] for pair in el.attrib["points"].split(";")]


def import_cvat(
    svc: AnnotationService,
    path: Path,
    *,
    item_id: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import a CVAT for video 1.1 XML file.

    Keyframes (and `outside` keyframes, which end a track) are imported; interpolated shapes
    are not, since interpolation gives them back. A one-frame track becomes a single mark.

    Raises:
        ValidationError: the file is not CVAT XML.
    """
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise ValidationError(f"{path}: not a CVAT XML file ({exc})") from exc
    if root.tag != "annotations":
        raise ValidationError(f"{path}: not a CVAT XML file (root is <{root.tag}>)")
    pwb = root.find("meta/pwb")
    media = pwb.get("media_sha256") if pwb is not None else None
    frames: dict[int, tuple[float | None, str]] = {}
    if pwb is not None:
        for f in pwb.findall("frame"):
            pts = f.get("pts") or None
            frames[int(f.attrib["index"])] = (
                None if pts is None else float(pts),
                f.attrib["pixel_sha256"],
            )
    resolver = FrameResolver(svc, item_id, cancel)
    report = ImportReport()
    tracks = root.findall("track")
    for n, track_el in enumerate(tracks):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(n, len(tracks), "tracks")
        _import_track(svc, resolver, report, track_el, media, frames)
    return report


def _import_track(
    svc: AnnotationService,
    resolver: FrameResolver,
    report: ImportReport,
    track_el: ET.Element,
    media: str | None,
    frames: dict[int, tuple[float | None, str]],
) -> None:
    label = track_el.get("label", "")
    where = f"track {track_el.get('id')} ({label})"
    shapes = [s for s in track_el if s.tag in _KIND]
    keys = [
        s
        for s in shapes
        if s.get("keyframe", "1") == "1" and not (s.get("outside") == "1" and _attr(s, "pwb_end"))
    ]
    visible = [s for s in keys if s.get("outside") != "1"]
    if not visible:
        return
    if label not in svc.labels():
        report.rejected.append(f"{where}: unknown label '{label}'")
        return
    track_id: str | None = None
    if len(keys) > 1:
        anchor0 = _anchor(resolver, media, frames, int(visible[0].attrib["frame"]))
        if isinstance(anchor0, str):
            report.rejected.append(f"{where}: frame {visible[0].get('frame')}: {anchor0}")
            return
        track_id = track_el.get("pwb_track_id")
        if track_id and svc.repo.find_track(track_id) is not None:
            report.duplicates += 1
            return
        track_id = create_track(svc, anchor0.item_id, label, track_id=track_id).id
        report.tracks += 1
    for shape in keys:
        index = int(shape.attrib["frame"])
        swhere = f"{where}, frame {index}"
        anchor = _anchor(resolver, media, frames, index)
        if isinstance(anchor, str):
            report.rejected.append(f"{swhere}: {anchor}")
            continue
        attrs = {a.get("name", ""): a.text or "" for a in shape.findall("attribute")}
        kind = attrs.pop("pwb_kind", None) or _KIND[shape.tag]
        if kind not in ShapeKind.ALL:
            kind = _KIND[shape.tag]
        ann_id = attrs.pop("pwb_id", None) or None
        note = attrs.pop("note", None) or None
        attrs.pop("pwb_end", None)
        try:
            links = json.loads(attrs.pop("pwb_links", "") or "[]")
        except ValueError:
            report.warnings.append(f"{swhere}: unreadable links left out")
            links = []
        try:
            points = _points(shape)
        except (KeyError, ValueError) as exc:
            report.rejected.append(f"{swhere}: bad geometry ({exc})")
            continue
        add_imported(
            svc,
            report,
            swhere,
            anchor,
            kind,
            points,
            label,
            note=note,
            attributes=attrs,
            annotation_id=ann_id,
            track_id=track_id,
            keyframe=track_id is not None,
            outside=shape.get("outside") == "1",
            links=map_links(svc, links, report, swhere),
        )


def _attr(shape: ET.Element, name: str) -> str | None:
    for a in shape.findall("attribute"):
        if a.get("name") == name:
            return a.text
    return None


def _anchor(
    resolver: FrameResolver,
    media: str | None,
    frames: dict[int, tuple[float | None, str]],
    index: int,
) -> Any:
    if media and index in frames:
        pts, pixels = frames[index]
        return resolver.resolve(media, index, pts, pixels)
    if media:
        return resolver.resolve(media, index, None, None)
    return resolver.resolve(None, index, None, None)
