"""Adding evidence: pick files, folders or disk images (or drop them), choose where in the case
they go (a parent picker, the selected tree node by default), ingest in the background with a
progress bar and Cancel, then list what was rejected and why.

While it runs the status line shows each phase (copying and hashing, extracting) with its
counts and the time left, and the views reload every `REFRESH_S` seconds: items appear as
their batch is committed, and their metadata, thumbnails and positions fill in behind."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forensics.case import Case
from forensics.intake.ingest import IngestOptions, IngestReport, PostIngest, ingest_paths
from forensics.jobs import CancelToken, ProgressFn
from forensics.models import Item, ItemKind
from ui.error_list import ErrorListDialog
from ui.jobs import Job, JobRunner, show_percent

log = logging.getLogger(__name__)

DISK_IMAGE_FILTER = "Disk and card images (*.img *.dd *.raw *.bin *.iso *.E01 *.e01);;All files (*)"


REFRESH_S = 1.5
"""Seconds between reloads of the views while an ingest runs."""


class IngestDialog(QDialog):
    """One ingest: the inputs, a note, progress, Cancel, and the outcome."""

    ingested = Signal()
    """Emitted while an ingest runs (every `REFRESH_S`) and after it ended with at least one
    new item: the views reload."""

    def __init__(
        self,
        runner: JobRunner,
        case_root: Path,
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
        """Makes the post-ingest steps of one run (in the job: building one may start a
        worker process)."""
        self.job: Job | None = None
        self._refreshed = 0.0
        self.report: IngestReport | None = None
        self.failure: str | None = None
        self.errors: ErrorListDialog | None = None

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
        self.progress = QProgressBar()
        self.progress.setObjectName("ingest_progress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.status = QLabel("Choose files, folders or disk images, or drop them here.")
        self.status.setObjectName("ingest_status")
        self.status.setWordWrap(True)
        self.start_button = QPushButton("&Ingest")
        self.start_button.setObjectName("ingest_start")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setObjectName("ingest_cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.warnings: list[str] = []
        self.warnings_button = QPushButton("&Warnings…")
        self.warnings_button.setObjectName("ingest_warnings")
        self.warnings_button.setToolTip("What to know about files that were ingested")
        self.warnings_button.clicked.connect(self.show_warnings)
        self.warnings_button.setVisible(False)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.accept)

        pick = QHBoxLayout()
        for b in (add_files, add_folder, add_image):
            pick.addWidget(b)
        pick.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.progress, 1)
        actions.addWidget(self.warnings_button)
        actions.addWidget(self.start_button)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.close_button)
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

    # running --------------------------------------------------------------------------------
    def start(self) -> None:
        """Ingest every input in the background."""
        paths = self.input_paths()
        if not paths or self.job is not None:
            return
        root, parent_id, note = self._root, self.chosen_parent(), self.note.text().strip() or None
        make_steps, carve = self._post_ingest, self.carve.isChecked()

        def work(progress: ProgressFn, cancel: CancelToken) -> IngestReport:
            with Case.open(root) as case:  # the job's own connection
                options = IngestOptions(
                    parent_id=parent_id, note=note, post_ingest=tuple(make_steps()), carve=carve
                )
                return ingest_paths(case, paths, options, progress=progress, cancel=cancel)

        self.report = None
        self.failure = None
        self.warnings = []
        self.warnings_button.setVisible(False)
        self.job = self._runner.start("Ingest", work)
        self.job.signals.progress.connect(self._progress)
        self.job.signals.finished.connect(self._finished)
        self.job.signals.failed.connect(self._failed)
        self.job.signals.ended.connect(self._ended)
        self.status.setText("Ingesting…")
        self._busy()

    def cancel(self) -> None:
        """Stop after the current chunk (the file in progress leaves nothing), or close."""
        if self.job is not None:
            self.job.cancel()
            self.status.setText(
                "Cancelling… the file being copied is discarded (a carver is stopped)."
            )
            self.cancel_button.setEnabled(False)
        else:
            self.reject()

    def running(self) -> bool:
        """True while the ingest job has not ended."""
        return self.job is not None

    def _progress(self, percent: int, message: str) -> None:
        show_percent(self.progress, percent)
        self.status.setText(message)
        now = time.monotonic()
        if now - self._refreshed >= REFRESH_S:
            self._refreshed = now
            self.ingested.emit()  # what was committed so far shows while the rest comes

    def _finished(self, report: Any) -> None:
        if not isinstance(report, IngestReport):
            return
        self.report = report
        counts = report.to_json()
        done = (
            f"{counts['ingested']} ingested, {counts['duplicates']} already in the case, "
            f"{counts['recorded']} links recorded, {counts['rejected']} rejected"
        )
        self.status.setText(("Cancelled. " if report.cancelled else "Done. ") + done + ".")
        if report.items:
            self.ingested.emit()
        rejected = [f"{o.path}: {o.reason}" for o in report.rejected]
        warnings = [f"{o.path}: warning: {w}" for o in report.outcomes for w in o.warnings]
        self.warnings = warnings
        self.warnings_button.setText(f"&Warnings ({len(warnings)})…")
        self.warnings_button.setVisible(bool(warnings))
        if rejected:
            # A pop-up only when an input was refused: that needs the examiner's attention
            # now. Warnings on ingested files wait behind the Warnings button.
            self.errors = ErrorListDialog(
                "Ingest: files with problems",
                f"{len(rejected)} input(s) were rejected; every other one was "
                "ingested. Each line names the file and the reason.",
                rejected + warnings,
                self,
            )
            self.errors.setModal(False)
            self.errors.show()

    def show_warnings(self) -> None:
        """List the warnings of the last ingest (an E01 hash that failed, a clock guess...)."""
        self.errors = ErrorListDialog(
            "Ingest: warnings",
            "Every file below was ingested; each line names the file and what to know about it.",
            self.warnings,
            self,
        )
        self.errors.setModal(False)
        self.errors.show()

    def _failed(self, message: str, _traceback: str) -> None:
        self.failure = message
        self.status.setText(f"The ingest stopped: {message}")
        ErrorListDialog(
            "Ingest failed", "The ingest stopped with an error:", [message], self
        ).open()

    def _ended(self) -> None:
        self.job = None
        self.progress.setRange(0, 100)
        self._idle()

    def _busy(self) -> None:
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.close_button.setEnabled(False)

    def _idle(self) -> None:
        # After a Cancel the same inputs can be ingested again (what was stored is kept and
        # reported as duplicates); after a complete run there is nothing left to do.
        done = self.report is not None and not self.report.cancelled
        self.start_button.setEnabled(self.paths.count() > 0 and not done)
        self.cancel_button.setEnabled(True)
        self.close_button.setEnabled(True)

    def reject(self) -> None:
        """Closing while running cancels the ingest first."""
        if self.job is not None:
            self.cancel()
            return
        super().reject()
