"""Merge conflicts: records both teams changed, or they deleted and we changed, one by one."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forensics.case import Case
from forensics.exchange.conflicts import conflicts_json, resolve_conflict
from forensics.store.record_search import labelled, name_in_table
from ui.table_model import ListTableModel, row_table

_COLUMNS = ("Table", "Record", "Changed", "Ours", "Theirs")


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"


class ConflictsModel(ListTableModel[dict[str, Any]]):
    """Open conflicts of a case (few, so read whole)."""

    def __init__(self, case: Callable[[], Case | None], parent: Any = None) -> None:
        super().__init__(_COLUMNS, parent)
        self._case = case
        self.reload()

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The open conflicts shown, as `conflicts_json` gives them."""
        return self._rows

    def reload(self) -> None:
        """Read the open conflicts again."""
        case = self._case()
        self.set_rows(conflicts_json(case) if case is not None else [])

    def cell(self, record: dict[str, Any], column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return record["record_id"]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            deleted = record.get("deleted")
            values = (
                record["table"],
                self._record_label(record["table"], record["record_id"]),
                _what(record),
                _short(record["mine"]),
                deleted["summary"] if deleted else _short(record["theirs"]),
            )
            return values[column]
        return None

    def _record_label(self, table: str, record_id: str) -> str:
        """The record's name (ours; theirs when we no longer have it), with its id's start."""
        case = self._case()
        name = name_in_table(case.db, table, record_id) if case is not None else None
        return labelled(name, record_id)


def _what(record: dict[str, Any]) -> str:
    """The changed columns, or what a deletion conflict is (and what still uses the record)."""
    deleted = record.get("deleted")
    if not deleted:
        return ", ".join(record["columns"])
    used = deleted.get("used_by") or []
    return "deleted there, edited here" + (f"; used by {', '.join(used)}" if used else "")


class ConflictsDialog(QDialog):
    """Keep ours or take theirs (for a record they deleted: delete ours), one by one."""

    resolved = Signal(str)
    """The id of a conflict just settled."""

    def __init__(self, case: Callable[[], Case | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge conflicts")
        self.resize(860, 380)
        self._case = case
        self.model = ConflictsModel(case, self)
        self.view = row_table(self.model)
        self.keep_mine = QPushButton("Keep &mine")
        self.keep_mine.setToolTip("Leave our record as it is; the conflict is closed")
        self.take_theirs = QPushButton("Take &theirs")
        self.take_theirs.setToolTip(
            "Replace our record with theirs, or delete it where they deleted it "
            "(logged in the custody)"
        )
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
            f"{n} record(s) were changed on both sides, or deleted there and changed here. "
            "Nothing was overwritten or deleted: choose, for each, which version the case keeps."
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
