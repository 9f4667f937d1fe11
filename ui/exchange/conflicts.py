"""Merge conflicts: a table of records both teams changed, resolved one by one."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from forensics.case import Case
from forensics.exchange.conflicts import conflicts_json, resolve_conflict

_COLUMNS = ("Table", "Record", "Changed", "Ours", "Theirs")
Index = QModelIndex | QPersistentModelIndex


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"


class ConflictsModel(QAbstractTableModel):
    """Open conflicts of a case (few, so read whole)."""

    def __init__(self, case: Callable[[], Case | None], parent: Any = None) -> None:
        super().__init__(parent)
        self._case = case
        self.rows: list[dict[str, Any]] = []
        self.reload()

    def reload(self) -> None:
        """Read the open conflicts again."""
        self.beginResetModel()
        case = self._case()
        self.rows = conflicts_json(case) if case is not None else []
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(_COLUMNS)
        ):
            return _COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (
                row["table"],
                row["record_id"],
                ", ".join(row["columns"]),
                _short(row["mine"]),
                _short(row["theirs"]),
            )
            return values[index.column()]
        return None


class ConflictsDialog(QDialog):
    """Keep ours or take theirs, for each record both sides changed."""

    resolved = Signal(str)
    """The id of a conflict just settled."""

    def __init__(self, case: Callable[[], Case | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge conflicts")
        self.resize(860, 380)
        self._case = case
        self.model = ConflictsModel(case, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.keep_mine = QPushButton("Keep &mine")
        self.keep_mine.setToolTip("Leave our record as it is; the conflict is closed")
        self.take_theirs = QPushButton("Take &theirs")
        self.take_theirs.setToolTip("Replace our record with theirs (logged in the custody)")
        close = QPushButton("&Close")
        self.keep_mine.clicked.connect(lambda: self.resolve("mine"))
        self.take_theirs.clicked.connect(lambda: self.resolve("theirs"))
        close.clicked.connect(self.accept)
        self.summary = QLabel()
        buttons = QHBoxLayout()
        for b in (self.keep_mine, self.take_theirs):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        self._refresh()

    def _refresh(self) -> None:
        n = len(self.model.rows)
        self.summary.setText(
            f"{n} record(s) were changed on both sides. Nothing was "
            "overwritten: choose, for each, which version the case keeps."
        )
        self.keep_mine.setEnabled(n > 0)
        self.take_theirs.setEnabled(n > 0)
        if n:
            self.view.selectRow(0)

    def resolve(self, choice: str) -> None:
        """Settle the selected conflict."""
        rows = self.view.selectionModel().selectedRows()
        case = self._case()
        if not rows or case is None:
            return
        conflict_id = self.model.rows[rows[0].row()]["id"]
        try:
            resolve_conflict(case, conflict_id, choice)
        except Exception as exc:  # shown to the user with the record named
            QMessageBox.critical(self, "Merge conflicts", f"conflict {conflict_id}: {exc}")
            return
        self.model.reload()
        self._refresh()
        self.resolved.emit(conflict_id)
