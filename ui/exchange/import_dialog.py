"""File > Import case archive: which archive, and the NEW case it becomes: a folder, or a
database on a PostgreSQL server with its evidence folder.

A folder chooser can only pick folders that exist, and an unpack needs one that does not
(or an empty one): so the dialog asks for the folder to put the case in and the new case
folder's name (the archive's name by default, made unique), shows the folder that will be
made, and refuses a name already taken before anything runs, with the reason next to it.

A server case is named by its URL, as in File > Open case on a server (the database made
beforehand, empty; the password from libpq's usual places, never typed here), with a new
evidence folder on a share the team mounts. What can be judged without the server (the URL's
form, the folder) is judged here; an unreachable server or a database that is not empty is
said by the import job, which writes nothing then.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
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

from forensics.errors import WorkbenchError
from forensics.store.location import ServerLocation, parse_location
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


IN_FOLDER = "in a new folder"
ON_SERVER = "in a database on a server"


def _archive_problem(archive: Path) -> str | None:
    if not archive.name:
        return "Choose the archive to import."
    if not archive.is_file():
        return f"{shown(str(archive))}: no such file."
    return None


def problem_with(archive: Path, dest: Path) -> str | None:
    """Why the import cannot go ahead with these choices, or None."""
    problem = _archive_problem(archive)
    if problem is not None:
        return problem
    if not dest.name or dest.name in (".", ".."):
        return "Name the new case folder."
    return _new_folder_problem(dest)


def server_problem(archive: Path, url: str, evidence: Path) -> str | None:
    """Why an import into a server cannot go ahead with these choices, or None."""
    problem = _archive_problem(archive)
    if problem is not None:
        return problem
    if not url:
        return "Give the URL of the case's database (postgresql://USER@HOST:PORT/DATABASE)."
    try:
        where = parse_location(url)
    except WorkbenchError as exc:
        return shown(str(exc))
    if not isinstance(where, ServerLocation):
        return f"{shown(url)} is not a server URL (postgresql://USER@HOST:PORT/DATABASE)."
    if not evidence.name or evidence.name in (".", ".."):
        return "Name the new evidence folder (on a share every examiner mounts)."
    return _new_folder_problem(evidence)


def _new_folder_problem(dest: Path) -> str | None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        return f"{shown(str(dest))} already exists: choose another name."
    existing = next((p for p in (dest.parent, *dest.parent.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        return f"{shown(str(existing))} is a file, not a folder."
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        return f"{shown(str(existing))}: you may not write there; choose another folder."
    return None


class ImportDialog(QDialog):
    """Collects the archive and the new case (a folder, or a server database and its evidence
    folder); the caller runs the unpack as a job."""

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
        self.kind = QComboBox()
        self.kind.setObjectName("import_kind")
        self.kind.addItems([IN_FOLDER, ON_SERVER])
        self.kind.setToolTip("A case folder on this machine, or a team's case on a server")
        self.url = QLineEdit()
        self.url.setObjectName("import_url")
        self.url.setPlaceholderText("postgresql://USER@HOST:PORT/DATABASE (an empty database)")
        self.url.setToolTip(
            "The case's database, made empty beforehand (createdb); the password comes from "
            "~/.pgpass or PGPASSWORD, never from this box"
        )
        self.evidence = QLineEdit()
        self.evidence.setObjectName("import_evidence")
        self.evidence.setToolTip(
            "The server case's evidence folder, on a share every examiner mounts: it must not "
            "exist yet (or be empty)"
        )
        browse_evidence = QPushButton("Br&owse…")
        browse_evidence.clicked.connect(self._browse_evidence)
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
        self.form = form = QFormLayout(self)
        self._folder_rows: list[QWidget] = []
        self._server_rows: list[QWidget] = []
        for text, edit, widget, rows in (
            ("&Archive", self.archive, _row(self.archive, browse_archive), None),
            ("Make the &case", self.kind, self.kind, None),
            ("Make it &in", self.folder, _row(self.folder, browse_folder), self._folder_rows),
            ("New case &folder", self.name, self.name, self._folder_rows),
            ("Server case &URL", self.url, self.url, self._server_rows),
            (
                "&Evidence folder",
                self.evidence,
                _row(self.evidence, browse_evidence),
                self._server_rows,
            ),
        ):
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, widget)
            if rows is not None:
                rows.append(widget)
        form.addRow("", self.target)
        form.addRow(self.buttons)
        for edit in (self.archive, self.folder, self.name, self.url, self.evidence):
            edit.textChanged.connect(self._check)
        self.kind.currentTextChanged.connect(self._kind_changed)
        self.archive.textChanged.connect(self._name_from_archive)
        self._name_from_archive()
        self._kind_changed()

    def archive_path(self) -> Path:
        """The archive chosen."""
        return Path(self.archive.text().strip()).expanduser()

    def on_server(self) -> bool:
        """True when the case goes into a database on a server."""
        return self.kind.currentText() == ON_SERVER

    def destination(self) -> Path | ServerLocation:
        """The new case: the chosen folder / the name, or the server URL (checked first)."""
        if self.on_server():
            where = parse_location(self.url.text().strip())
            assert isinstance(where, ServerLocation), "checked by server_problem"
            return where
        return self._new_folder()

    def _new_folder(self) -> Path:
        return Path(self.folder.text().strip()).expanduser() / self.name.text().strip()

    def evidence_folder(self) -> Path | None:
        """A server case's new evidence folder (None for a folder case: it holds its own)."""
        if not self.on_server():
            return None
        return Path(self.evidence.text().strip()).expanduser().absolute()

    def _kind_changed(self) -> None:
        server = self.on_server()
        for widget in self._folder_rows:
            self.form.setRowVisible(widget, not server)
        for widget in self._server_rows:
            self.form.setRowVisible(widget, server)
        self._check()

    def _name_from_archive(self) -> None:
        archive = self.archive_path()
        if archive.name:
            parent = Path(self.folder.text().strip()).expanduser()
            self.name.setText(free_name(parent, archive.stem))

    def _problem(self) -> str | None:
        if self.on_server():
            return server_problem(
                self.archive_path(),
                self.url.text().strip(),
                Path(self.evidence.text().strip()).expanduser(),
            )
        return problem_with(self.archive_path(), self._new_folder())

    def _check(self) -> str | None:
        problem = self._problem()
        self.ok.setEnabled(problem is None)
        if problem is None:
            where = self.destination()
            if isinstance(where, ServerLocation):
                self.target.setText(
                    f"The case will be made in the database {shown(where.shown)}, its "
                    f"evidence in {shown(str(self.evidence_folder()))}"
                )
            else:
                self.target.setText(f"The case will be made in {shown(str(where))}")
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

    def _browse_evidence(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder to make the evidence folder in (a share)", self.folder.text()
        )
        if folder:
            stem = self.archive_path().stem or "case"
            self.evidence.setText(str(Path(folder) / free_name(Path(folder), f"{stem}-evidence")))

    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder to make the new case in", self.folder.text()
        )
        if folder:
            self.folder.setText(folder)
            self._name_from_archive()
