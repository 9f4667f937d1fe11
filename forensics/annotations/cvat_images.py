"""CVAT for images 1.1 XML in: each `<image>`'s boxes, polygons and points onto its media.

CVAT's image format carries no hashes, only each image's name: an image task names the file
as uploaded (`DCIM/100MEDIA/DJI_0001.JPG`), a video task exported as images names each frame
`frame_000042`. So an image is matched to the case's item of that name (its last path part;
several items of that name with different content are ambiguous and refused), and a
`frame_NNNNNN` image to frame NNNNNN of the item the caller named (`--item`). Whatever the file
holds that the workbench has no shape for (ellipses, masks, cuboids, skeletons, tags) is
refused by name with the image it sits on: an import never drops content without saying so.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET

from forensics.annotations.anchor import is_video
from forensics.annotations.importing import FrameResolver, ImportReport, add_imported, map_links
from forensics.annotations.models import FrameAnchor, ShapeKind
from forensics.annotations.service import AnnotationService
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.textsafe import escape_name

SHAPES = {
    "box": ShapeKind.BOX,
    "polygon": ShapeKind.POLYGON,
    "points": ShapeKind.POINT,
    "polyline": ShapeKind.ARROW,
}
"""The CVAT-for-images elements read, and the shape each becomes (`points`: one mark per
point unless the workbench wrote it; a polyline is an arrow, as in `cvat_import`)."""

Anchor = tuple[str, int, float | None, str]
"""The workbench's anchor of an image it exported: media sha256, frame index, time, pixels."""

_FRAME_NAME = re.compile(r"^frame_(\d+)(\.\w+)?$")
_CVAT_META = ("pwb_kind", "pwb_id", "pwb_links", "pwb_end")


def anchors_of(root: ET.Element) -> dict[str, Anchor]:
    """The `<meta><pwb><image>` anchors `cvat_images_export` writes, by image id."""
    out: dict[str, Anchor] = {}
    for el in root.findall("meta/pwb/image"):
        try:
            pts = el.get("pts") or None
            out[el.attrib["id"]] = (
                el.attrib["media_sha256"],
                int(el.attrib["frame_index"]),
                None if pts is None else float(pts),
                el.attrib["pixel_sha256"],
            )
        except (KeyError, ValueError):
            continue  # the image is then matched by its name, like another tool's
    return out


def import_images(
    svc: AnnotationService,
    root: ET.Element,
    report: ImportReport,
    *,
    item_id: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> None:
    """Import the `<image>` elements of a CVAT for images file into `report`."""
    images = root.findall("image")
    matcher = _ImageMatcher(svc, item_id, cancel, anchors_of(root))
    for n, image_el in enumerate(images):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(n, len(images), "images")
        _import_image(svc, matcher, report, image_el)
    progress(len(images), len(images), "images")


class _ImageMatcher:
    """Finds the frame an image of the file names, and remembers it."""

    def __init__(
        self,
        svc: AnnotationService,
        item_id: str | None,
        cancel: CancelToken | None,
        anchors: dict[str, Anchor],
    ) -> None:
        self._svc = svc
        self._item = svc.case.items.get(item_id) if item_id else None
        self._resolver = FrameResolver(svc, item_id, cancel)
        self._anchors = anchors
        self._by_name: dict[str, FrameAnchor | str] = {}

    def anchor(self, image_id: str, name: str) -> FrameAnchor | str:
        """The anchor of the image (by the workbench's hashes, else by its name), or why it
        cannot be found."""
        if image_id in self._anchors:
            return self._resolver.resolve(*self._anchors[image_id])
        if name not in self._by_name:
            self._by_name[name] = self._find(name)
        return self._by_name[name]

    def _find(self, name: str) -> FrameAnchor | str:
        base = name.replace("\\", "/").rsplit("/", 1)[-1]
        if self._item is not None and base == self._item.name:
            return self._resolver.resolve(None, 0, None, None)
        frame = _FRAME_NAME.match(base)
        if frame is not None and self._item is not None:
            if not is_video(self._item):
                return f"a video frame's name, but {escape_name(self._item.name)} is no video"
            return self._resolver.resolve(None, int(frame.group(1)), None, None)
        found = self._svc.repo.content_named(base)
        if not found:
            if frame is not None:
                return "a video frame's name: give the video item (--item) to import it"
            return "no item of that name in this case"
        contents = {sha for _, sha in found}
        if len(contents) > 1:
            return f"{len(found)} items of that name with different content (give --item)"
        return self._resolver.resolve(found[0][1], 0, None, None)


def _import_image(
    svc: AnnotationService, matcher: _ImageMatcher, report: ImportReport, image_el: ET.Element
) -> None:
    name = image_el.get("name", "")
    where = f"image {escape_name(image_el.get('id', '?'))} ({escape_name(name)})"
    shapes: list[ET.Element] = []
    for child in image_el:
        if child.tag in SHAPES:
            shapes.append(child)
        else:
            report.rejected.append(
                f"{where}: <{child.tag}> {child.get('label', '')!r} not imported "
                "(the workbench has no such shape)"
            )
    if not shapes:
        return
    anchor = matcher.anchor(image_el.get("id", ""), name)
    if isinstance(anchor, str):
        report.rejected.append(f"{where}: {len(shapes)} shape(s) not imported: {anchor}")
        return
    _check_size(report, where, image_el, anchor)
    for n, shape in enumerate(shapes):
        swhere = f"{where}, {shape.tag} {n + 1}"
        label = shape.get("label", "")
        attrs = {a.get("name", ""): a.text or "" for a in shape.findall("attribute")}
        ours = {k: attrs.pop(k) for k in _CVAT_META if k in attrs}
        note = attrs.pop("note", None) or None
        try:
            geometry = _geometry(shape, ours.get("pwb_kind"))
        except (KeyError, ValueError) as exc:
            report.rejected.append(f"{swhere}: bad geometry ({exc})")
            continue
        try:
            links = json.loads(ours.get("pwb_links") or "[]")
        except ValueError:
            report.warnings.append(f"{swhere}: unreadable links left out")
            links = []
        for kind, points, warning in geometry:
            if warning:
                report.warnings.append(f"{swhere}: {warning}")
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
                annotation_id=ours.get("pwb_id") if len(geometry) == 1 else None,
                links=map_links(svc, links, report, swhere),
            )


def _check_size(
    report: ImportReport, where: str, image_el: ET.Element, anchor: FrameAnchor
) -> None:
    """Say so when the file's image size is not the media's (coordinates may not fit)."""
    try:
        width, height = int(image_el.get("width", "0")), int(image_el.get("height", "0"))
    except ValueError:
        report.warnings.append(f"{where}: unreadable width/height")
        return
    if width and height and (width, height) != (anchor.width, anchor.height):
        report.warnings.append(
            f"{where}: the file says {width}x{height}, the media is {anchor.width}x{anchor.height}"
        )


Shape = tuple[str, list[list[float]], str | None]
"""A shape kind, its points, and a warning about how it was read (or None)."""


def _geometry(el: ET.Element, kind: str | None = None) -> list[Shape]:
    """The workbench shapes of one CVAT element (a rotated box becomes its polygon; `kind`,
    the workbench's own `pwb_kind`, keeps one point as one mark)."""
    if el.tag == "box":
        x1, y1 = float(el.attrib["xtl"]), float(el.attrib["ytl"])
        x2, y2 = float(el.attrib["xbr"]), float(el.attrib["ybr"])
        rotation = float(el.get("rotation", "0"))
        if rotation % 360 == 0:
            return [(ShapeKind.BOX, [[x1, y1], [x2, y2]], None)]
        return [(ShapeKind.POLYGON, _rotated(x1, y1, x2, y2, rotation), "rotated box as polygon")]
    points = [[float(c) for c in pair.split(",")] for pair in el.attrib["points"].split(";")]
    if el.tag == "points" and kind != ShapeKind.POINT:
        return [(ShapeKind.POINT, [p], None) for p in points]
    return [(SHAPES[el.tag], points, None)]


def _rotated(x1: float, y1: float, x2: float, y2: float, degrees: float) -> list[list[float]]:
    """The corners of a box turned clockwise by `degrees` about its centre (as CVAT draws it)."""
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    a = math.radians(degrees)
    cos, sin = math.cos(a), math.sin(a)
    corners = ((x1, y1), (x2, y1), (x2, y2), (x1, y2))
    return [
        [cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos]
        for x, y in corners
    ]
