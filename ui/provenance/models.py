"""Table models of the provenance docks.

The provenance tables are small (a registry, not a catalogue of 100,000 files), so each model
holds a list of frozen records loaded from the core and replaced wholesale on reload.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import Qt

from forensics.provenance.models import CREDIBILITY, RELIABILITY, Claim, Manufacturer, Source
from forensics.provenance.origins import ComponentOrigin, OriginShare
from ui.table_model import ListTableModel

T = TypeVar("T")
Column = tuple[str, Callable[[Any], str]]


class RecordTableModel(ListTableModel[T]):
    """A read-only table of records with one function per column; rows are numbered."""

    def __init__(
        self,
        columns: Sequence[Column],
        tooltip: Callable[[Any], str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__([title for title, _ in columns], parent)
        self._columns = list(columns)
        self._tooltip = tooltip

    def row(self, row: int) -> T:
        """The record shown on a row."""
        return self._rows[row]

    def rows(self) -> list[T]:
        """Every record, in display order."""
        return list(self._rows)

    def cell(self, record: T, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[column][1](record)
        if role == Qt.ItemDataRole.ToolTipRole and self._tooltip is not None:
            return self._tooltip(record)
        if role == Qt.ItemDataRole.UserRole:
            return getattr(record, "id", None) or getattr(record, "component_id", None)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return section + 1
        return super().headerData(section, orientation, role)


def manufacturers_model(parent: Any = None) -> RecordTableModel[Manufacturer]:
    """Name, country, city, aliases, listing status."""
    return RecordTableModel(
        [
            ("Name", lambda m: m.name),
            (
                "Country",
                lambda m: f"{m.country_name or ''} ({m.country_code})" if m.country_code else "",
            ),
            ("City", lambda m: m.city or ""),
            ("Aliases", lambda m: ", ".join(a.name for a in m.aliases)),
            ("Listing", lambda m: m.listing_status or ""),
        ],
        tooltip=lambda m: m.notes or m.place(),
        parent=parent,
    )


def grade_tip(source: Source) -> str:
    """ "B: usually reliable / 2: probably true"."""
    return (
        f"{source.reliability}: {RELIABILITY[source.reliability]}\n"
        f"{source.credibility}: {CREDIBILITY[source.credibility]}"
    )


def sources_model(parent: Any = None) -> RecordTableModel[Source]:
    """Grade, kind, date, title, publisher."""
    return RecordTableModel(
        [
            ("Grade", lambda s: s.grade),
            ("Kind", lambda s: s.kind),
            ("Published", lambda s: s.published or ""),
            ("Title", lambda s: s.title),
            ("Publisher / author", lambda s: ", ".join(p for p in (s.publisher, s.author) if p)),
        ],
        tooltip=grade_tip,
        parent=parent,
    )


def claims_model(parent: Any = None) -> RecordTableModel[Claim]:
    """Date and text of a source's claims."""
    return RecordTableModel(
        [
            ("Date", lambda c: c.claim_date or "undated"),
            ("Claim", lambda c: c.text),
        ],
        tooltip=lambda c: c.text,
        parent=parent,
    )


def origins_model(parent: Any = None) -> RecordTableModel[ComponentOrigin]:
    """Each component with its manufacturer, country, basis and sources."""
    return RecordTableModel(
        [
            ("Component", lambda c: c.name),
            ("Function", lambda c: c.function),
            ("Manufacturer", lambda c: c.manufacturer or "unlinked"),
            ("Country", lambda c: f"{c.country_name} ({c.country_code})"),
            ("Basis", lambda c: ", ".join(p for p in (c.basis, c.confidence) if p)),
            (
                "Sources",
                lambda c: "; ".join(f"{s.title} [{s.grade}]" for s in c.sources) or "none cited",
            ),
        ],
        parent=parent,
    )


def shares_model(parent: Any = None) -> RecordTableModel[OriginShare]:
    """The chart's numbers, each with the components it counts."""
    return RecordTableModel(
        [
            ("Group", lambda s: s.label),
            ("Components", lambda s: str(s.count)),
            ("Share", lambda s: f"{s.share * 100:.1f} %"),
        ],
        tooltip=lambda s: "counts: " + ", ".join(i[:8] for i in s.component_ids),
        parent=parent,
    )
