"""Table models of the geolocation docks: hypotheses, evidence links and history.

Hypotheses per case are few (tens, not millions), so each model holds its rows; the core
reads them in one query each and the models are reset when the case changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from forensics.store.hypotheses import EvidenceLink, HistoryEntry, Hypothesis
from geoloc.evidence import Support
from geoloc.geodesy import Flag
from geoloc.history import describe_changes
from ui.geo.map_view import status_colour
from ui.table_model import ListTableModel

T = TypeVar("T")
ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""Role under which every row gives its record id."""


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its header and how to show a row in it."""

    header: str
    text: Callable[[T], str]


class RowsModel(ListTableModel[T]):
    """A read-only table over a list of records; cells show their text as the tooltip too."""

    columns: Sequence[Column[T]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__([c.header for c in self.columns], parent)

    def row_at(self, row: int) -> T:
        """The record shown in one row."""
        return self._rows[row]

    def cell(self, record: T, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.columns[column].text(record)
        if role == ID_ROLE:
            return getattr(record, "id", None)
        return self.extra(record, column, role)

    def extra(self, record: T, column: int, role: int) -> Any:
        """Other roles (colours, icons) for subclasses."""
        return None


@dataclass(frozen=True)
class HypothesisRow:
    """A hypothesis with its support and flags, as the list shows it."""

    hypothesis: Hypothesis
    support: Support
    flags: tuple[Flag, ...] = ()

    @property
    def id(self) -> str:
        """The hypothesis id."""
        return self.hypothesis.id


def _where(h: Hypothesis) -> str:
    return f"{h.lat:.5f}, {h.lon:.5f}"


def _size(h: Hypothesis) -> str:
    if h.area:
        return f"area ({len(h.area)} vertices)"
    return "" if h.radius_m is None else f"±{h.radius_m:,.0f} m"


def _clues(r: HypothesisRow) -> str:
    s = r.support
    text = f"{s.independent_supporting} for / {s.independent_contradicting} against"
    return text + (" — fewer than 2 independent clues" if s.weak else "")


class HypothesisModel(RowsModel[HypothesisRow]):
    """The hypotheses of the case."""

    columns = (
        Column("Place", lambda r: r.hypothesis.place_name or f"({_where(r.hypothesis)})"),
        Column("Status", lambda r: r.hypothesis.status),
        Column("Confidence", lambda r: r.hypothesis.confidence),
        Column("Clues", _clues),
        Column("Methods", lambda r: ", ".join(m.replace("_", " ") for m in r.hypothesis.methods)),
        Column("Position", lambda r: _where(r.hypothesis)),
        Column("Uncertainty", lambda r: _size(r.hypothesis)),
        Column("Origin", lambda r: r.hypothesis.origin),
        Column("Flags", lambda r: "; ".join(f.message for f in r.flags)),
    )

    def extra(self, record: HypothesisRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return status_colour(record.hypothesis.status)
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and record.support.weak:
            return QBrush(QColor("#b35806"))
        if role == Qt.ItemDataRole.ForegroundRole and column == 8 and record.flags:
            return QBrush(QColor("#b2182b"))
        return None

    def row_of(self, hypothesis_id: str) -> int:
        """The row showing a hypothesis, or -1."""
        for n, r in enumerate(self._rows):
            if r.id == hypothesis_id:
                return n
        return -1


class EvidenceModel(RowsModel[EvidenceLink]):
    """The evidence linked to one hypothesis."""

    columns = (
        Column("Stance", lambda e: e.stance),
        Column("Kind", lambda e: e.kind),
        Column("Record", lambda e: e.target_id),
        Column("Clue", lambda e: e.clue),
        Column("Note", lambda e: e.note),
        Column(
            "Linked by",
            lambda e: f"{e.created_by}, {e.created_at[:19]}" if e.created_at else e.created_by,
        ),
    )
    RECORD = 2

    def __init__(
        self, parent: Any = None, names: Callable[[str, str], str | None] | None = None
    ) -> None:
        super().__init__(parent)
        self._names = names
        """What people call a record (kind, id): the Record column shows names, not ids."""

    def cell(self, record: EvidenceLink, column: int, role: int) -> Any:
        if column == self.RECORD and role == Qt.ItemDataRole.DisplayRole and self._names:
            name = self._names(record.kind, record.target_id)
            if name:
                return f"{name} ({record.target_id[:8]})"
        return super().cell(record, column, role)


class HistoryModel(RowsModel[HistoryEntry]):
    """Every version of one hypothesis."""

    columns = (
        Column("Version", lambda e: str(e.version)),
        Column("When (UTC)", lambda e: e.created_at[:19].replace("T", " ")),
        Column("Who", lambda e: e.created_by),
        Column("What", lambda e: e.action.replace("hypothesis_", "").replace("_", " ")),
        Column("Changes", lambda e: describe_changes(e.changes)),
        Column("Why", lambda e: e.reason or ""),
    )
