"""Trusted team keys in the GUI: the same store as `pwb trust add | list | remove`.

A signer is named only by the name given here to its key (see
`forensics.exchange.trust_store`); adding a key shows its fingerprint, to compare with the
team's own by another channel, as SSH asks about a new host key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forensics.errors import ValidationError
from forensics.exchange.trust_store import TrustedKey, TrustStore, public_key_of
from forensics.textsafe import shown
from ui.table_model import ListTableModel, row_table

_COLUMNS = ("Team", "Fingerprint", "Added (UTC)")


class TrustedKeysModel(ListTableModel[TrustedKey]):
    """The keys in the trust store."""

    def __init__(self, store: TrustStore, parent: Any = None) -> None:
        super().__init__(_COLUMNS, parent)
        self.store = store
        self.reload()

    def reload(self) -> None:
        """Read the store again."""
        self.set_rows(self.store.keys())

    def cell(self, record: TrustedKey, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (shown(record.name), record.fingerprint, record.added_at)[column]

    def key_at(self, row: int) -> TrustedKey:
        """The key shown in one row."""
        return self._rows[row]


class TrustedKeysDialog(QDialog):
    """List, add and remove trusted team keys."""

    def __init__(self, store: TrustStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Trusted team keys")
        self.model = TrustedKeysModel(store or TrustStore(), self)
        self.view = row_table(self.model, self)
        self.add_button = QPushButton("&Add key…", self)
        self.remove_button = QPushButton("&Remove", self)
        self.add_button.clicked.connect(lambda: self.add())
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        self.resize(720, 320)

    def add(self, source: Path | None = None, name: str | None = None) -> TrustedKey | None:
        """Trust a key from a KEY.pub or a signed archive, under a name the user confirms."""
        if source is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Team key or signed archive", "", "Keys and archives (*.pub *.pwbcase)"
            )
            if not path:
                return None
            source = Path(path)
        try:
            public, claimed = public_key_of(source)
            if name is None:
                name, ok = QInputDialog.getText(
                    self, "Trust key", "Name to show for this key:", text=claimed
                )
                if not ok:
                    return None
            key = self.model.store.add(public, name)
        except ValidationError as exc:
            QMessageBox.critical(self, "Trusted keys", str(exc))
            return None
        self.model.reload()
        QMessageBox.information(
            self,
            "Trusted keys",
            f"trusted {shown(key.name)}: fingerprint {key.fingerprint}\n"
            "Compare it with the team's own, by another channel.",
        )
        return key

    def remove_selected(self) -> None:
        """Stop trusting the selected key."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return
        key = self.model.key_at(rows[0].row())
        self.model.store.remove(key.fingerprint)
        self.model.reload()
