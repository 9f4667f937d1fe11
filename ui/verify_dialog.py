"""Verify the case from the GUI: every stored byte re-hashed, the custody chain re-walked, and
the findings shown (a green banner when everything matches)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forensics.case import Case, CaseLocation
from forensics.errors import WorkbenchError
from forensics.jobs import CancelToken, ProgressFn
from forensics.seals import journal_seals
from forensics.store.record_search import labelled, name_of
from forensics.verify import VerifyReport, verify_case
from ui.error_list import ErrorListDialog
from ui.jobs import Job, JobRunner
from ui.style import BAD_COLOUR, OK_COLOUR

_HEADERS = ("Finding", "Message", "Item", "Log entry", "Expected", "Found")

log = logging.getLogger(__name__)


class VerifyDialog(QDialog):
    """Runs `verify_case` in the background and reports what it found."""

    def __init__(
        self, runner: JobRunner, case_root: CaseLocation, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("verify_dialog")
        self.setWindowTitle("Verify case")
        self.resize(860, 160)
        self._runner = runner
        self._root = case_root
        self.job: Job | None = None
        self.report: VerifyReport | None = None
        self.banner = QLabel("Verifying…")
        self.banner.setObjectName("verify_banner")
        self.banner.setWordWrap(True)
        self.banner.setMargin(10)
        self.banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.table = QTableWidget(0, len(_HEADERS))
        self.table.setObjectName("verify_findings")
        self.table.setHorizontalHeaderLabels(_HEADERS)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.hide()
        self.copy_button = QPushButton("Copy findings")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self._copy)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)
        layout.addStretch(0)
        layout.addLayout(buttons)

    def start(self) -> None:
        """Verify in the background (the job opens its own connection)."""
        root = self._root

        def work(progress: ProgressFn, cancel: CancelToken) -> VerifyReport:
            with Case.open_for_reading(root) as case:  # read-only media: verified, not logged
                # The seals in the examiner's own journal anchor the head outside the case.
                signer = case.signer
                kept = journal_seals(
                    signer.journal if signer else None, case.info.case_id, case.root
                )
                outside = [("from your journal", doc) for doc in kept]
                return verify_case(case, progress=progress, cancel=cancel, seals=outside)

        self.job = self._runner.start("Verify case", work)
        self.job.signals.progress.connect(self._progress)
        self.job.signals.finished.connect(self._finished)
        self.job.signals.failed.connect(self._failed)
        self.job.signals.ended.connect(self._ended)

    def _progress(self, percent: int, message: str) -> None:
        if percent >= 0:
            self.progress.setRange(0, 100)
            self.progress.setValue(percent)
        self.banner.setText(f"Verifying… {message}")

    def _finished(self, report: Any) -> None:
        if not isinstance(report, VerifyReport):
            return
        self.report = report
        checked = (
            f"{report.files_checked} stored files, {report.entries_checked} custody "
            f"entries (their signatures), {report.records_checked} records and "
            f"{report.seals_checked} seals checked."
        )
        for note in report.notices:
            checked += f" Note: {note.message}."
        if not report.logged and report.not_logged_reason:
            checked += f" {report.not_logged_reason.capitalize()}."
        if report.ok:
            self._banner(OK_COLOUR, f"The case verifies clean. {checked}")
            return
        self._banner(BAD_COLOUR, f"{len(report.findings)} finding(s). {checked}")
        self.table.setRowCount(len(report.findings))
        names = self._item_names({f.item_id for f in report.findings if f.item_id})
        for row, f in enumerate(report.findings):
            values = (
                f.kind,
                f.message,
                labelled(names.get(f.item_id), f.item_id) if f.item_id else "",
                "" if f.entry_seq is None else str(f.entry_seq),
                f.expected or "",
                f.found or "",
            )
            for col, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value)
                self.table.setItem(row, col, cell)
        self.table.show()
        self.copy_button.setEnabled(True)
        self.resize(self.width(), max(self.height(), 420))

    def _item_names(self, item_ids: set[str]) -> dict[str, str]:
        """The names of the items findings are about (read-only; a case that cannot be read
        leaves the ids as they are)."""
        names: dict[str, str] = {}
        if not item_ids:
            return names
        try:
            with Case.open(self._root, readonly=True) as case:
                for item_id in item_ids:
                    name = name_of(case.db, "item", item_id)
                    if name:
                        names[item_id] = name
        except WorkbenchError as exc:
            log.warning("could not name the items of the findings: %s", exc)
        return names

    def _banner(self, colour: str, text: str) -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(
            f"background: {colour}; color: white; font-weight: 600; border-radius: 4px;"
        )

    def _failed(self, message: str, _tb: str) -> None:
        self._banner(BAD_COLOUR, f"Verification could not run: {message}")

    def _ended(self) -> None:
        self.job = None
        self.progress.setRange(0, 100)
        self.progress.setValue(100)
        self.cancel_button.setEnabled(False)
        if self.report is None and not self.banner.styleSheet():
            self.banner.setText("Verification was cancelled.")

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _copy(self) -> None:
        if self.report is None:
            return
        lines = [
            f"{f.kind}\t{f.message}\t{f.item_id or ''}\t{f.entry_seq or ''}\t"
            f"{f.expected or ''}\t{f.found or ''}"
            for f in self.report.findings
        ]
        ErrorListDialog("Verification findings", "Findings, one per line:", lines, self).copy()

    def reject(self) -> None:
        """Closing while running cancels first."""
        if self.job is not None:
            self.job.cancel()
            return
        super().reject()
