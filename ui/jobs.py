"""Background jobs: core functions run in a QRunnable, their signals come back on the GUI thread.

A job function receives `progress` and `cancel` exactly as the CLI gives them, so the same core
code runs in both. The runner keeps every job alive until it ends and `shutdown()` cancels and
waits for them when the window closes. Progress is throttled: a signal only when the whole
percentage changes, so a fast loop cannot flood the event queue.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from forensics.errors import CancelledError
from forensics.jobs import CancelToken, ProgressFn

if TYPE_CHECKING:
    from PySide6.QtWidgets import QProgressBar

log = logging.getLogger(__name__)

JobFn = Callable[[ProgressFn, CancelToken], Any]


def show_percent(bar: QProgressBar, percent: int) -> None:
    """Show a job's `progress` percentage on a bar; -1 (total unknown) makes it a busy bar."""
    if percent < 0:
        bar.setRange(0, 0)
    else:
        bar.setRange(0, 100)
        bar.setValue(percent)


class JobSignals(QObject):
    """What a job reports. Connected slots run on the GUI thread (queued connections)."""

    progress = Signal(int, str)
    """percent (0-100, or -1 when the total is unknown), message."""
    finished = Signal(object)
    failed = Signal(str, str)
    """message, traceback."""
    cancelled = Signal()
    ended = Signal()
    """Emitted last, whatever the outcome."""


class Job(QRunnable):
    """One unit of background work with its cancel token."""

    def __init__(self, name: str, fn: JobFn) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.name = name
        self.fn = fn
        self.signals = JobSignals()
        self.cancel_token = CancelToken()
        self._last_percent = -2
        self.quiet = False

    def cancel(self) -> None:
        """Ask the job to stop at its next check."""
        self.cancel_token.cancel()

    def _progress(self, done: int, total: int, message: str) -> None:
        percent = int(done * 100 / total) if total > 0 else -1
        if percent != self._last_percent:
            self._last_percent = percent
            self.signals.progress.emit(percent, message)

    def run(self) -> None:
        try:
            result = self.fn(self._progress, self.cancel_token)
        except CancelledError:
            self.signals.cancelled.emit()
        except Exception as exc:  # surfaced to the user in a dialog, never swallowed
            log.exception("job %s failed", self.name)
            self.signals.failed.emit(str(exc), traceback.format_exc())
        else:
            if self.cancel_token.cancelled:
                self.signals.cancelled.emit()
            self.signals.finished.emit(result)
        finally:
            self.signals.ended.emit()


class JobRunner(QObject):
    """Starts jobs on a thread pool and keeps them referenced until they end."""

    job_started = Signal(object)
    job_ended = Signal(object)

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._jobs: set[Job] = set()
        self._closed = False

    def start(self, name: str, fn: JobFn, *, quiet: bool = False) -> Job:
        """Run `fn(progress, cancel)` in the background and return its job.

        The job is handed to the pool on the next turn of the event loop, so slots connected
        to `job.signals` right after this call never miss a fast job's signals. After
        `shutdown()` a new job is cancelled at once (its `cancelled` and `ended` still come).
        A `quiet` job (a count, a thumbnail) is not shown in the status bar.
        """
        job = Job(name, fn)
        job.quiet = quiet
        self._jobs.add(job)
        job.signals.ended.connect(lambda j=job: self._ended(j))
        QTimer.singleShot(0, self, lambda j=job: self._launch(j))
        self.job_started.emit(job)
        return job

    def _launch(self, job: Job) -> None:
        if self._closed or job.cancel_token.cancelled:
            job.signals.cancelled.emit()
            job.signals.ended.emit()
            return
        self._pool.start(job)

    def _ended(self, job: Job) -> None:
        if job in self._jobs:
            self._jobs.discard(job)
            self.job_ended.emit(job)

    @property
    def active(self) -> int:
        """How many jobs have not ended."""
        return len(self._jobs)

    def jobs(self) -> list[Job]:
        """The jobs that have not ended."""
        return list(self._jobs)

    def cancel_all(self) -> None:
        """Ask every job to stop (a case is closing); the runner stays usable."""
        for job in list(self._jobs):
            job.cancel()

    def wait(self, timeout_ms: int = 10000) -> bool:
        """Wait for the running jobs to return. Returns True when the pool drained."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Cancel every job and wait for the pool to drain. Returns True when all ended.

        The runner accepts no more work afterwards: the window is closing.
        """
        self._closed = True
        self.cancel_all()
        done = self._pool.waitForDone(timeout_ms)
        if not done:
            log.warning(
                "jobs still running after %d ms: %s",
                timeout_ms,
                ", ".join(j.name for j in self._jobs),
            )
        return done
