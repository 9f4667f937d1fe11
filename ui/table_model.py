"""The shape every table model of the workbench shares: records in a list, titled columns.

The catalogue and annotation tables page their rows in from the store; the provenance,
geolocation and conflict tables hold a few records replaced wholesale. Either way the rows are a
list of records and the columns have fixed titles, so counting rows and columns, the header and
finding the record behind a cell live here once; a model says only what a cell shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex


class ListTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table over a list of records (`_rows`), one titled column per header.

    Subclasses implement `cell`; paging models append to `_rows` in `fetchMore`, small ones
    call `set_rows`.
    """

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def cell(self, record: T, column: int, role: int) -> Any:
        """What the cell of `record` in `column` holds for `role` (None: nothing)."""
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Rows held (loaded so far, for a paging model)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """The fixed columns."""
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """One cell: the record on the index's row, asked through `cell`."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)


MAX_COLUMN_PX = 220
"""The widest a column grows to fit its contents; longer text is elided, whole in Details."""


def row_table(model: QAbstractTableModel, parent: QWidget | None = None) -> QTableView:
    """A view of a record list as the docks show one: a whole row selected at a time, one row
    at most, the last column taking the spare width."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setMaximumSectionSize(MAX_COLUMN_PX)

    def fit_columns(*_args: object) -> None:
        # Names read whole ("Nanshan, Shenzhen", not "Nanshan …") up to a cap; a wider list
        # scrolls sideways rather than cutting every column to the dock's width.
        view.resizeColumnsToContents()

    model.modelReset.connect(fit_columns)
    model.rowsInserted.connect(fit_columns)
    model.dataChanged.connect(fit_columns)
    fit_columns()
    return view
