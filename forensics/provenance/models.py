"""The provenance records, by their historical import path.

They are declared in `forensics.records.provenance` (the leaf layer the store builds on).
"""

from __future__ import annotations

from forensics.records.provenance import (
    CITATION_TARGETS,
    CREDIBILITY,
    FUNCTIONS,
    RELIABILITY,
    SOURCE_KINDS,
    Alias,
    Basis,
    Citation,
    Claim,
    Component,
    ComponentLink,
    Confidence,
    Evidence,
    Figure,
    Manufacturer,
    MarkingDecision,
    Source,
    SourceRef,
)

__all__ = [
    "CITATION_TARGETS",
    "CREDIBILITY",
    "FUNCTIONS",
    "RELIABILITY",
    "SOURCE_KINDS",
    "Alias",
    "Basis",
    "Citation",
    "Claim",
    "Component",
    "ComponentLink",
    "Confidence",
    "Evidence",
    "Figure",
    "Manufacturer",
    "MarkingDecision",
    "Source",
    "SourceRef",
]
