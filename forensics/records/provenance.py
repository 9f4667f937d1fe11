"""Records of component provenance: manufacturers, components, links, sources, claims, figures.

Every record is a frozen dataclass whose `record()` is the JSON-able state the custody log
digests, so `verify` can tell when a row was edited behind the log's back.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from forensics.records.declare import CustodyActionEnum, RecordType


class Basis(enum.StrEnum):
    """Why a component is attributed to a manufacturer."""

    MARKING = "marking observed"
    LOGO = "logo"
    PACKAGING = "packaging"
    DOCUMENT = "document"
    INFERENCE = "analyst inference"
    CATALOGUE = "external catalogue"
    READ = "marking read from image"
    """A marking read by OCR off a photo; the annotation of the region read is the evidence."""

    ALL: ClassVar[tuple[str, ...]]


Basis.ALL = tuple(b.value for b in Basis)


class Confidence(enum.StrEnum):
    """How sure the analyst is of a link, strongest first."""

    CONFIRMED = "confirmed"
    PROBABLE = "probable"
    POSSIBLE = "possible"
    DOUBTFUL = "doubtful"

    ALL: ClassVar[tuple[str, ...]]

    @staticmethod
    def rank(value: str) -> int:
        """0 for the strongest; unknown values rank last."""
        return Confidence.ALL.index(value) if value in Confidence.ALL else len(Confidence.ALL)


Confidence.ALL = tuple(c.value for c in Confidence)

CONFIDENCE_SCALE = "attribution confidence"
"""The name the GUI, CLI and report give this scale (a place has its own: `geoloc`'s)."""

CONFIDENCE_MEANING: dict[str, str] = {
    Confidence.CONFIRMED: "the maker is established: its own marking or logo read on the part, "
    "or a document that names this very part",
    Confidence.PROBABLE: "more likely than not: a marking or catalogue match that fits and "
    "nothing that points elsewhere",
    Confidence.POSSIBLE: "one indication only (a look-alike, an inference), not yet checked",
    Confidence.DOUBTFUL: "recorded but the evidence points away from this maker",
}
"""What each attribution confidence means, shown beside every choice of it."""


class LinkStatus(enum.StrEnum):
    """A component link is withdrawn, never deleted."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class Decision(enum.StrEnum):
    """The analyst's answer to a marking-assistant suggestion."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ProvenanceAction(CustodyActionEnum):
    """Custody actions of the provenance records."""

    MANUFACTURER_ADDED = "manufacturer_added", "manufacturer registered"
    MANUFACTURER_EDITED = "manufacturer_edited", "manufacturer changed"
    COMPONENT_ADDED = "component_added", "component registered"
    COMPONENT_EDITED = "component_edited", "component changed"
    LINKED = "component_linked", "component linked to its manufacturer"
    LINK_WITHDRAWN = "component_link_withdrawn", "component link withdrawn"
    SOURCE_ADDED = "source_added", "source registered"
    SOURCE_EDITED = "source_edited", "source changed"
    CLAIM_ADDED = "claim_added", "claim recorded from a source"
    FIGURE_ADDED = "figure_added", "figure recorded from a source"
    CITED = "source_cited", "source cited"
    MARKING_DECISION = "marking_suggestion_decided", "marking suggestion answered"


FUNCTIONS = (
    "camera",
    "gimbal",
    "GNSS receiver",
    "flight controller",
    "MCU",
    "IMU",
    "barometer",
    "magnetometer",
    "radio",
    "video transmitter",
    "modem",
    "antenna",
    "ESC",
    "battery",
    "motor",
    "propeller",
    "servo",
    "fibre-optic spool",
    "memory",
    "power module",
    "connector",
    "airframe",
    "warhead",
    "engine",
    "other",
)
"""Suggested component functions; free text is accepted for anything else."""

SOURCE_KINDS = ("report", "article", "channel", "document")

RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
"""Admiralty (NATO) source reliability."""

CREDIBILITY = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
"""Admiralty (NATO) information credibility."""

CITATION_TARGETS = (
    "item",
    "component_link",
    "hypothesis",
    "figure",
    "claim",
    "manufacturer",
    "component",
)
"""What a source can be cited by."""


@dataclass(frozen=True)
class Alias:
    """Another name of a manufacturer: a Latin spelling or a name in its native script."""

    name: str
    script: str = "Latin"
    """"Latin", "Han", "Cyrillic"… as the analyst recorded it."""


@dataclass(frozen=True)
class Manufacturer:
    """A company that makes components, as the analyst's registry knows it."""

    id: str
    name: str
    aliases: tuple[Alias, ...] = ()
    country_code: str | None = None
    """ISO 3166-1 alpha-2."""
    country_name: str | None = None
    region: str | None = None
    city: str | None = None
    notes: str | None = None
    listing_status: str | None = None
    """Sanctions or listing status as the analyst entered it (e.g. "EU Annex IV, 2024")."""
    listing_source_id: str | None = None
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""

    def record(self) -> dict[str, Any]:
        """The state the custody log digests."""
        return MANUFACTURER.state(self)

    def place(self) -> str:
        """ "City, Region, Country" with what is known."""
        return ", ".join(p for p in (self.city, self.region, self.country_name) if p)

    def matches(self, name: str) -> bool:
        """True when `name` is this manufacturer's name or one of its aliases (any case)."""
        wanted = name.casefold().strip()
        return wanted == self.name.casefold() or any(
            wanted == a.name.casefold() for a in self.aliases
        )


@dataclass(frozen=True)
class Component:
    """A component recovered inside a piece of hardware; it extends the item with its id."""

    id: str
    """The id of its item (kind "component") in the teardown tree."""
    function: str
    part_number: str | None = None
    marking: str | None = None
    """The marking text exactly as read, line breaks included."""
    date_code: str | None = None
    lot_code: str | None = None
    photo_item_ids: tuple[str, ...] = ()
    notes: str | None = None
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""

    def record(self) -> dict[str, Any]:
        """The state the custody log digests."""
        return COMPONENT.state(self)


@dataclass(frozen=True)
class ComponentLink:
    """The attribution of a component to a manufacturer, with its basis and confidence."""

    id: str
    component_id: str
    manufacturer_id: str
    basis: str
    confidence: str
    note: str | None = None
    status: str = "active"
    """"active" or "withdrawn" (a link is withdrawn, never deleted)."""
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""

    def record(self) -> dict[str, Any]:
        """The state the custody log digests."""
        return COMPONENT_LINK.state(self)


@dataclass(frozen=True)
class Source:
    """Where information came from, graded with the Admiralty system."""

    id: str
    kind: str
    title: str
    author: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: str | None = None
    """ISO date, possibly partial ("2025", "2025-07")."""
    reliability: str = "F"
    credibility: int = 6
    notes: str | None = None
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""

    @property
    def grade(self) -> str:
        """The Admiralty grade, e.g. "B2"."""
        return f"{self.reliability}{self.credibility}"

    def record(self) -> dict[str, Any]:
        """The state the custody log digests."""
        return SOURCE.state(self)


@dataclass(frozen=True)
class Claim:
    """Something a source stated, with the date it refers to or was made."""

    id: str
    source_id: str
    text: str
    claim_date: str | None = None
    created_at: str = ""
    created_by: str = ""

    def record(self) -> dict[str, Any]:
        """The state the custody log digests."""
        return CLAIM.state(self)


@dataclass(frozen=True)
class Figure:
    """A number a source gave: value, unit, what it measures and as of when."""

    id: str
    what: str
    value: float
    unit: str
    as_of: str | None = None
    claim_id: str | None = None
    created_at: str = ""
    created_by: str = ""

    def record(self) -> dict[str, Any]:
        """The state the custody log digests."""
        return FIGURE.state(self)


@dataclass(frozen=True)
class Citation:
    """A record citing a source (an item, a component link, a hypothesis, a figure...)."""

    id: str
    source_id: str
    target_type: str
    target_id: str
    locator: str | None = None
    """Where in the source: a page, a post number, a timestamp."""
    note: str | None = None
    created_at: str = ""
    created_by: str = ""

    def record(self) -> dict[str, Any]:
        """The state the custody log digests."""
        return CITATION.state(self)


@dataclass(frozen=True)
class MarkingDecision:
    """The analyst's answer to one marking-assistant suggestion."""

    id: str
    component_id: str
    pattern_id: str
    manufacturer_name: str
    matched_text: str
    decision: str
    """"accepted" or "rejected"."""
    link_id: str | None = None
    created_at: str = ""
    created_by: str = ""

    def record(self) -> dict[str, Any]:
        """The state the custody log digests."""
        return MARKING_DECISION.state(self)


@dataclass(frozen=True)
class SourceRef:
    """A cited source as shown next to a fact: id, title and grade."""

    id: str
    title: str
    grade: str
    published: str | None = None
    locator: str | None = None

    def to_json(self) -> dict[str, Any]:
        """As JSON."""
        return asdict(self)


@dataclass(frozen=True)
class Evidence:
    """What supports one edge of the provenance graph."""

    summary: str
    basis: str | None = None
    confidence: str | None = None
    sources: tuple[SourceRef, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "summary": self.summary,
            "basis": self.basis,
            "confidence": self.confidence,
            "sources": [s.to_json() for s in self.sources],
        }


MANUFACTURER = RecordType(Manufacturer, subject="manufacturer", table="manufacturers")
COMPONENT = RecordType(Component, subject="component", table="components")
COMPONENT_LINK = RecordType(ComponentLink, subject="component_link", table="component_links")
SOURCE = RecordType(Source, subject="source", table="sources")
CLAIM = RecordType(Claim, subject="claim", table="claims")
FIGURE = RecordType(Figure, subject="figure", table="figures")
CITATION = RecordType(Citation, subject="citation", table="citations")
MARKING_DECISION = RecordType(
    MarkingDecision, subject="marking_decision", table="marking_decisions"
)

RECORD_TYPES: tuple[RecordType[Any], ...] = (
    MANUFACTURER,
    COMPONENT,
    COMPONENT_LINK,
    SOURCE,
    CLAIM,
    FIGURE,
    CITATION,
    MARKING_DECISION,
)
"""The provenance record types, in the order their tables were made."""
