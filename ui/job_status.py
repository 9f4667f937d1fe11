"""The status bar's view of background work: what runs, how far it got, and a Cancel button.

Every job started through the window's `JobRunner` shows here, whoever started it, so a feature
that forgets its own progress bar still gives the user a way to see and stop its work.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QProgressBar, QPushButton, QStatusBar, QWidget

from ui.elided_label import ElidedLabel
from ui.jobs import Job, JobRunner, JobState, show_percent


class JobStatusBar(QStatusBar):
    """A status bar with a progress bar and a Cancel button for the newest running job."""

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusbar")
        self._runner = runner
        self._current: Job | None = None
        # A long phase ("copying and hashing … /long/path") is cut in the middle, to at most
        # a third of the bar (resizeEvent), and never makes the window wider than the screen;
        # the whole text is in its tooltip and, wrapped, in the Jobs panel.
        self.job_label = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)
        self.job_label.setObjectName("job_label")
        self.bar = QProgressBar()
        self.bar.setObjectName("job_progress")
        self.bar.setFixedWidth(220)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("job_cancel")
        self.cancel_button.setStatusTip("Stop the running job; what finished stays")
        self.cancel_button.clicked.connect(self._cancel)
        for w in (self.job_label, self.bar, self.cancel_button):
            self.addPermanentWidget(w)
            w.hide()
        runner.job_started.connect(self._started)
        runner.job_ended.connect(self._ended)

    def _started(self, job: Job) -> None:
        if job.quiet:
            return
        job.signals.progress.connect(lambda p, m, j=job: self._progress(j, p, m))
        job.signals.state_changed.connect(lambda _s, j=job: self._state_changed(j))
        if job.state == JobState.QUEUED and self._current is not None:
            return  # the running job stays in view; the Jobs panel lists the queue
        self._show(job)

    def _show(self, job: Job) -> None:
        self._current = job
        queued = job.state == JobState.QUEUED
        self._say(f"{job.name}: queued" if queued else job.name)
        self.bar.setRange(0, 0)
        for w in (self.job_label, self.bar, self.cancel_button):
            w.show()

    def _state_changed(self, job: Job) -> None:
        if job.state == JobState.RUNNING and (
            self._current is None or self._current.state != JobState.RUNNING
        ):
            self._show(job)

    def _progress(self, job: Job, percent: int, message: str) -> None:
        if job is not self._current:
            return
        show_percent(self.bar, percent)
        self._say(f"{job.name}: {message}" if message else job.name)

    def _ended(self, job: Job) -> None:
        remaining = [j for j in self._runner.jobs() if not j.quiet]
        running = [j for j in remaining if j.state == JobState.RUNNING]
        if job is self._current:
            pool = running or remaining
            self._current = pool[-1] if pool else None
        if self._current is None:
            for w in (self.job_label, self.bar, self.cancel_button):
                w.hide()
        else:
            self._show(self._current)

    def _say(self, text: str) -> None:
        self.job_label.setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.job_label.setMaximumWidth(max(160, self.width() // 3))

    def _cancel(self) -> None:
        if self._current is not None:
            self._current.cancel()
            self._say(f"{self._current.name}: cancelling…")
