"""CVAT 1.1 XML in: for video (tracks) and for images (`<image>`, read by `cvat_images.py`).

CVAT for video: keyframes become annotations, multi-frame tracks become tracks.
Interpolated shapes (`keyframe="0"`) are not imported, since interpolation gives them back;
the `outside` shape the exporter adds to end a track (`pwb_end`) is dropped too. Where the file
carries the workbench's `<meta><pwb>` anchors, each frame is matched by its pixel hash;
otherwise by its index on the chosen item. Any element either format holds that is not read
here (an ellipse, a mask, a tag...) is refused by name, so an import never says "0 imported"
over content it skipped.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from forensics.annotations.cvat_images import import_images
from forensics.annotations.importing import (
    FrameResolver,
    ImportReport,
    add_imported,
    map_links,
)
from forensics.annotations.models import ShapeKind
from forensics.annotations.service import AnnotationService
from forensics.annotations.tracks import create_track
from forensics.errors import ValidationError
from forensics.jobs import CancelToken, ProgressFn, no_progress

KINDS = {
    "box": ShapeKind.BOX,
    "points": ShapeKind.POINT,
    "polygon": ShapeKind.POLYGON,
    "polyline": ShapeKind.ARROW,
}
"""The shape kind of each CVAT element (`cvat_export.TAGS` is its inverse)."""

_TOP_LEVEL_SKIPPED = ("version", "meta")
"""Top-level elements that hold no marks (task and label descriptions)."""


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
    """Import a CVAT 1.1 XML file: for video (`<track>`) or for images (`<image>`).

    Keyframes (and `outside` keyframes, which end a track) are imported; interpolated shapes
    are not, since interpolation gives them back. A one-frame track becomes a single mark.
    Images are matched to items by name (`cvat_images.py`).

    Raises:
        ValidationError: the file is not CVAT XML, or holds no tracks and no images.
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
    report = ImportReport()
    tracks = root.findall("track")
    images = root.findall("image")
    for el in root:
        if el.tag not in ("track", "image", *_TOP_LEVEL_SKIPPED):
            report.rejected.append(f"<{el.tag}> {el.get('label', '')!r} not imported (not read)")
    if not tracks and not images and not report.rejected:
        raise ValidationError(f"{path}: a CVAT XML file with no <track> and no <image>")
    if images:
        import_images(svc, root, report, item_id=item_id, progress=progress, cancel=cancel)
    resolver = FrameResolver(svc, item_id, cancel)
    for n, track_el in enumerate(tracks):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(n, len(tracks), "tracks")
        _import_track(svc, resolver, report, track_el, media, frames)
    if not (report.imported or report.duplicates or report.rejected):
        report.warnings.append(f"{path.name}: no marks in the file: nothing imported")
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
    shapes = [s for s in track_el if s.tag in KINDS]
    skipped = sorted({s.tag for s in track_el if s.tag not in KINDS and s.tag != "attribute"})
    for tag in skipped:
        report.rejected.append(f"{where}: <{tag}> shapes not imported (no such workbench shape)")
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
        kind = attrs.pop("pwb_kind", None) or KINDS[shape.tag]
        if kind not in ShapeKind.ALL:
            kind = KINDS[shape.tag]
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
