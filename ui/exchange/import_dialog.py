"""File > Import case archive: which archive, and the NEW folder the case is made in.

A folder chooser can only pick folders that exist, and an unpack needs one that does not
(or an empty one): so the dialog asks for the folder to put the case in and the new case
folder's name (the archive's name by default, made unique), shows the folder that will be
made, and refuses a name already taken before anything runs, with the reason next to it.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from forensics.textsafe import shown

ARCHIVE_FILTER = "Case archives (*.pwbcase);;All (*)"


def _row(edit: QLineEdit, browse: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(browse)
    return row


def free_name(parent: Path, name: str) -> str:
    """`name`, or `name-2`, `name-3`... the first that is not taken in `parent`."""
    candidate, n = name, 2
    while (parent / candidate).exists():
        candidate, n = f"{name}-{n}", n + 1
    return candidate


def problem_with(archive: Path, dest: Path) -> str | None:
    """Why the import cannot go ahead with these choices, or None."""
    if not archive.name:
        return "Choose the archive to import."
    if not archive.is_file():
        return f"{shown(str(archive))}: no such file."
    if not dest.name or dest.name in (".", ".."):
        return "Name the new case folder."
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        return f"{shown(str(dest))} already exists: choose another name."
    existing = next((p for p in (dest.parent, *dest.parent.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        return f"{shown(str(existing))} is a file, not a folder."
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        return f"{shown(str(existing))}: you may not write there; choose another folder."
    return None


class ImportDialog(QDialog):
    """Collects the archive and the new case folder; the caller runs the unpack as a job."""

    def __init__(
        self, archive: Path | None, start_folder: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("import_dialog")
        self.setWindowTitle("Import case archive")
        self.setMinimumWidth(620)
        self.archive = QLineEdit(str(archive) if archive else "")
        self.archive.setObjectName("import_archive")
        self.archive.setPlaceholderText("the .pwbcase file you received")
        browse_archive = QPushButton("&Browse…")
        browse_archive.clicked.connect(self._browse_archive)
        self.folder = QLineEdit(str(start_folder))
        self.folder.setObjectName("import_folder")
        self.folder.setToolTip("The folder the new case folder is made in (made if missing)")
        browse_folder = QPushButton("B&rowse…")
        browse_folder.clicked.connect(self._browse_folder)
        self.name = QLineEdit()
        self.name.setObjectName("import_name")
        self.name.setToolTip("The new case folder: it must not exist yet (or be empty)")
        self.target = QLabel()
        self.target.setObjectName("import_target")
        self.target.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Import")
        self.ok.setObjectName("import_ok")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        for text, edit, widget in (
            ("&Archive", self.archive, _row(self.archive, browse_archive)),
            ("Make the case &in", self.folder, _row(self.folder, browse_folder)),
            ("New case &folder", self.name, self.name),
        ):
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, widget)
        form.addRow("", self.target)
        form.addRow(self.buttons)
        for edit in (self.archive, self.folder, self.name):
            edit.textChanged.connect(self._check)
        self.archive.textChanged.connect(self._name_from_archive)
        self._name_from_archive()
        self._check()

    def archive_path(self) -> Path:
        """The archive chosen."""
        return Path(self.archive.text().strip()).expanduser()

    def destination(self) -> Path:
        """The new case folder: the chosen folder / the name."""
        return Path(self.folder.text().strip()).expanduser() / self.name.text().strip()

    def _name_from_archive(self) -> None:
        archive = self.archive_path()
        if archive.name:
            parent = Path(self.folder.text().strip()).expanduser()
            self.name.setText(free_name(parent, archive.stem))

    def _check(self) -> str | None:
        problem = problem_with(self.archive_path(), self.destination())
        self.ok.setEnabled(problem is None)
        if problem is None:
            self.target.setText(f"The case will be made in {shown(str(self.destination()))}")
            self.target.setStyleSheet("")
        else:
            self.target.setText(problem)
            self.target.setStyleSheet("color: #b00020;")
        return problem

    def accept(self) -> None:
        """Go ahead only with an archive and a folder that can be made (checked again: the
        disk may have changed since the fields were typed)."""
        if self._check() is not None:
            return
        super().accept()

    def _browse_archive(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import case archive", self.archive.text(), ARCHIVE_FILTER
        )
        if path:
            self.archive.setText(path)

    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder to make the new case in", self.folder.text()
        )
        if folder:
            self.folder.setText(folder)
            self._name_from_archive()
