"""Typed records of what metadata extraction found, as other features read them.

These are plain frozen dataclasses with no library behind them: the geolocation feature reads
`Position`s, the detail panel renders a `MetadataView` (groups of label/value pairs) without
knowing exifread or MediaInfo, and every record names the extractor, its version, the source
file's sha256 and when it ran, so each value can be traced back to the bytes it came from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, ClassVar

from forensics.records.declare import RecordType, col


class PositionSource(enum.StrEnum):
    """Where a position was read from (the values are what the database stores)."""

    EXIF = "exif"
    CONTAINER = "container"
    TELEMETRY = "telemetry"

    ALL: ClassVar[tuple[str, ...]]


PositionSource.ALL = tuple(p.value for p in PositionSource)


class MetadataStatus(enum.StrEnum):
    """How one extractor's run on one file went."""

    OK = "ok"
    WARNINGS = "warnings"
    DAMAGED = "damaged"
    TIMEOUT = "timeout"
    FAILED = "failed"


@dataclass(frozen=True)
class ItemContent:
    """The few facts of an item that extraction needs, read for many items in one query.

    Building whole `Item`s (tags, attributes and notes decoded from JSON) cost more per file
    than storing a small JPEG's EXIF record.
    """

    id: str
    kind: str
    name: str
    sha256: str | None
    mime: str | None
    size: int | None


@dataclass(frozen=True)
class Position:
    """One position found in a file's metadata, in WGS84 decimal degrees.

    For a telemetry track this is the track's first fix; the whole track is in `Track`.
    """

    id: str
    item_id: str
    lat: float
    lon: float
    alt: float | None
    source: str = field(metadata=col(vocabulary=PositionSource))
    """"exif", "container" or "telemetry" (see `PositionSource`)."""
    time: str | None
    """ISO 8601 as the file states it (with its offset when known), or None."""
    direction: float | None = None
    """Image direction in degrees when the file records one."""
    detail: str | None = None
    """Which tag or atom it came from (e.g. "GPS IFD", "©xyz", "loci", "SRT")."""
    extractor: str = ""
    extractor_version: str = ""
    source_sha256: str = ""
    created_at: str = ""

    def to_json(self) -> dict[str, Any]:
        """The position as `--json` documents show it."""
        return {
            "id": self.id,
            "item_id": self.item_id,
            "lat": self.lat,
            "lon": self.lon,
            "alt": self.alt,
            "source": self.source,
            "time": self.time,
            "direction": self.direction,
            "detail": self.detail,
            "extractor": self.extractor,
            "extractor_version": self.extractor_version,
            "source_sha256": self.source_sha256,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class TrackPoint:
    """One fix of a telemetry track."""

    seq: int
    lat: float
    lon: float
    alt: float | None
    time: str | None
    """Absolute time as the telemetry states it, when it does."""
    offset_s: float | None
    """Seconds from the start of the video (the subtitle's start time)."""
    speed_mps: float | None = None
    """Ground speed in m/s, when the telemetry records it (GoPro GPMF)."""
    fix: int | None = None
    """Satellite fix (0 none, 2 2D, 3 3D), when the telemetry records it (GoPro GPMF)."""

    def to_json(self) -> dict[str, Any]:
        """The point as `--json` documents show it.

        Speed and fix appear only when recorded, so the stored digest of a track read before
        they existed (a DJI SRT track) stays the same and `pwb verify` keeps matching it.
        """
        out: dict[str, Any] = {
            "seq": self.seq,
            "lat": self.lat,
            "lon": self.lon,
            "alt": self.alt,
            "time": self.time,
            "offset_s": self.offset_s,
        }
        if self.speed_mps is not None:
            out["speed_mps"] = self.speed_mps
        if self.fix is not None:
            out["fix"] = self.fix
        return out


@dataclass(frozen=True)
class Track:
    """A GPS track from telemetry (a DJI `.SRT` file, a GoPro GPMF track)."""

    id: str
    item_id: str
    layout: str
    """Which SRT layout it was read from ("gps-paren", "bracketed", ...)."""
    points: tuple[TrackPoint, ...]
    start_time: str | None
    end_time: str | None
    extractor: str = ""
    extractor_version: str = ""
    source_sha256: str = ""
    created_at: str = ""

    def to_json(self) -> dict[str, Any]:
        """The track as `--json` documents show it."""
        return {
            "id": self.id,
            "item_id": self.item_id,
            "layout": self.layout,
            "point_count": len(self.points),
            "start_time": self.start_time,
            "end_time": self.end_time,
            "extractor": self.extractor,
            "extractor_version": self.extractor_version,
            "source_sha256": self.source_sha256,
            "created_at": self.created_at,
            "points": [p.to_json() for p in self.points],
        }


@dataclass(frozen=True)
class MetadataRecord:
    """What one extractor found in one item: facts, warnings and errors, with provenance."""

    id: str
    item_id: str
    extractor: str
    extractor_version: str
    source_sha256: str
    status: str
    """"ok", "warnings", "damaged", "timeout" or "failed"."""
    facts: dict[str, Any] = field(default_factory=dict)
    """Groups of facts: group key -> {field key -> JSON value}."""
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    created_at: str = ""
    created_by: str = ""
    updated_at: str | None = None
    decoders: dict[str, str] = field(default_factory=dict, metadata=col(added_later=True))
    """The libraries that decoded the file, component key -> version (`forensics.versions`);
    empty for a record made before they were kept."""

    def to_json(self) -> dict[str, Any]:
        """The record as `--json` documents show it.

        `decoders` appears only when known, so the stored digest of a record made before they
        were kept stays the same and `pwb verify` keeps matching it.
        """
        out: dict[str, Any] = {
            "id": self.id,
            "item_id": self.item_id,
            "extractor": self.extractor,
            "extractor_version": self.extractor_version,
            "source_sha256": self.source_sha256,
            "status": self.status,
            "facts": self.facts,
            "warnings": list(self.warnings),
            "errors": list(self.errors),
            "created_at": self.created_at,
            "created_by": self.created_by,
            "updated_at": self.updated_at,
        }
        if self.decoders:
            out["decoders"] = dict(self.decoders)
        return out


@dataclass(frozen=True)
class MetadataField:
    """One fact of a metadata group: its typed value and the line a person reads.

    Both are kept because they serve different readers: `--json` and exports give `data` as
    the extractor stored it (8.0 stays a number, True a boolean), while panels and reports
    show `value`. Formatting only for display means no consumer ever parses text back.
    """

    label: str
    value: str
    """The value as displayed ("8", "yes", "1.5, 2.5")."""
    key: str = ""
    """The stable key of the fact (for copying or filtering), e.g. "gps.latitude"."""
    data: Any = None
    """The value as stored: a JSON number, boolean, string, list, object, or None."""


@dataclass(frozen=True)
class MetadataGroup:
    """A titled group of fields ("Camera", "Capture", "GPS", "EXIF tags"...)."""

    key: str
    label: str
    fields: tuple[MetadataField, ...]
    extractor: str = ""
    """Which extractor produced the group (with its version)."""


@dataclass(frozen=True)
class MetadataView:
    """Everything extraction found for one item, grouped for display.

    A panel renders `groups` in order as (label, value) rows; `warnings` and `errors` are
    plain sentences naming the tag or atom at fault.
    """

    item_id: str
    groups: tuple[MetadataGroup, ...]
    warnings: tuple[str, ...]
    errors: tuple[str, ...]
    records: tuple[MetadataRecord, ...]
    positions: tuple[Position, ...]

    @property
    def empty(self) -> bool:
        """True when no extractor has run on the item."""
        return not self.records

    def pairs(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The groups as plain `(group label, [(label, value), ...])` lists."""
        return [(g.label, [(f.label, f.value) for f in g.fields]) for g in self.groups]


METADATA = RecordType(
    MetadataRecord, subject="media_metadata", table="media_metadata", composite=True
)
"""One extractor's result for one item; its logged state includes its positions and tracks."""

POSITION = RecordType(Position, subject="media_position", table="media_positions", logged=False)
"""A position found in metadata; logged as part of its metadata record, never on its own."""
