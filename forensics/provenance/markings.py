"""The marking assistant: manufacturer suggestions from what is printed on a part.

The catalogue of part-number patterns is data (`seeds/part_patterns.csv`), one regular
expression per part family or brand name, each naming the manufacturer it is well established
to belong to. A suggestion always carries the pattern that matched, so the analyst sees why;
accepting one records the decision and links the component, rejecting one records the
decision only. Reference facts about the manufacturers (country, city) come from
`seeds/manufacturers.csv` and are added to the case's registry on first use.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from forensics.case import Case
from forensics.errors import ValidationError
from forensics.provenance.components import link_component
from forensics.provenance.manufacturers import add_manufacturer, parse_alias
from forensics.provenance.models import (
    Basis,
    Component,
    Confidence,
    Manufacturer,
    MarkingDecision,
)
from forensics.records.provenance import Decision, ProvenanceAction
from forensics.store.db import utc_now
from forensics.store.provenance import ProvenanceRepository

BRAND = "brand"
PART_FAMILY = "part family"


@dataclass(frozen=True)
class PartPattern:
    """One catalogue entry: a pattern and the manufacturer it points to."""

    pattern_id: str
    regex: str
    manufacturer: str
    kind: str
    """"part family" (a part-number scheme) or "brand" (the maker's name printed)."""
    family: str = ""
    function: str = ""
    note: str = ""

    @property
    def compiled(self) -> re.Pattern[str]:
        """The regular expression, case-insensitive."""
        return _compile(self.regex)


@dataclass(frozen=True)
class Suggestion:
    """One manufacturer suggestion for a marking, with the pattern behind it."""

    pattern_id: str
    pattern: str
    manufacturer: str
    kind: str
    matched_text: str
    start: int
    end: int
    family: str = ""
    function: str = ""
    note: str = ""
    country_code: str | None = None

    @property
    def basis(self) -> str:
        """The link basis accepting this suggestion records."""
        return Basis.MARKING if self.kind == BRAND else Basis.CATALOGUE

    def to_json(self) -> dict[str, Any]:
        """As `pwb markings --json` prints it."""
        return {
            "manufacturer": self.manufacturer,
            "country_code": self.country_code,
            "pattern_id": self.pattern_id,
            "pattern": self.pattern,
            "kind": self.kind,
            "matched_text": self.matched_text,
            "span": [self.start, self.end],
            # The catalogue leaves a column empty when it does not know: null, not "".
            "family": self.family or None,
            "function": self.function or None,
            "note": self.note or None,
            "basis_if_accepted": self.basis,
        }


@cache
def _compile(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.IGNORECASE)


def _seed_text(name: str) -> str:
    return resources.files("seeds").joinpath(name).read_text(encoding="utf-8")


def parse_patterns(text: str) -> tuple[PartPattern, ...]:
    """Read a pattern catalogue in CSV form.

    Raises:
        ValidationError: a duplicate id, a bad regular expression or a missing field.
    """
    out: list[PartPattern] = []
    seen: set[str] = set()
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        pid = (row.get("pattern_id") or "").strip()
        regex = row.get("regex") or ""
        maker = (row.get("manufacturer") or "").strip()
        kind = (row.get("kind") or "").strip()
        if not pid or not regex or not maker or kind not in (BRAND, PART_FAMILY):
            raise ValidationError(
                f"part patterns line {line}: id, regex, manufacturer and "
                f"kind ({BRAND} or {PART_FAMILY}) are required"
            )
        if pid in seen:
            raise ValidationError(f"part patterns line {line}: duplicate id {pid}")
        try:
            _compile(regex)
        except re.error as exc:
            raise ValidationError(f"part patterns line {line} ({pid}): {exc}") from exc
        seen.add(pid)
        out.append(
            PartPattern(
                pid,
                regex,
                maker,
                kind,
                (row.get("family") or "").strip(),
                (row.get("function") or "").strip(),
                (row.get("note") or "").strip(),
            )
        )
    return tuple(out)


@cache
def load_patterns() -> tuple[PartPattern, ...]:
    """The catalogue shipped in `seeds/part_patterns.csv`."""
    return parse_patterns(_seed_text("part_patterns.csv"))


@dataclass(frozen=True)
class ReferenceManufacturer:
    """Reference facts about a manufacturer from `seeds/manufacturers.csv`."""

    name: str
    aliases: tuple[str, ...]
    country_code: str | None
    region: str | None
    city: str | None
    notes: str | None


@cache
def reference_manufacturers() -> dict[str, ReferenceManufacturer]:
    """The reference catalogue by name (case-folded)."""
    out: dict[str, ReferenceManufacturer] = {}
    for row in csv.DictReader(io.StringIO(_seed_text("manufacturers.csv"))):
        aliases = tuple(a for a in (row.get("aliases") or "").split("|") if a.strip())
        ref = ReferenceManufacturer(
            row["name"].strip(),
            aliases,
            row.get("country_code") or None,
            row.get("region") or None,
            row.get("city") or None,
            row.get("notes") or None,
        )
        out[ref.name.casefold()] = ref
    return out


def normalise_marking(marking: str) -> str:
    """The marking as patterns see it: one line, unified dashes, single spaces."""
    text = marking.replace("\u2010", "-").replace("\u2011", "-").replace("\u2013", "-")
    return re.sub(r"\s+", " ", text).strip()


def suggest(marking: str, patterns: tuple[PartPattern, ...] | None = None) -> list[Suggestion]:
    """Manufacturer suggestions for a marking, part families before brand names.

    Args:
        marking: the text as read off the part (several lines allowed).
        patterns: a catalogue; the shipped one when None.

    Returns:
        One suggestion per matching pattern, each naming the text it matched.
    """
    text = normalise_marking(marking)
    refs = reference_manufacturers()
    out: list[Suggestion] = []
    for pattern in patterns if patterns is not None else load_patterns():
        match = pattern.compiled.search(text)
        if match is None:
            continue
        ref = refs.get(pattern.manufacturer.casefold())
        out.append(
            Suggestion(
                pattern.pattern_id,
                pattern.regex,
                pattern.manufacturer,
                pattern.kind,
                match.group(0),
                match.start(),
                match.end(),
                pattern.family,
                pattern.function,
                pattern.note,
                ref.country_code if ref else None,
            )
        )
    out.sort(key=lambda s: (s.kind != PART_FAMILY, s.start))
    return out


def ensure_manufacturer(case: Case, name: str, *, actor: str | None = None) -> Manufacturer:
    """The case's manufacturer of this name, registered from the reference catalogue if new."""
    repo = ProvenanceRepository(case.db)
    found = repo.manufacturer_named(name)
    if found is not None:
        return found
    ref = reference_manufacturers().get(name.casefold())
    if ref is None:
        return add_manufacturer(
            case, name=name, actor=actor, reason="named by an accepted marking suggestion"
        )
    return add_manufacturer(
        case,
        name=ref.name,
        aliases=[parse_alias(a) for a in ref.aliases],
        country=ref.country_code,
        region=ref.region,
        city=ref.city,
        notes=ref.notes,
        actor=actor,
        reason="from the reference catalogue (seeds/manufacturers.csv)",
    )


def decide(
    case: Case,
    component_id: str,
    suggestion: Suggestion,
    *,
    accept: bool,
    confidence: str = Confidence.PROBABLE,
    basis_note: str | None = None,
    actor: str | None = None,
    reason: str | None = None,
) -> MarkingDecision:
    """Record the analyst's answer to a suggestion; accepting links the component.

    `basis_note` is the analyst's own words for the basis (what was seen, where); it leads the
    link's note, before the pattern that matched, so the attribution reads as the analyst's.

    Raises:
        NotFoundError: no such component.
        ValidationError: a bad confidence.
    """
    if confidence not in Confidence.ALL:
        raise ValidationError(f"confidence must be one of: {', '.join(Confidence.ALL)}")
    repo = ProvenanceRepository(case.db)
    repo.get(Component, component_id)
    actor = case.actor(actor)
    link_id: str | None = None
    with case.transaction():
        if accept:
            manufacturer = ensure_manufacturer(case, suggestion.manufacturer, actor=actor)
            link = link_component(
                case,
                component_id,
                manufacturer.id,
                basis=suggestion.basis,
                confidence=confidence,
                actor=actor,
                reason=reason,
                note="; ".join(
                    p
                    for p in (
                        (basis_note or "").strip(),
                        f"marking assistant: '{suggestion.matched_text}' matched pattern "
                        f"{suggestion.pattern_id} ({suggestion.pattern})",
                    )
                    if p
                ),
            )
            link_id = link.id
        decision = record_decision(
            case,
            component_id,
            suggestion,
            accepted=accept,
            link_id=link_id,
            actor=actor,
            reason=reason,
        )
    return decision


def record_decision(
    case: Case,
    component_id: str,
    suggestion: Suggestion,
    *,
    accepted: bool,
    link_id: str | None,
    actor: str,
    reason: str | None,
    details: dict[str, Any] | None = None,
) -> MarkingDecision:
    """Store the analyst's answer to a suggestion with its custody entry.

    One place for every way a suggestion is answered (typed marking or text read from an image);
    `details` adds what the caller knows beyond the suggestion (the read, its annotation).
    """
    decision = MarkingDecision(
        id=str(uuid.uuid4()),
        component_id=component_id,
        pattern_id=suggestion.pattern_id,
        manufacturer_name=suggestion.manufacturer,
        matched_text=suggestion.matched_text,
        decision=Decision.ACCEPTED if accepted else Decision.REJECTED,
        link_id=link_id,
        created_at=utc_now(),
        created_by=actor,
    )
    with case.recording(actor) as rec:
        rec.insert(
            decision,
            ProvenanceAction.MARKING_DECISION,
            item_id=component_id,
            details={
                "decision": decision.decision,
                "pattern_id": suggestion.pattern_id,
                "manufacturer": suggestion.manufacturer,
                **(details or {}),
            },
            reason=reason,
        )
    return decision
