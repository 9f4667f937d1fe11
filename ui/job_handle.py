"""One background job started by an action, followed to its end: the result handed to the
action's `done`, a failure or a refused archive shown in a message box naming the reason(s).

Its progress, phase text and Cancel are in the window's Jobs panel (`ui.jobs_panel`), like
every other job's, so the window stays usable while it runs; this object only carries the
outcome back to the action that asked for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from forensics.errors import ArchiveError
from forensics.jobs import CancelToken, ProgressFn
from ui.jobs import Job, JobRunner


class JobHandle(QObject):
    """Runs `fn(progress, cancel)` through the runner and reports how it ended.

    `done(result)` is called on the GUI thread when the job finishes (not when it was
    cancelled); a line it returns is the job's summary in the Jobs panel. `result_value` and
    `error` keep the outcome for whoever asks later.
    """

    def __init__(
        self,
        runner: JobRunner,
        title: str,
        fn: Callable[[ProgressFn, CancelToken], Any],
        done: Callable[[Any], str | None],
        parent: QWidget | None = None,
        *,
        writes: bool = False,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self.title = title
        self.result_value: Any = None
        self.error: str | None = None
        self._done = done
        self._fn = fn
        self.job: Job = runner.start(title, self._run, writes=writes)
        self.job.signals.finished.connect(self._finished)
        self.job.signals.failed.connect(self._failed)

    def _run(self, progress: ProgressFn, cancel: CancelToken) -> Any:
        try:
            return self._fn(progress, cancel)
        except ArchiveError as exc:
            raise ArchiveError(
                "the archive was refused:\n• " + "\n• ".join(exc.reasons), exc.reasons
            ) from exc

    def cancel(self) -> None:
        """Ask the job to stop."""
        self.job.cancel()

    def _finished(self, result: Any) -> None:
        if self.job.cancel_token.cancelled:
            return
        self.result_value = result
        summary = self._done(result)
        if summary:
            self.job.report(summary)

    def _failed(self, message: str, _trace: str) -> None:
        self.error = message
        QMessageBox.critical(self._parent, self.title, message)
