"""The options of File > Export > Pack case: where, what, redaction, signature, why."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from forensics.exchange.redact import PROFILES


def _path_row(edit: QLineEdit, *buttons: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit)
    for button in buttons:
        layout.addWidget(button)
    return row


class PackDialog(QDialog):
    """Collects what `pack_case` needs; the caller runs it as a job."""

    def __init__(
        self, default_out: Path, selected_item: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pack case for another team")
        self.out = QLineEdit(str(default_out))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_out)
        self.only_selected = QCheckBox("Only the selected item and what it depends on")
        self.only_selected.setEnabled(selected_item is not None)
        self.selected_item = selected_item
        self.redact = QComboBox()
        self.redact.addItems(list(PROFILES))
        self.key = QLineEdit()
        self.key.setPlaceholderText("no signature")
        key_browse = QPushButton("Browse…")
        key_browse.clicked.connect(self._browse_key)
        self.new_key_button = QPushButton("&New team key…")
        self.new_key_button.setStatusTip(
            "Make your team's signing key here (trusted at once) and sign with it"
        )
        self.new_key_button.clicked.connect(lambda: self.new_key())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why the case is handed over (kept in the log)")
        form = QFormLayout(self)
        form.addRow("Archive", _path_row(self.out, browse))
        form.addRow("", self.only_selected)
        form.addRow("Redaction", self.redact)
        form.addRow("Sign with key", _path_row(self.key, key_browse, self.new_key_button))
        form.addRow("Reason", self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        """An archive is never written over: an existing file is named now, with the dialog
        kept open for another name, rather than by a failed job afterwards."""
        out = Path(self.out.text()).expanduser()
        if out.exists():
            QMessageBox.warning(
                self,
                "Pack case",
                f"{out} already exists.\nChoose another name: an archive is never overwritten.",
            )
            self.out.setFocus()
            self.out.selectAll()
            return
        super().accept()

    def _browse_out(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Archive", self.out.text(), "Case archives (*.pwbcase)"
        )
        if path:
            self.out.setText(path)

    def _browse_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Team key", "", "Keys (*.key);;All (*)")
        if path:
            self.key.setText(path)

    def new_key(self, out: Path | None = None, name: str | None = None) -> Path | None:
        """Make a team signing key (as Trusted team keys > Make team key does) and sign
        with it; `out` and `name` are asked for when not given."""
        from ui.exchange.trust_dialog import TrustedKeysDialog

        keys = TrustedKeysDialog(parent=self)
        if keys.make_key(out, name) is None or keys.made_key_file is None:
            return None
        self.key.setText(str(keys.made_key_file))
        return keys.made_key_file

    def items(self) -> list[str] | None:
        """The selection to pack, or None for the whole case."""
        if self.only_selected.isChecked() and self.selected_item:
            return [self.selected_item]
        return None
