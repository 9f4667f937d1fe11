"""COCO JSON: one image per annotated frame, the frame PNGs beside it, and back again.

Plain COCO has images, categories and boxes/polygons/keypoints; the workbench adds a `pwb`
object to images (media sha256, frame index, time, pixel hash) and to annotations (id, exact
shape, note, track, links), which other tools ignore and which let an import land every mark
on the same pixels. Frame PNGs are named by their pixel hash, never by an input file name.
"""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path
from typing import Any

from PIL import Image

from forensics.annotations.collect import ExportReport, start_export
from forensics.annotations.importing import (
    FrameResolver,
    ImportReport,
    add_imported,
    map_links,
)
from forensics.annotations.models import AnnotationFilter, ShapeKind
from forensics.annotations.service import AnnotationService
from forensics.annotations.tracks import create_track
from forensics.errors import EvidenceError, ValidationError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.safe_names import hash_file_name

log = logging.getLogger(__name__)

FORMAT = "coco"
ANNOTATIONS_FILE = "annotations.json"


def frame_png(svc: AnnotationService, item_id: str, frame_index: int) -> bytes:
    """The decoded frame as PNG bytes."""
    _anchor, rgb = svc.sources.get(item_id).read(frame_index)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return buf.getvalue()


def export_coco(
    svc: AnnotationService,
    out_dir: Path,
    flt: AnnotationFilter | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ExportReport:
    """Write `annotations.json` and `frames/<pixel sha256>.png` into a folder."""
    report, frames = start_export(svc, out_dir, flt, progress=progress, cancel=cancel)
    (out_dir / "frames").mkdir(exist_ok=True)
    labels = svc.labels()
    categories = {name: n + 1 for n, name in enumerate(labels.names())}
    images: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    tracks: dict[str, dict[str, Any]] = {}
    for n, frame in enumerate(frames, start=1):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(n, len(frames), f"frame {frame.anchor.frame_index} of {frame.item_name}")
        a = frame.anchor
        try:
            file_name = "frames/" + hash_file_name(
                a.pixel_sha256, ".png", what="frame pixel sha256"
            )
        except ValidationError as exc:
            report.warnings.append(f"{frame.item_name} frame {a.frame_index}: skipped ({exc})")
            continue
        try:
            (out_dir / file_name).write_bytes(frame_png(svc, a.item_id, a.frame_index))
        except EvidenceError as exc:
            report.warnings.append(f"{frame.item_name} frame {a.frame_index}: no PNG ({exc})")
        images.append(
            {
                "id": n,
                "file_name": file_name,
                "width": a.width,
                "height": a.height,
                "pwb": {
                    "item_id": a.item_id,
                    "item_name": frame.item_name,
                    "media_sha256": a.media_sha256,
                    "frame_index": a.frame_index,
                    "pts": a.pts,
                    "frame_pixel_sha256": a.pixel_sha256,
                },
            }
        )
        for shape in frame.shapes:
            ann = shape.annotation
            x, y, w, h = shape.bbox()
            entry: dict[str, Any] = {
                "id": len(annotations) + 1,
                "image_id": n,
                "category_id": categories.get(ann.label, 0),
                "bbox": [x, y, w, h],
                "area": w * h,
                "iscrowd": 0,
                "segmentation": [],
                "attributes": dict(ann.attributes),
            }
            if shape.kind == ShapeKind.POLYGON:
                entry["segmentation"] = [[c for p in shape.points for c in p]]
            if shape.kind == ShapeKind.POINT:
                entry["keypoints"] = [shape.points[0][0], shape.points[0][1], 2]
                entry["num_keypoints"] = 1
            entry["pwb"] = {
                "id": None if shape.interpolated else ann.id,
                "kind": ann.kind,
                "points": [list(p) for p in shape.points],
                "label": ann.label,
                "note": ann.note,
                "track_id": ann.track_id,
                "keyframe": ann.keyframe and not shape.interpolated,
                "interpolated": shape.interpolated,
                "links": [] if shape.interpolated else link_entries(svc, ann.id),
            }
            annotations.append(entry)
            if ann.track_id and ann.track_id not in tracks:
                t = svc.get_track(ann.track_id)
                tracks[t.id] = {
                    "id": t.id,
                    "label": t.label,
                    "note": t.note,
                    "attributes": t.attributes,
                }
        # outside keyframes end tracks; COCO has no place for them, so they ride along here
    ends = [
        {
            "track_id": a.track_id,
            "annotation_id": a.id,
            "frame_index": a.frame_index,
            "media_sha256": a.media_sha256,
            "pts": a.pts,
            "frame_pixel_sha256": a.frame_pixel_sha256,
            "kind": a.kind,
            "points": [list(p) for p in a.points],
        }
        for a in svc.search(flt)
        if a.outside and a.track_id in tracks
    ]
    document = {
        "info": {
            "description": "Provenance Workbench annotations",
            "case_id": svc.case.info.case_id,
            "version": "1.0",
        },
        "licenses": [],
        "categories": [
            {"id": i, "name": name, "supercategory": "", "pwb_color": labels.color(name)}
            for name, i in categories.items()
        ],
        "images": images,
        "annotations": annotations,
        "pwb_tracks": list(tracks.values()),
        "pwb_track_ends": ends,
    }
    path = out_dir / ANNOTATIONS_FILE
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
    report.files = [str(path), *sorted({str(out_dir / i["file_name"]) for i in images})]
    return report


def link_entries(svc: AnnotationService, annotation_id: str) -> list[dict[str, Any]]:
    """An annotation's links as exported (items also by content hash, to find them again)."""
    out = []
    for link in svc.links_of(annotation_id):
        entry: dict[str, Any] = {"target_type": link.target_type, "target_id": link.target_id}
        if link.target_type == "item":
            item = svc.case.items.find(link.target_id)
            if item is not None and item.sha256:
                entry["target_sha256"] = item.sha256
        out.append(entry)
    return out


def _frame_from_name(name: str) -> int:
    digits = re.findall(r"\d+", Path(name).stem)
    if not digits:
        raise ValidationError(f"no frame number in the image name {name!r}")
    return int(digits[-1])


def import_coco(
    svc: AnnotationService,
    path: Path,
    *,
    item_id: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import a COCO JSON file into the case.

    Images with `pwb` anchors land on the frame with the same pixels; images from other tools
    land on `item_id`, at the frame number in their file name (-1 for a still image).

    Raises:
        ValidationError: the file is not COCO JSON.
    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        images = {int(i["id"]): i for i in doc["images"]}
        categories = {int(c["id"]): str(c["name"]) for c in doc.get("categories", [])}
        entries = list(doc["annotations"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(f"{path}: not a COCO annotations file ({exc})") from exc
    report = ImportReport()
    resolver = FrameResolver(svc, item_id, cancel)
    tracks = {t["id"]: t for t in doc.get("pwb_tracks", [])}
    made_tracks: set[str] = set()
    for n, entry in enumerate(entries):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(n, len(entries), "annotations")
        where = f"annotation {entry.get('id', n + 1)}"
        pwb = entry.get("pwb") or {}
        if pwb.get("interpolated"):
            continue
        image = images.get(int(entry.get("image_id", -1)))
        if image is None:
            report.rejected.append(f"{where}: unknown image {entry.get('image_id')}")
            continue
        anchor = _resolve_image(resolver, image)
        if isinstance(anchor, str):
            report.rejected.append(f"{where} (image {image.get('file_name')}): {anchor}")
            continue
        label = pwb.get("label") or categories.get(int(entry.get("category_id", 0)), "")
        kind, points = _shape(entry, pwb)
        track_id = pwb.get("track_id")
        if track_id and track_id not in made_tracks:
            track_id = _ensure_track(
                svc, tracks.get(track_id), track_id, anchor.item_id, label, report, where
            )
            if track_id:
                made_tracks.add(track_id)
        add_imported(
            svc,
            report,
            where,
            anchor,
            kind,
            points,
            label,
            note=pwb.get("note"),
            attributes=entry.get("attributes") or {},
            annotation_id=pwb.get("id"),
            track_id=track_id or None,
            keyframe=bool(pwb.get("keyframe")),
            links=map_links(svc, pwb.get("links", []), report, where),
        )
    for end in doc.get("pwb_track_ends", []):
        if end.get("track_id") not in made_tracks:
            continue
        where = f"end of track {end['track_id']}"
        anchor = resolver.resolve(
            end.get("media_sha256"),
            int(end["frame_index"]),
            end.get("pts"),
            end.get("frame_pixel_sha256"),
        )
        if isinstance(anchor, str):
            report.rejected.append(f"{where}: {anchor}")
            continue
        track = svc.get_track(end["track_id"])
        add_imported(
            svc,
            report,
            where,
            anchor,
            end["kind"],
            end["points"],
            track.label,
            annotation_id=end.get("annotation_id"),
            track_id=track.id,
            keyframe=True,
            outside=True,
        )
    return report


def _resolve_image(resolver: FrameResolver, image: dict[str, Any]) -> Any:
    pwb = image.get("pwb") or {}
    if pwb:
        return resolver.resolve(
            pwb.get("media_sha256"),
            int(pwb.get("frame_index", -1)),
            pwb.get("pts"),
            pwb.get("frame_pixel_sha256"),
        )
    try:
        index = _frame_from_name(str(image.get("file_name", "")))
    except ValidationError:
        index = -1
    return resolver.resolve(None, index, None, None)


def _shape(entry: dict[str, Any], pwb: dict[str, Any]) -> tuple[str, list[list[float]]]:
    if pwb.get("kind") and pwb.get("points"):
        return str(pwb["kind"]), [list(map(float, p)) for p in pwb["points"]]
    seg = entry.get("segmentation")
    if isinstance(seg, list) and seg and isinstance(seg[0], list) and len(seg[0]) >= 6:
        flat = seg[0]
        return ShapeKind.POLYGON, [[flat[i], flat[i + 1]] for i in range(0, len(flat) - 1, 2)]
    kp = entry.get("keypoints")
    if isinstance(kp, list) and len(kp) >= 2 and not entry.get("bbox"):
        return ShapeKind.POINT, [[kp[0], kp[1]]]
    x, y, w, h = (float(v) for v in entry.get("bbox", [0, 0, 0, 0]))
    if w == 0 and h == 0 and isinstance(kp, list) and len(kp) >= 2:
        return ShapeKind.POINT, [[kp[0], kp[1]]]
    return ShapeKind.BOX, [[x, y], [x + w, y + h]]


def _ensure_track(
    svc: AnnotationService,
    spec: dict[str, Any] | None,
    track_id: str,
    item_id: str,
    label: str,
    report: ImportReport,
    where: str,
) -> str | None:
    if svc.repo.find_track(track_id) is not None:
        return track_id
    spec = spec or {}
    try:
        create_track(
            svc,
            item_id,
            spec.get("label") or label,
            note=spec.get("note"),
            attributes=spec.get("attributes") or {},
            track_id=track_id,
        )
    except ValidationError as exc:
        report.rejected.append(f"{where}: track {track_id}: {exc}")
        return None
    report.tracks += 1
    return track_id
