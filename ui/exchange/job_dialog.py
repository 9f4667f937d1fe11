"""A modal progress dialog over one background job: bar, message, Cancel, errors shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from forensics.errors import ArchiveError
from forensics.jobs import CancelToken, ProgressFn
from ui.jobs import Job, JobRunner, show_percent


class JobDialog(QDialog):
    """Runs `fn(progress, cancel)` through the runner and shows how it goes.

    `done(result)` is called on the GUI thread when the job finishes; a failure or a refused
    archive is shown in a message box naming the reason(s).
    """

    def __init__(
        self,
        runner: JobRunner,
        title: str,
        fn: Callable[[ProgressFn, CancelToken], Any],
        done: Callable[[Any], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.message = QLabel("starting…")
        self.message.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.bar)
        layout.addWidget(buttons)
        self.result_value: Any = None
        self.error: str | None = None
        self._done = done
        self._fn = fn
        self.job: Job = runner.start(title, self._run)
        self.job.signals.progress.connect(self._progress)
        self.job.signals.finished.connect(self._finished)
        self.job.signals.failed.connect(self._failed)
        self.job.signals.cancelled.connect(self._cancelled)

    def _run(self, progress: ProgressFn, cancel: CancelToken) -> Any:
        try:
            return self._fn(progress, cancel)
        except ArchiveError as exc:
            raise RuntimeError("the archive was refused:\n• " + "\n• ".join(exc.reasons)) from exc

    def cancel(self) -> None:
        """Ask the job to stop; the dialog closes when it has."""
        self.message.setText("cancelling…")
        self.job.cancel()

    def _progress(self, percent: int, message: str) -> None:
        show_percent(self.bar, percent)
        self.message.setText(message[-120:])

    def _finished(self, result: Any) -> None:
        if self.job.cancel_token.cancelled:
            return
        self.result_value = result
        self.accept()
        self._done(result)

    def _failed(self, message: str, _trace: str) -> None:
        self.error = message
        self.reject()
        QMessageBox.critical(self.parentWidget(), self.windowTitle(), message)

    def _cancelled(self) -> None:
        self.reject()
