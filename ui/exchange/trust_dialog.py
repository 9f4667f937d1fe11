"""Trusted team keys in the GUI: the same store as `pwb trust add | list | remove`, and
`pwb keygen`'s team signing key.

A signer is named only by the name given here to its key (see
`forensics.exchange.trust_store`); adding a key shows its fingerprint, to compare with the
team's own by another channel, as SSH asks about a new host key. A key made here (the private
file to sign packs with, and its `.pub` to give the other teams) is trusted at once under the
team's name, so archives this team signs show under that name here too.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forensics.errors import ValidationError
from forensics.exchange.trust_store import TrustedKey, TrustStore, public_key_of
from forensics.textsafe import shown
from ui.examiner_dialog import handle_for
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
        self.add_button.setStatusTip("Trust a team's key: its .pub file, or a signed archive")
        self.remove_button = QPushButton("&Remove", self)
        self.remove_button.setStatusTip("Stop trusting the selected key (shown as unknown after)")
        self.make_button = QPushButton("&Make team key…", self)
        self.make_button.setObjectName("trust_make_key")
        self.make_button.setStatusTip(
            "Make your team's signing key: a private file to sign packs with and a .pub to share"
        )
        self.add_button.clicked.connect(lambda: self.add())
        self.remove_button.clicked.connect(self.remove_selected)
        self.make_button.clicked.connect(lambda: self.make_key())
        self.remove_button.setEnabled(False)
        self.view.selectionModel().selectionChanged.connect(
            lambda *_a: self.remove_button.setEnabled(self.view.selectionModel().hasSelection())
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.make_button)
        buttons.addStretch(1)
        intro = QLabel(
            "Archives signed by these keys show the team's name given here; any other key "
            "is shown as unknown, by its fingerprint. Make your own team's key to sign packs."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        self.resize(720, 320)
        self.made_key_file: Path | None = None
        """The private key file `make_key` wrote last."""

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

    def make_key(self, out: Path | None = None, name: str | None = None) -> TrustedKey | None:
        """Make a team signing key (`pwb keygen`): `out` and `out.pub`, then trust it.

        Asks for the team's name and where to save the private key when not given; a file
        that exists is never written over (the reason is shown, nothing is made).
        """
        from forensics.exchange import signing

        if name is None:
            name, ok = QInputDialog.getText(self, "Make team key", "Your team's name:")
            if not ok or not name.strip():
                return None
        if out is None:
            start = str(Path.home() / f"{handle_for(name)}.key")
            path, _ = QFileDialog.getSaveFileName(
                self,
                "Save the team's private key (keep it private)",
                start,
                "Keys (*.key)",
                options=QFileDialog.Option.DontConfirmOverwrite,
            )
            if not path:
                return None
            out = Path(path)
        try:
            key = signing.generate(out, name.strip())
            trusted = self.model.store.add(base64.b64encode(key.public_raw).decode(), key.name)
        except (ValidationError, OSError) as exc:
            QMessageBox.critical(self, "Make team key", str(exc))
            return None
        self.model.reload()
        self.made_key_file = out
        QMessageBox.information(
            self,
            "Make team key",
            f"Made the signing key of {shown(key.name)}, fingerprint {key.fingerprint}.\n\n"
            f"{shown(str(out))}: keep it private; choose it under Sign with key when packing.\n"
            f"{shown(str(out))}.pub: give it to the other teams, to trust.",
        )
        return trusted

    def remove_selected(self) -> None:
        """Stop trusting the selected key."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return
        key = self.model.key_at(rows[0].row())
        self.model.store.remove(key.fingerprint)
        self.model.reload()
