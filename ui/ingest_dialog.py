"""Adding evidence: pick files, folders or disk images (or drop them), choose where in the case
they go (a parent picker, the selected tree node by default), a note and whether to carve.

The dialog only collects these choices: Ingest hands them to an `IngestJob` (the Jobs panel
shows its progress, phases, time left, Cancel and, only when there were any, the problems)
and closes, so the examiner keeps browsing and annotating while a 3 GB card is ingested."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forensics.case import Case, CaseLocation
from forensics.intake.ingest import PostIngest
from forensics.models import Item, ItemKind
from ui.ingest_job import IngestJob, IngestRequest
from ui.jobs import JobRunner

log = logging.getLogger(__name__)

DISK_IMAGE_FILTER = "Disk and card images (*.img *.dd *.raw *.bin *.iso *.E01 *.e01);;All files (*)"


class IngestDialog(QDialog):
    """The inputs, where they go, a note and carving; Ingest starts the job and closes."""

    started = Signal(object)
    """The `IngestJob` just handed to the runner."""

    def __init__(
        self,
        runner: JobRunner,
        case_root: CaseLocation,
        parent: QWidget | None = None,
        *,
        parent_id: str | None = None,
        post_ingest: Callable[[], Sequence[PostIngest]] = tuple,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ingest_dialog")
        self.setWindowTitle("Add evidence")
        self.setAcceptDrops(True)
        self.resize(640, 420)
        self._runner = runner
        self._root = case_root
        self._post_ingest = post_ingest
        self.ingest_job: IngestJob | None = None

        self.paths = QListWidget()
        self.paths.setObjectName("ingest_paths")
        add_files = QPushButton("Add &files…")
        add_files.clicked.connect(self._pick_files)
        add_folder = QPushButton("Add f&older…")
        add_folder.clicked.connect(self._pick_folder)
        add_image = QPushButton("Add disk &image…")
        add_image.clicked.connect(self._pick_image)
        self.parent_picker = QComboBox()
        self.parent_picker.setObjectName("ingest_parent")
        self.parent_picker.setToolTip("Where the evidence goes in the case tree")
        self._fill_parents(parent_id)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Note for the custody log (where it came from, why)")
        self.carve = QCheckBox("Ca&rve disk images' unallocated space (PhotoRec)")
        self.carve.setObjectName("ingest_carve")
        self.carve.setToolTip(
            "Files PhotoRec cuts out of free space go under a 'Carved' folder of the image, "
            "with their byte offsets"
        )
        self.status = QLabel(
            "Choose files, folders or disk images, or drop them here. The ingest runs in the "
            "Jobs panel: you can keep working while it does."
        )
        self.status.setObjectName("ingest_status")
        self.status.setWordWrap(True)
        self.start_button = QPushButton("&Ingest")
        self.start_button.setObjectName("ingest_start")
        self.start_button.setDefault(True)
        self.start_button.setStatusTip("Start the ingest in the background and close this dialog")
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setObjectName("ingest_cancel")
        self.cancel_button.clicked.connect(self.reject)

        pick = QHBoxLayout()
        for b in (add_files, add_folder, add_image):
            pick.addWidget(b)
        pick.addStretch(1)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.start_button)
        actions.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(pick)
        layout.addWidget(self.paths, 1)
        under = QHBoxLayout()
        label = QLabel("&Put under:")
        label.setBuddy(self.parent_picker)
        under.addWidget(label)
        under.addWidget(self.parent_picker, 1)
        layout.addLayout(under)
        layout.addWidget(self.note)
        layout.addWidget(self.carve)
        layout.addWidget(self.status)
        layout.addLayout(actions)
        self._idle()

    # where ----------------------------------------------------------------------------------
    def _fill_parents(self, selected: str | None) -> None:
        """Top level, the selected node, and every hardware item and component of the case."""
        self.parent_picker.addItem("Top level of the case", None)
        with Case.open(self._root, readonly=True) as case:
            choices: list[Item] = []
            found = case.items.find(selected) if selected is not None else None
            if found is not None:
                choices.append(found)
            kinds = (ItemKind.HARDWARE, ItemKind.COMPONENT)
            for item in case.items.search(kinds=kinds, order_by="name"):
                if item.id != selected:
                    choices.append(item)
            for item in choices:
                trail = [a.name for a in reversed(case.ancestors(item.id))]
                self.parent_picker.addItem(" / ".join([*trail, item.name]), item.id)
        self.parent_picker.setCurrentIndex(1 if found is not None else 0)

    def chosen_parent(self) -> str | None:
        """The id of the item the evidence goes under (None: the top level)."""
        data = self.parent_picker.currentData()
        return str(data) if data else None

    # inputs ---------------------------------------------------------------------------------
    def add_paths(self, paths: Sequence[Path]) -> None:
        """Add inputs to the list."""
        for path in paths:
            self.paths.addItem(str(path))
        self._idle()

    def input_paths(self) -> list[Path]:
        """The inputs, in order."""
        return [Path(self.paths.item(n).text()) for n in range(self.paths.count())]

    def _pick_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Add files")
        self.add_paths([Path(f) for f in files])

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder")
        if folder:
            self.add_paths([Path(folder)])

    def _pick_image(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Add disk images", "", DISK_IMAGE_FILTER)
        self.add_paths([Path(f) for f in files])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept files dropped from the desktop."""
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Add dropped files and folders to the list."""
        self.add_paths([Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()])

    # running ------------------------------------------------------------------------------
    def request(self) -> IngestRequest:
        """What the dialog collected."""
        return IngestRequest(
            paths=tuple(self.input_paths()),
            parent_id=self.chosen_parent(),
            note=self.note.text().strip() or None,
            carve=self.carve.isChecked(),
        )

    def start(self) -> IngestJob | None:
        """Hand the ingest to the runner (the Jobs panel shows it) and close."""
        if not self.input_paths() or self.ingest_job is not None:
            return None
        job = IngestJob(
            self._runner, self._root, self.request(), self._post_ingest, self.parentWidget()
        )
        self.ingest_job = job
        self.started.emit(job)
        self.accept()
        return job

    def _idle(self) -> None:
        self.start_button.setEnabled(self.paths.count() > 0)
