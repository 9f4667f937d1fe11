"""Figures reported by sources, each with the claim it comes from and its graded sources.

The origin chart of a case counts the components the analyst recorded; the figures sources
report ("about 80 % of militarily usable components reaching Russia come from China") are a
different kind of number and must never be mixed into those counts. They are shown beside
them, each one carrying what it measures, its date and who said it with the Admiralty grade,
so a reader can weigh the number by its source. The CLI (`pwb figure list`) and the GUI's
"Reported figures" chart both read them through `reported_figures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forensics.case import Case
from forensics.provenance.models import Claim, Figure, Source
from forensics.provenance.sources import describe_grade
from forensics.store.provenance import ProvenanceRepository

PERCENT_UNITS = frozenset({"%", "percent", "per cent", "pct"})
"""Units read as a share out of 100 (charted as bars on a 0-100 scale)."""

NO_SOURCE = "no source cited"


@dataclass(frozen=True)
class FigureSource:
    """A source a figure cites, with what a reader needs to judge it."""

    id: str
    title: str
    grade: str
    grade_meaning: str
    kind: str
    author: str | None
    publisher: str | None
    url: str | None
    published: str | None
    locator: str | None
    notes: str | None

    def to_json(self) -> dict[str, Any]:
        """As `pwb figure list --json` prints it."""
        return {
            "id": self.id,
            "title": self.title,
            "grade": self.grade,
            "grade_meaning": self.grade_meaning,
            "kind": self.kind,
            "author": self.author,
            "publisher": self.publisher,
            "url": self.url,
            "published": self.published,
            "locator": self.locator,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class ReportedFigure:
    """A figure a source gave, with its claim and sources resolved."""

    id: str
    what: str
    value: float
    unit: str
    as_of: str | None
    claim_id: str | None
    claim_text: str | None
    claim_date: str | None
    claim_source: str | None
    """Title of the source that made the claim (it may differ from the figure's sources)."""
    sources: tuple[FigureSource, ...]

    @property
    def is_percentage(self) -> bool:
        """True when the value is a share out of 100."""
        return self.unit.strip().casefold() in PERCENT_UNITS

    @property
    def source_title(self) -> str:
        """The first cited source's title, or "no source cited"."""
        return self.sources[0].title if self.sources else NO_SOURCE

    @property
    def grade(self) -> str | None:
        """The first cited source's Admiralty grade, or None without a source."""
        return self.sources[0].grade if self.sources else None

    def as_of_label(self) -> str:
        """ "as of 2023-Q4", or "undated" when the source gave no date."""
        return f"as of {self.as_of}" if self.as_of else "undated"

    def sources_label(self) -> str:
        """Every cited source with its grade: "Title [B2]; Other [C3]"."""
        if not self.sources:
            return NO_SOURCE
        return "; ".join(f"{s.title} [{s.grade}]" for s in self.sources)

    def display_value(self) -> str:
        """The value as a reader expects it: "90 %", "US$900 million", "530,000 km"."""
        return format_value(self.value, self.unit)

    def to_json(self) -> dict[str, Any]:
        """As `pwb figure list --json` prints it: the number and its unit, typed; the
        formatted "US$47 million" is for people (`display_value`) and stays out."""
        return {
            "id": self.id,
            "what": self.what,
            "value": self.value,
            "unit": self.unit,
            "is_percentage": self.is_percentage,
            "as_of": self.as_of,
            "claim_id": self.claim_id,
            "claim": None
            if self.claim_id is None
            else {
                "text": self.claim_text,
                "date": self.claim_date,
                "source": self.claim_source,
            },
            "sources": [s.to_json() for s in self.sources],
        }


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.6g}"


def format_value(value: float, unit: str) -> str:
    """A figure's value with its unit, large money amounts in millions or billions."""
    unit = unit.strip()
    if unit.casefold() in PERCENT_UNITS:
        return f"{value:g} %"
    if unit.upper() == "USD":
        for scale, word in ((1e9, "billion"), (1e6, "million")):
            if abs(value) >= scale:
                return f"US${value / scale:g} {word}"
        return f"US${_number(value)}"
    return f"{_number(value)} {unit}"


def reported_figures(case: Case) -> list[ReportedFigure]:
    """Every figure of the case with its claim and cited sources, by date then subject.

    Figures without a date come first (SQLite sorts NULL first), as `pwb figure list` always
    listed them.
    """
    repo = ProvenanceRepository(case.db)
    claims: dict[str, Claim] = {c.id: c for c in repo.all(Claim)}
    sources: dict[str, Source] = {s.id: s for s in repo.all(Source)}
    out = []
    for figure in repo.all(Figure, order=("as_of", "what", "id")):
        claim = claims.get(figure.claim_id) if figure.claim_id else None
        claim_source = sources.get(claim.source_id) if claim is not None else None
        cited = tuple(
            FigureSource(
                id=s.id,
                title=s.title,
                grade=s.grade,
                grade_meaning=describe_grade(s),
                kind=s.kind,
                author=s.author,
                publisher=s.publisher,
                url=s.url,
                published=s.published,
                locator=c.locator,
                notes=s.notes,
            )
            for c, s in repo.citations_of("figure", figure.id)
        )
        out.append(
            ReportedFigure(
                id=figure.id,
                what=figure.what,
                value=figure.value,
                unit=figure.unit,
                as_of=figure.as_of,
                claim_id=figure.claim_id,
                claim_text=claim.text if claim is not None else None,
                claim_date=claim.claim_date if claim is not None else None,
                claim_source=claim_source.title if claim_source is not None else None,
                sources=cited,
            )
        )
    return out


def percentage_figures(figures: list[ReportedFigure]) -> list[ReportedFigure]:
    """The shares among `figures`, largest first (the order the chart draws them)."""
    shares = [f for f in figures if f.is_percentage]
    shares.sort(key=lambda f: (-f.value, f.as_of or "", f.what))
    return shares
