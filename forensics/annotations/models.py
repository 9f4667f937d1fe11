"""The annotation records, by their historical import path.

They are declared in `forensics.records.annotations` (the leaf layer the store builds on).
"""

from __future__ import annotations

from forensics.records.annotations import (
    DEFAULT_LABELS,
    STILL,
    Annotation,
    AnnotationFilter,
    FrameAnchor,
    Label,
    LabelSet,
    Link,
    Point,
    Points,
    ShapeKind,
    TargetType,
    Track,
)

__all__ = [
    "DEFAULT_LABELS",
    "STILL",
    "Annotation",
    "AnnotationFilter",
    "FrameAnchor",
    "Label",
    "LabelSet",
    "Link",
    "Point",
    "Points",
    "ShapeKind",
    "TargetType",
    "Track",
]
