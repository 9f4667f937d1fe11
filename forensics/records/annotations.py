"""Records of annotations: marks on a frame, tracks across frames, links to what they prove.

Geometry is kept in image pixels of the decoded frame as a tuple of `(x, y)` points whose
meaning depends on the shape: a box is its top-left and bottom-right corners, a point one
point, a polygon its vertices, an arrow a free-hand line from its tail to its head.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, ClassVar

from forensics.records.declare import RecordType, col

Point = tuple[float, float]
Points = tuple[Point, ...]


class ShapeKind(enum.StrEnum):
    """The shapes an analyst draws (their values are what the database stores)."""

    BOX = "box"
    POINT = "point"
    POLYGON = "polygon"
    ARROW = "arrow"

    ALL: ClassVar[tuple[str, ...]]


ShapeKind.ALL = tuple(k.value for k in ShapeKind)


class TargetType(enum.StrEnum):
    """What an annotation can support."""

    ITEM = "item"
    COMPONENT = "component"
    MANUFACTURER = "manufacturer"
    HYPOTHESIS = "hypothesis"

    ALL: ClassVar[tuple[str, ...]]


TargetType.ALL = tuple(t.value for t in TargetType)


STILL = -1
"""`frame_index` of an annotation on a still image."""

DEFAULT_LABELS: tuple[tuple[str, str], ...] = (
    ("vehicle", "#e6194b"),
    ("lantern", "#f58231"),
    ("signage", "#ffe119"),
    ("landmark", "#3cb44b"),
    ("reflection", "#42d4f4"),
    ("camera", "#4363d8"),
    ("component", "#911eb4"),
    ("marking", "#f032e6"),
    ("person", "#a9a9a9"),
)
"""The label set a new case starts with; analysts add their own."""


@dataclass(frozen=True)
class FrameAnchor:
    """Everything that pins a frame down across machines and decoders."""

    item_id: str
    media_sha256: str
    frame_index: int
    pts: float | None
    pixel_sha256: str
    width: int
    height: int


@dataclass(frozen=True)
class Annotation:
    """One mark on one frame (or one keyframe of a track)."""

    id: str
    item_id: str
    media_sha256: str
    frame_index: int
    pts: float | None
    frame_pixel_sha256: str
    frame_width: int
    frame_height: int
    kind: str = field(metadata=col(vocabulary=ShapeKind))
    points: Points = field(metadata=col(column="geometry"))
    """(x, y) pixels; what they mean depends on `kind`."""
    label: str
    note: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    track_id: str | None = None
    keyframe: bool = False
    outside: bool = False
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""

    @property
    def anchor(self) -> FrameAnchor:
        """The frame this annotation is on."""
        return FrameAnchor(
            self.item_id,
            self.media_sha256,
            self.frame_index,
            self.pts,
            self.frame_pixel_sha256,
            self.frame_width,
            self.frame_height,
        )

    def bbox(self) -> tuple[float, float, float, float]:
        """`(x, y, width, height)` around the shape (a point gives a zero-size box)."""
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)

    def to_record(self) -> dict[str, Any]:
        """The JSON-able state whose digest the custody log keeps."""
        return ANNOTATION.state(self)


@dataclass(frozen=True)
class Track:
    """One object followed across frames: its keyframes are annotations with its id."""

    id: str
    item_id: str
    media_sha256: str
    label: str
    note: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""

    def to_record(self) -> dict[str, Any]:
        """The JSON-able state whose digest the custody log keeps."""
        return TRACK.state(self)


@dataclass(frozen=True)
class Link:
    """An annotation supports a record of the case: an item, component, maker or hypothesis."""

    id: str
    annotation_id: str
    target_type: str
    target_id: str
    note: str | None = None
    created_at: str = ""
    created_by: str = ""

    def to_record(self) -> dict[str, Any]:
        """The JSON-able state whose digest the custody log keeps."""
        return LINK.state(self)


@dataclass(frozen=True)
class Label:
    """One entry of the case's label set."""

    id: str
    name: str
    color: str
    created_at: str = ""
    created_by: str = ""

    def to_record(self) -> dict[str, Any]:
        """The JSON-able state whose digest the custody log keeps."""
        return LABEL.state(self)


@dataclass(frozen=True)
class LabelSet:
    """The labels a case offers, in order."""

    labels: tuple[Label, ...]

    def names(self) -> list[str]:
        """The label names."""
        return [label.name for label in self.labels]

    def color(self, name: str) -> str:
        """The colour of a label (grey for one the set does not know)."""
        for label in self.labels:
            if label.name == name:
                return label.color
        return "#cccccc"

    def __contains__(self, name: object) -> bool:
        return any(label.name == name for label in self.labels)


@dataclass(frozen=True)
class AnnotationFilter:
    """Which annotations a listing shows."""

    label: str | None = None
    item_id: str | None = None
    link: tuple[str, str | None] | None = None
    """`(target_type, target_id or None)`: annotations with such a link."""
    track_id: str | None = None
    frame_index: int | None = None


ANNOTATION = RecordType(Annotation, subject="annotation", table="annotations")
TRACK = RecordType(Track, subject="track", table="annotation_tracks")
LINK = RecordType(Link, subject="annotation_link", table="annotation_links")
LABEL = RecordType(Label, subject="annotation_label", table="annotation_labels")

RECORD_TYPES: tuple[RecordType[Any], ...] = (ANNOTATION, TRACK, LINK, LABEL)
"""The annotation record types."""
