"""The Jobs panel: every background job the user started, one row each, while they keep working.

A row shows the job's name, its state (queued behind the case's writer, running, done,
failed, cancelled), a progress bar, the phase text the core reports ("copying and hashing
3/40, 2 min left") and Cancel. When the job ends the row keeps its one-line summary and,
only when there were problems (files refused, a failure), a Problems button that lists them
one per line. Ended rows stay until "Clear finished".

The panel listens to the window's `JobRunner`, so a feature gets a row, progress and Cancel
for its job without code of its own; `quiet` jobs (counts, thumbnails) are not listed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.elided_label import ElidedLabel
from ui.jobs import ENDED_STATES, Job, JobRunner, JobState, show_percent

if TYPE_CHECKING:
    from ui.error_list import ErrorListDialog

REFRESH_MS = 250
"""How often running rows show their job's latest phase text."""

_STATE_TEXT = {
    JobState.QUEUED: "queued: waits for the case's writer",
    JobState.RUNNING: "running",
    JobState.DONE: "done",
    JobState.FAILED: "failed",
    JobState.CANCELLED: "cancelled",
}


class JobRow(QFrame):
    """One job: name and state, bar, phase text, Cancel, and Problems when there are any."""

    def __init__(self, job: Job, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.setObjectName("job_row")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = ElidedLabel(job.name)  # a long name ends in "…", never widens the dock
        self.title.setObjectName("job_title")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.state = QLabel()
        self.state.setObjectName("job_state")
        self.state.setWordWrap(True)
        self.state.setMinimumWidth(1)
        self.bar = QProgressBar()
        self.bar.setObjectName("job_row_progress")
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(True)
        self.bar.setMinimumWidth(40)
        self.phase = QLabel()
        self.phase.setObjectName("job_phase")
        self.phase.setWordWrap(True)
        self.phase.setMinimumWidth(1)
        self.phase.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("job_row_cancel")
        self.cancel_button.setStatusTip("Stop this job; what it finished stays in the case")
        self.cancel_button.clicked.connect(self.cancel)
        self.problems_button = QPushButton()
        self.problems_button.setObjectName("job_problems")
        self.problems_button.setStatusTip("List each problem: the file and the reason")
        self.problems_button.clicked.connect(self.show_problems)
        self.problems_button.hide()
        self.problems_dialog: ErrorListDialog | None = None

        # Three short lines, so a row fits the narrow dock under the case tree.
        middle = QHBoxLayout()
        middle.addWidget(self.bar, 1)
        middle.addWidget(self.problems_button)
        middle.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addLayout(middle)
        layout.addWidget(self.state)
        layout.addWidget(self.phase)

        job.signals.progress.connect(self._progress)
        job.signals.state_changed.connect(lambda _s: self._show_state())
        job.signals.outcome.connect(self._show_outcome)
        self._show_state()

    def ended(self) -> bool:
        """True once the job is done, failed or cancelled."""
        return self.job.state in ENDED_STATES

    def cancel(self) -> None:
        """Ask the job to stop (a queued one ends at once)."""
        if self.ended():
            return
        self.job.cancel()
        if not self.ended():
            self.state.setText("cancelling…")
        self.cancel_button.setEnabled(False)

    def refresh(self) -> None:
        """Show the job's latest progress, which a throttled signal may not have carried
        (a phase that changed just after the last signal, then a long quiet step)."""
        latest = self.job.latest
        if latest is not None and latest[1] != self.phase.text():
            self._progress(*latest)

    def _progress(self, percent: int, message: str) -> None:
        if self.ended():
            return
        show_percent(self.bar, percent)
        self.phase.setText(message)
        self.phase.setVisible(bool(message))

    def _show_state(self) -> None:
        state = self.job.state
        self.state.setText(_STATE_TEXT[state])
        if state == JobState.QUEUED:
            self.bar.setRange(0, 100)
            self.bar.setValue(0)
        if state in ENDED_STATES:
            self.cancel_button.hide()
            self.bar.setRange(0, 100)
            self.bar.setValue(100 if state == JobState.DONE else self.bar.value())
            self.bar.setEnabled(False)
            if state == JobState.CANCELLED and not self.job.summary:
                self.phase.setText("Cancelled: what finished before stays in the case.")
            elif state == JobState.DONE and not self.job.summary:
                self.phase.clear()  # the last phase ("done") would only repeat the state
            self.phase.setVisible(bool(self.phase.text()))
            self._show_outcome()

    def _show_outcome(self) -> None:
        if self.job.summary:
            self.phase.setText(self.job.summary)
            self.phase.show()
        count = len(self.job.problems)
        self.problems_button.setText(f"{self.job.problems_label} ({count})…")
        self.problems_button.setVisible(count > 0)

    def show_problems(self) -> ErrorListDialog:
        """List the job's problems, one per line, beside the window (not modal)."""
        from ui.error_list import ErrorListDialog  # a dialog: loaded when first opened

        self.problems_dialog = ErrorListDialog(
            self.job.problems_title,
            f"{self.job.name}: {self.job.summary or 'problems'}. Each line names the file "
            "and the reason.",
            self.job.problems,
            self,
        )
        self.problems_dialog.setModal(False)
        self.problems_dialog.show()
        return self.problems_dialog


class JobsPanel(QWidget):
    """The rows of every visible job, newest on top, and "Clear finished"."""

    job_shown = Signal(object)
    """A new job's row was added (the window makes sure the panel is in sight)."""

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobs_panel")
        self._rows: list[JobRow] = []
        self.empty = QLabel("No jobs yet. Ingests, exports, reports and imports run here.")
        self.empty.setObjectName("jobs_empty")
        self.empty.setWordWrap(True)
        self._list = QWidget()
        self._list_layout = QVBoxLayout(self._list)
        self._list_layout.setContentsMargins(0, 0, 0, 0)
        self._list_layout.addWidget(self.empty)
        self._list_layout.addStretch(1)
        self.scroll_area = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._list)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.clear_button = QPushButton("C&lear finished")
        self.clear_button.setObjectName("jobs_clear")
        self.clear_button.setStatusTip("Remove the rows of jobs that ended")
        self.clear_button.clicked.connect(self.clear_finished)
        self.clear_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        runner.job_started.connect(self._started)
        runner.job_ended.connect(lambda _j: self._update_clear())
        self._ticker = QTimer(self)
        self._ticker.setInterval(REFRESH_MS)
        self._ticker.timeout.connect(self._tick)

    def _tick(self) -> None:
        running = [r for r in self._rows if not r.ended()]
        for row in running:
            row.refresh()
        if not running:
            self._ticker.stop()

    def rows(self) -> list[JobRow]:
        """The rows shown, oldest first (the panel shows the newest on top)."""
        return list(self._rows)

    def row_of(self, job: Job) -> JobRow | None:
        """The row showing `job`, if it is shown."""
        return next((r for r in self._rows if r.job is job), None)

    def _started(self, job: Job) -> None:
        if job.quiet:
            return
        row = JobRow(job, self._list)
        self._rows.append(row)
        self._list_layout.insertWidget(0, row)  # the newest on top, in sight
        self.scroll_area.verticalScrollBar().setValue(0)
        self.empty.hide()
        self._update_clear()
        self._ticker.start()
        self.job_shown.emit(job)

    def clear_finished(self) -> None:
        """Drop the rows of ended jobs."""
        for row in [r for r in self._rows if r.ended()]:
            self._rows.remove(row)
            self._list_layout.removeWidget(row)
            row.hide()  # gone now, not when the event loop gets to deleting it
            row.deleteLater()
        self.empty.setVisible(not self._rows)
        self._update_clear()

    def _update_clear(self) -> None:
        self.clear_button.setEnabled(any(r.ended() for r in self._rows))
