"""Geolocation records: hypotheses of where an item was made, their history and evidence.

The rules (validation, who may change what, consistency) live in `geoloc.hypotheses`; the SQL
in `forensics.store.hypotheses`. These are the records both speak.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from forensics.records.declare import CustodyActionEnum, RecordType


class Method(enum.StrEnum):
    """How a place was found."""

    EXIF_GPS = "exif_gps"
    CONTAINER_LOCATION = "container_location"
    DRONE_TELEMETRY = "drone_telemetry"
    VISUAL_LANDMARK = "visual_landmark"
    SIGNAGE_LANGUAGE = "signage_language"
    REFLECTION = "reflection"
    SUN_SHADOW = "sun_shadow"
    REPORTED_BY_SOURCE = "reported_by_source"


class HypothesisStatus(enum.StrEnum):
    """Where a hypothesis stands."""

    PROPOSED = "proposed"
    SUPPORTED = "supported"
    REFUTED = "refuted"
    CONFIRMED = "confirmed"


class GeoConfidence(enum.StrEnum):
    """How sure the analyst is of a place (the Berkeley Protocol's scale)."""

    VERIFIED = "verified"
    STRONG_POSSIBILITY = "strong possibility"
    POSSIBLE = "possible"
    UNVERIFIED = "unverified"
    FALSE = "false"


GEO_CONFIDENCE_SCALE = "place confidence (Berkeley Protocol)"
"""The name the GUI, CLI and report give this scale (a maker has its own: attribution)."""

GEO_CONFIDENCE_MEANING: dict[str, str] = {
    GeoConfidence.VERIFIED: "the place is established by independent clues that agree",
    GeoConfidence.STRONG_POSSIBILITY: "several clues fit and none contradicts, not yet verified",
    GeoConfidence.POSSIBLE: "some clues fit; others are missing or ambiguous",
    GeoConfidence.UNVERIFIED: "proposed, not yet examined",
    GeoConfidence.FALSE: "examined and ruled out",
}
"""What each place confidence means, shown beside every choice of it."""


class Origin(enum.StrEnum):
    """Who made a hypothesis: an analyst, or a position found in the item's metadata."""

    ANALYST = "analyst"
    METADATA = "metadata"


class Stance(enum.StrEnum):
    """What a piece of evidence says about a hypothesis."""

    SUPPORTING = "supporting"
    CONTRADICTING = "contradicting"


class EvidenceKind(enum.StrEnum):
    """What kind of record a piece of evidence is."""

    ANNOTATION = "annotation"
    ITEM = "item"
    SOURCE = "source"
    FRAME = "frame"


class GeoAction(CustodyActionEnum):
    """The custody actions of geolocation."""

    ADDED = "hypothesis_added", "geolocation hypothesis added"
    EDITED = "hypothesis_edited", "geolocation hypothesis changed"
    DELETED = "hypothesis_deleted", "geolocation hypothesis deleted"
    LINKED = "hypothesis_evidence_linked", "evidence linked to a hypothesis"
    UNLINKED = "hypothesis_evidence_unlinked", "evidence unlinked from a hypothesis"
    SUN_CHECKED = "hypothesis_sun_checked", "sun position checked at a hypothesis"
    """The sun's position (and a measured shadow) checked at the hypothesis: a version of
    its own in the history, the result in `changes["sun_check"]`."""


METHODS: tuple[str, ...] = tuple(m.value for m in Method)
STATUSES: tuple[str, ...] = tuple(s.value for s in HypothesisStatus)
CONFIDENCES: tuple[str, ...] = tuple(c.value for c in GeoConfidence)
ORIGINS: tuple[str, ...] = tuple(o.value for o in Origin)
STANCES: tuple[str, ...] = tuple(s.value for s in Stance)
LINK_KINDS: tuple[str, ...] = tuple(k.value for k in EvidenceKind)


@dataclass(frozen=True)
class Hypothesis:
    """Where an item (or a frame range of it) was made, as one analyst or its metadata says."""

    id: str
    item_id: str | None
    frame_start: int | None
    frame_end: int | None
    geometry: str
    """"point" (lat/lon with `radius_m`) or "area" (`area` outline; lat/lon its centroid)."""
    lat: float
    lon: float
    radius_m: float | None
    area: tuple[tuple[float, float], ...] | None
    """Outline as (lon, lat) pairs, GeoJSON order, not closed."""
    place_name: str | None
    methods: tuple[str, ...]
    status: str
    confidence: str
    analyst: str
    notes: str
    origin: str
    """"analyst" or "metadata" (made automatically from a position in the item's metadata)."""
    origin_ref: str | None
    """For metadata hypotheses: the metadata position's id."""
    version: int
    created_at: str
    created_by: str
    updated_at: str


@dataclass(frozen=True)
class EvidenceLink:
    """An annotation, item, frame or source that supports or contradicts a hypothesis."""

    id: str
    hypothesis_id: str
    stance: str
    kind: str
    target_id: str
    clue: str
    """Links sharing a clue are one observation (two frames of the same lantern)."""
    note: str
    created_at: str
    created_by: str

    def to_json(self) -> dict[str, Any]:
        """The link as `--json` documents show it: no note is null, not ""."""
        return GEO_EVIDENCE.state(self) | {"note": self.note or None}


@dataclass(frozen=True)
class HistoryEntry:
    """One version of a hypothesis: its full state after a change, who, when and why."""

    id: str
    hypothesis_id: str
    version: int
    action: str
    state: dict[str, Any]
    changes: dict[str, Any]
    reason: str | None
    created_at: str
    created_by: str


HYPOTHESIS = RecordType(Hypothesis, subject="geo_hypothesis", table="geo_hypotheses")
GEO_EVIDENCE = RecordType(EvidenceLink, subject="geo_evidence", table="geo_evidence")
HISTORY = RecordType(
    HistoryEntry, subject="geo_hypothesis_version", table="geo_hypothesis_history", logged=False
)
"""A version of a hypothesis: kept beside the log (each version's entry digests the state)."""

RECORD_TYPES: tuple[RecordType[Any], ...] = (HYPOTHESIS, GEO_EVIDENCE, HISTORY)
