"""The status bar's view of background work: what runs, how far it got, and a Cancel button.

Every job started through the window's `JobRunner` shows here, whoever started it, so a feature
that forgets its own progress bar still gives the user a way to see and stop its work.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from ui.jobs import Job, JobRunner, show_percent


class JobStatusBar(QStatusBar):
    """A status bar with a progress bar and a Cancel button for the newest running job."""

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusbar")
        self._runner = runner
        self._current: Job | None = None
        self.job_label = QLabel()
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
        self._current = job
        self.job_label.setText(job.name)
        self.bar.setRange(0, 0)
        job.signals.progress.connect(lambda p, m, j=job: self._progress(j, p, m))
        for w in (self.job_label, self.bar, self.cancel_button):
            w.show()

    def _progress(self, job: Job, percent: int, message: str) -> None:
        if job is not self._current:
            return
        show_percent(self.bar, percent)
        self.job_label.setText(f"{job.name}: {message}" if message else job.name)

    def _ended(self, job: Job) -> None:
        remaining = [j for j in self._runner.jobs() if not j.quiet]
        if job is self._current:
            self._current = remaining[-1] if remaining else None
        if self._current is None:
            for w in (self.job_label, self.bar, self.cancel_button):
                w.hide()
        else:
            self.job_label.setText(self._current.name)

    def _cancel(self) -> None:
        if self._current is not None:
            self._current.cancel()
            self.job_label.setText(f"{self._current.name}: cancelling…")
