"""Rows of the media tables as records, and the values as SQLite gives them back.

Split from `media.py` (the repository): these are pure functions, shared by reading and by
building a record's custody state without reading it back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from forensics.records.declare import canonical_json
from forensics.records.media import MetadataRecord, Position, TrackPoint


def points_digest(points: tuple[TrackPoint, ...] | list[TrackPoint]) -> str:
    """sha256 of a track's points in canonical JSON: a point edited in place changes it."""
    return hashlib.sha256(canonical_json([p.to_json() for p in points]).encode("ascii")).hexdigest()


def real(value: float) -> float:
    """A value as a REAL column gives it back (an int stored there reads as a float)."""
    return float(value)


def real_or_none(value: float | None) -> float | None:
    """`real` for a column that may be NULL."""
    return None if value is None else float(value)


def json_list(values: tuple[str, ...]) -> str:
    """A list of strings in canonical JSON (most are empty)."""
    return canonical_json(list(values)) if values else "[]"


_DECODERS_JSON: dict[tuple[tuple[str, str], ...], str] = {}
"""The JSON of each set of decoder versions seen (an extractor's is the same for every file)."""


def decoders_json(decoders: Mapping[str, str]) -> str:
    """The decoder versions of a record as stored (canonical JSON)."""
    key = tuple(decoders.items())
    found = _DECODERS_JSON.get(key)
    if found is None:
        found = canonical_json(dict(decoders))
        if len(_DECODERS_JSON) < 256:
            _DECODERS_JSON[key] = found
    return found


def row_to_record(row: Mapping[str, Any]) -> MetadataRecord:
    """A `media_metadata` row as a record."""
    return MetadataRecord(
        id=row["id"],
        item_id=row["item_id"],
        extractor=row["extractor"],
        extractor_version=row["extractor_version"],
        source_sha256=row["source_sha256"],
        status=row["status"],
        facts=json.loads(row["facts"]),
        warnings=tuple(json.loads(row["warnings"])),
        errors=tuple(json.loads(row["errors"])),
        created_at=row["created_at"],
        created_by=row["created_by"],
        updated_at=row["updated_at"],
        decoders=json.loads(row["decoders"] or "{}"),
    )


def row_to_position(row: Mapping[str, Any]) -> Position:
    """A `media_positions` row as a position."""
    return Position(
        id=row["id"],
        item_id=row["item_id"],
        lat=row["lat"],
        lon=row["lon"],
        alt=row["alt"],
        source=row["source"],
        time=row["time"],
        direction=row["direction"],
        detail=row["detail"],
        extractor=row["extractor"],
        extractor_version=row["extractor_version"],
        source_sha256=row["source_sha256"],
        created_at=row["created_at"],
    )
