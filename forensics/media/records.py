"""The metadata records, by their historical import path.

They are declared in `forensics.records.media` (the leaf layer the store builds on).
"""

from __future__ import annotations

from forensics.records.media import (
    ItemContent,
    MetadataField,
    MetadataGroup,
    MetadataRecord,
    MetadataStatus,
    MetadataView,
    Position,
    PositionSource,
    Track,
    TrackPoint,
)

__all__ = [
    "ItemContent",
    "MetadataField",
    "MetadataGroup",
    "MetadataRecord",
    "MetadataStatus",
    "MetadataView",
    "Position",
    "PositionSource",
    "Track",
    "TrackPoint",
]
