"""The case's annotations as a table, fetched from the store a page at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from forensics.annotations.models import Annotation, AnnotationFilter
from forensics.annotations.service import AnnotationService
from ui.table_model import Index, ListTableModel

PAGE = 200
COLUMNS = ("Label", "Item", "Frame", "Shape", "Note", "Links", "Track", "Flags")


class AnnotationTableModel(ListTableModel[Annotation]):
    """Annotations matching a filter; rows are loaded as the view scrolls."""

    def __init__(self, service: Callable[[], AnnotationService | None], parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)
        self._service = service
        self._filter = AnnotationFilter()
        self._total = 0
        self._names: dict[str, str] = {}
        self._links: dict[str, int] = {}
        self._flags: dict[str, tuple[str, ...]] = {}

    def set_filter(self, flt: AnnotationFilter) -> None:
        """Show only the annotations matching `flt`."""
        self._filter = flt
        self.reload()

    def reload(self) -> None:
        """Read the first page again (after edits)."""
        self.beginResetModel()
        self._rows = []
        self._names.clear()
        self._links.clear()
        self._flags.clear()
        svc = self._service()
        self._total = svc.repo.count(self._filter) if svc is not None else 0
        if svc is not None:
            self._rows = svc.repo.search(self._filter, limit=PAGE, offset=0)
        self.endResetModel()

    def annotation(self, row: int) -> Annotation | None:
        """The annotation on a row."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, annotation_id: str) -> int:
        """The row of an annotation loaded so far, or -1."""
        return next((n for n, a in enumerate(self._rows) if a.id == annotation_id), -1)

    # Qt model API ---------------------------------------------------------------------------
    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index) -> None:
        svc = self._service()
        if parent.isValid() or svc is None:
            return
        more = svc.repo.search(self._filter, limit=PAGE, offset=len(self._rows))
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def cell(self, ann: Annotation, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(ann, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            flags = self._flags_of(ann)
            return "\n".join(flags) if flags else ann.note
        if role == Qt.ItemDataRole.UserRole:
            return ann.id
        return None

    def _display(self, ann: Annotation, column: int) -> str:
        if column == 0:
            return ann.label
        if column == 1:
            return self._name(ann.item_id)
        if column == 2:
            return "still" if ann.frame_index < 0 else str(ann.frame_index)
        if column == 3:
            return ann.kind + (" (end)" if ann.outside else "")
        if column == 4:
            return ann.note or ""
        if column == 5:
            return str(self._link_count(ann.id))
        if column == 6:
            return (ann.track_id or "")[:8]
        if column == 7:
            return "damaged media" if self._flags_of(ann) else ""
        return ""

    def _name(self, item_id: str) -> str:
        if item_id not in self._names:
            svc = self._service()
            item = svc.case.items.find(item_id) if svc is not None else None
            self._names[item_id] = item.name if item is not None else item_id[:8]
        return self._names[item_id]

    def _link_count(self, annotation_id: str) -> int:
        if annotation_id not in self._links:
            svc = self._service()
            self._links[annotation_id] = len(svc.links_of(annotation_id)) if svc else 0
        return self._links[annotation_id]

    def _flags_of(self, ann: Annotation) -> tuple[str, ...]:
        if ann.id not in self._flags:
            svc = self._service()
            self._flags[ann.id] = svc.flags(ann) if svc is not None else ()
        return self._flags[ann.id]
