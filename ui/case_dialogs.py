"""Creating a case from the GUI."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forensics.case import Case, default_examiner
from forensics.errors import WorkbenchError
from forensics.identity import session_examiner


class NewCaseDialog(QDialog):
    """Folder, title and examiner of a new case; `case` holds it once created."""

    def __init__(self, default_parent: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("new_case_dialog")
        self.setWindowTitle("New case")
        self.resize(560, 180)
        self.case: Case | None = None
        self.folder = QLineEdit(str(default_parent / "new-case"))
        self.folder.setObjectName("new_case_folder")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        self.title = QLineEdit()
        self.title.setObjectName("new_case_title")
        self.title.setPlaceholderText("e.g. Gerbera footage")
        signer = session_examiner()
        self.examiner = QLineEdit(signer.name if signer is not None else default_examiner())
        self.examiner.setToolTip(
            "The case's examiner; what you do is credited to your profile and signed by its key"
        )
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form = QFormLayout()
        # A row holding a layout gets a label without a buddy, which would show "&Folder"
        # literally: the label is made here, its mnemonic going to the folder field.
        folder_label = QLabel("&Folder")
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, row)
        form.addRow("&Title", self.title)
        form.addRow("&Examiner", self.examiner)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.create_case)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the new case")
        if folder:
            self.folder.setText(folder)

    def create_case(self) -> None:
        """Create the case; a problem (folder not empty, no title) keeps the dialog open."""
        try:
            self.case = Case.create(
                Path(self.folder.text()).expanduser(),
                title=self.title.text().strip(),
                examiner=self.examiner.text().strip() or None,
            )
        except (WorkbenchError, OSError) as exc:
            QMessageBox.warning(self, "Cannot create the case", str(exc))
            return
        self.accept()
