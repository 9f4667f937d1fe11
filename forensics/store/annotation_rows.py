"""How annotation records map to rows of the annotations component, and back.

Points and attributes are stored as JSON (keys sorted, text kept as is) so a row's content is
stable whichever client wrote it; booleans are 0/1. `AnnotationRepository`
(`forensics.store.annotations`) is the only caller; it writes the rows through
`forensics.store.rows`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from forensics.annotations.models import Annotation, Label, Link, Track

_LINK_COLUMNS = (
    "id",
    "annotation_id",
    "target_type",
    "target_id",
    "note",
    "created_at",
    "created_by",
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def annotation_row(a: Annotation) -> dict[str, Any]:
    """The row of the `annotations` table that stores `a`."""
    return {
        "id": a.id,
        "item_id": a.item_id,
        "media_sha256": a.media_sha256,
        "frame_index": a.frame_index,
        "pts": a.pts,
        "frame_pixel_sha256": a.frame_pixel_sha256,
        "frame_width": a.frame_width,
        "frame_height": a.frame_height,
        "kind": a.kind,
        "geometry": _dumps([[x, y] for x, y in a.points]),
        "label": a.label,
        "note": a.note,
        "attributes": _dumps(a.attributes),
        "track_id": a.track_id,
        "keyframe": int(a.keyframe),
        "outside": int(a.outside),
        "created_at": a.created_at,
        "created_by": a.created_by,
        "updated_at": a.updated_at,
    }


def row_to_annotation(row: Mapping[str, Any]) -> Annotation:
    """Build an `Annotation` from a row of the `annotations` table."""
    return Annotation(
        id=row["id"],
        item_id=row["item_id"],
        media_sha256=row["media_sha256"],
        frame_index=int(row["frame_index"]),
        pts=None if row["pts"] is None else float(row["pts"]),
        frame_pixel_sha256=row["frame_pixel_sha256"],
        frame_width=int(row["frame_width"]),
        frame_height=int(row["frame_height"]),
        kind=row["kind"],
        points=tuple((float(x), float(y)) for x, y in json.loads(row["geometry"])),
        label=row["label"],
        note=row["note"],
        attributes=json.loads(row["attributes"] or "{}"),
        track_id=row["track_id"],
        keyframe=bool(row["keyframe"]),
        outside=bool(row["outside"]),
        created_at=row["created_at"],
        created_by=row["created_by"],
        updated_at=row["updated_at"],
    )


def track_row(t: Track) -> dict[str, Any]:
    """The row of the `annotation_tracks` table that stores `t`."""
    return {
        "id": t.id,
        "item_id": t.item_id,
        "media_sha256": t.media_sha256,
        "label": t.label,
        "note": t.note,
        "attributes": _dumps(t.attributes),
        "created_at": t.created_at,
        "created_by": t.created_by,
        "updated_at": t.updated_at,
    }


def row_to_track(row: Mapping[str, Any]) -> Track:
    """Build a `Track` from a row of the `annotation_tracks` table."""
    return Track(
        id=row["id"],
        item_id=row["item_id"],
        media_sha256=row["media_sha256"],
        label=row["label"],
        note=row["note"],
        attributes=json.loads(row["attributes"] or "{}"),
        created_at=row["created_at"],
        created_by=row["created_by"],
        updated_at=row["updated_at"],
    )


def row_to_label(row: Mapping[str, Any]) -> Label:
    """Build a `Label` from a row of the `annotation_labels` table."""
    return Label(row["id"], row["name"], row["color"], row["created_at"], row["created_by"])


def row_to_link(row: Mapping[str, Any]) -> Link:
    """Build a `Link` from a row of the `annotation_links` table."""
    return Link(**{c: row[c] for c in _LINK_COLUMNS})
