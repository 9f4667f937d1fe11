"""Where the components come from: each component's country, and shares by country and function.

Every number is traceable: each share lists the ids of the components it counts, and each
component names the link, basis, confidence and sources its country rests on. A component
without an active link (or whose manufacturer has no country) counts as "unknown" rather than
being left out, so the shares always add up to the components recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from forensics.case import Case
from forensics.provenance.models import Component, Manufacturer, SourceRef
from forensics.provenance.sources import source_refs
from forensics.store.provenance import ProvenanceRepository

UNKNOWN = "??"
UNKNOWN_LABEL = "unknown"


@dataclass(frozen=True)
class ComponentOrigin:
    """One component and the country its strongest active link points to."""

    component_id: str
    name: str
    function: str
    part_number: str | None
    marking: str | None
    parent_id: str | None
    manufacturer_id: str | None
    manufacturer: str | None
    country_code: str
    country_name: str
    link_id: str | None
    basis: str | None
    confidence: str | None
    sources: tuple[SourceRef, ...]

    def to_json(self) -> dict[str, Any]:
        """As `pwb origins --json` prints it."""
        return {
            "component_id": self.component_id,
            "name": self.name,
            "function": self.function,
            "part_number": self.part_number,
            "marking": self.marking,
            "parent_id": self.parent_id,
            "manufacturer_id": self.manufacturer_id,
            "manufacturer": self.manufacturer,
            "country_code": self.country_code,
            "country": self.country_name,
            "link_id": self.link_id,
            "basis": self.basis,
            "confidence": self.confidence,
            "sources": [s.to_json() for s in self.sources],
        }


@dataclass(frozen=True)
class OriginShare:
    """One bar of the chart: how many components, which share, and which ones."""

    key: str
    label: str
    count: int
    share: float
    component_ids: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "share": round(self.share, 6),
            "component_ids": list(self.component_ids),
        }


@dataclass(frozen=True)
class OriginReport:
    """The origin figures of one item (recursively) or of the whole case."""

    scope_item_id: str | None
    components: tuple[ComponentOrigin, ...]
    by_country: tuple[OriginShare, ...]
    by_function: tuple[OriginShare, ...]

    @property
    def total(self) -> int:
        """How many components were counted."""
        return len(self.components)

    def to_json(self) -> dict[str, Any]:
        """As `pwb origins --json` prints it."""
        return {
            "scope_item_id": self.scope_item_id,
            "total": self.total,
            "components": [c.to_json() for c in self.components],
            "by_country": [s.to_json() for s in self.by_country],
            "by_function": [s.to_json() for s in self.by_function],
        }


def component_origin(case: Case, component: Component) -> ComponentOrigin:
    """The origin of one component from its strongest active link."""
    repo = ProvenanceRepository(case.db)
    item = case.items.get(component.id)
    links = repo.links_of(component.id)
    if not links:
        return ComponentOrigin(
            component.id,
            item.name,
            component.function,
            component.part_number,
            component.marking,
            item.parent_id,
            None,
            None,
            UNKNOWN,
            UNKNOWN_LABEL,
            None,
            None,
            None,
            (),
        )
    link = links[0]
    maker = repo.get(Manufacturer, link.manufacturer_id)
    sources = source_refs(case, "component_link", link.id)
    return ComponentOrigin(
        component.id,
        item.name,
        component.function,
        component.part_number,
        component.marking,
        item.parent_id,
        maker.id,
        maker.name,
        maker.country_code or UNKNOWN,
        maker.country_name or UNKNOWN_LABEL,
        link.id,
        link.basis,
        link.confidence,
        sources,
    )


def _shares(
    origins: tuple[ComponentOrigin, ...],
    key: Callable[[ComponentOrigin], str],
    label: Callable[[ComponentOrigin], str],
) -> tuple[OriginShare, ...]:
    groups: dict[str, list[ComponentOrigin]] = defaultdict(list)
    for origin in origins:
        groups[key(origin)].append(origin)
    total = len(origins)
    shares = [
        OriginShare(k, label(v[0]), len(v), len(v) / total, tuple(o.component_id for o in v))
        for k, v in groups.items()
    ]
    shares.sort(key=lambda s: (s.key == UNKNOWN, -s.count, s.label))
    return tuple(shares)


def origins(case: Case, item_id: str | None = None) -> OriginReport:
    """The origin figures of an item's subtree, or of the whole case when `item_id` is None.

    Raises:
        NotFoundError: no such item.
    """
    if item_id is not None:
        case.items.get(item_id)
    repo = ProvenanceRepository(case.db)
    found = tuple(component_origin(case, c) for c in repo.components_under(item_id))
    return OriginReport(
        item_id,
        found,
        _shares(found, lambda o: o.country_code, lambda o: o.country_name),
        _shares(found, lambda o: o.function.casefold(), lambda o: o.function),
    )
