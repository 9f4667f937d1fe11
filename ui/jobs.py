"""Background jobs: core functions run in a QRunnable, their signals come back on the GUI thread.

A job function receives `progress` and `cancel` exactly as the CLI gives them, so the same core
code runs in both. The runner keeps every job alive until it ends and `shutdown()` cancels and
waits for them when the window closes. Progress is throttled: a signal only when the whole
percentage changes, or for a new phase text at most four times a second, so a fast loop cannot
flood the event queue.

A case has one writer at a time (SQLite's single write lock; an ingest holds it for each
batch), so jobs that write to the case (`writes=True`: ingest, merge, exports that log
themselves) go through one queue: the next starts when the previous ended, and until then
it is `queued`, shown so in the Jobs panel, and can be cancelled without ever starting.
Reads (thumbnails, counts, searches) run beside them.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from forensics.errors import CancelledError, WorkbenchError
from forensics.jobs import CancelToken, ProgressFn

if TYPE_CHECKING:
    from PySide6.QtWidgets import QProgressBar

log = logging.getLogger(__name__)

JobFn = Callable[[ProgressFn, CancelToken], Any]
MESSAGE_EVERY_S = 0.25
"""The shortest time between two progress signals that only change the phase text."""


def show_percent(bar: QProgressBar, percent: int) -> None:
    """Show a job's `progress` percentage on a bar; -1 (total unknown) makes it a busy bar."""
    if percent < 0:
        bar.setRange(0, 0)
    else:
        bar.setRange(0, 100)
        bar.setValue(percent)


class JobState(StrEnum):
    """Where a job is in its life (what the Jobs panel shows)."""

    QUEUED = "queued"
    """Waiting for the case's writer queue."""
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


ENDED_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})


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
    state_changed = Signal(str)
    """The job's new `JobState` (on the GUI thread)."""
    outcome = Signal()
    """The starter described the result (`Job.report`): summary and problems changed."""


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
        self._last_message = ""
        self._last_emit = 0.0
        self.latest: tuple[int, str] | None = None
        """The last progress reported (percent, message), even one no signal carried: set
        from the job's thread, one tuple assignment, read on the GUI thread."""
        self.quiet = False
        self.writes = False
        self.state = JobState.RUNNING
        self.summary = ""
        """One line on how it went, set by the job's starter (`report`)."""
        self.problems: list[str] = []
        """One line per problem (a rejected file and why); empty when there was none."""
        self.problems_title = "Problems"
        self.problems_label = "Problems"
        """The word on the row's button: "Problems", or "Warnings" when nothing failed."""
        self._on_cancel: Callable[[Job], None] | None = None
        self.signals.finished.connect(lambda _r: self._set_state(JobState.DONE))
        self.signals.failed.connect(self._failed)
        self.signals.cancelled.connect(lambda: self._set_state(JobState.CANCELLED))

    def cancel(self) -> None:
        """Ask the job to stop at its next check (a queued job ends without starting)."""
        self.cancel_token.cancel()
        if self._on_cancel is not None:
            self._on_cancel(self)

    def report(
        self,
        summary: str,
        problems: Sequence[str] = (),
        title: str = "Problems",
        label: str = "Problems",
    ) -> None:
        """Say how the job went, for the Jobs panel: a summary line and the problems, if any
        (called on the GUI thread by whoever started the job, from its finished handler).

        Args:
            summary: one line on the outcome.
            problems: one line per problem, naming the file and the reason.
            title: the title of the list's window.
            label: the word on the row's button ("Problems", "Warnings").
        """
        self.summary = summary
        self.problems = list(problems)
        self.problems_title = title
        self.problems_label = label
        self.signals.outcome.emit()

    def _failed(self, message: str, _trace: str) -> None:
        if not self.summary:
            self.summary = message
        if not self.problems:
            self.problems = [message]
            self.problems_title = f"{self.name} failed"
        self._set_state(JobState.FAILED)

    def _set_state(self, state: JobState) -> None:
        # A cancelled job's `finished` comes after its `cancelled`: the first end state stays.
        if self.state in ENDED_STATES or self.state == state:
            return
        self.state = state
        self.signals.state_changed.emit(str(state))

    def _progress(self, done: int, total: int, message: str) -> None:
        percent = int(done * 100 / total) if total > 0 else -1
        self.latest = (percent, message)  # read by the Jobs panel a few times a second
        now = time.monotonic()
        # A new percentage always shows; a new phase text (time left, the file being read)
        # at most every MESSAGE_EVERY_S, so a 3 GB file's row does not freeze at one
        # percentage while a fast loop still cannot flood the event queue.
        if percent != self._last_percent or (
            message != self._last_message and now - self._last_emit >= MESSAGE_EVERY_S
        ):
            self._last_percent = percent
            self._last_message = message
            self._last_emit = now
            self.signals.progress.emit(percent, message)

    def run(self) -> None:
        try:
            result = self.fn(self._progress, self.cancel_token)
        except CancelledError:
            self.signals.cancelled.emit()
        except (WorkbenchError, OSError) as exc:
            # Refused on purpose (a folder that exists, a refused archive, a locked case) or
            # by the system (no permission, disk full: the message names the file): it says
            # it all and the user sees it; a traceback would be noise on stderr.
            log.warning("job %s: %s", self.name, exc)
            self.signals.failed.emit(str(exc), "")
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
        self._write_queue: deque[Job] = deque()
        self._writer: Job | None = None
        """The write job running now (at most one)."""

    def start(self, name: str, fn: JobFn, *, quiet: bool = False, writes: bool = False) -> Job:
        """Run `fn(progress, cancel)` in the background and return its job.

        The job is handed to the pool on the next turn of the event loop, so slots connected
        to `job.signals` right after this call never miss a fast job's signals. After
        `shutdown()` a new job is cancelled at once (its `cancelled` and `ended` still come).
        A `quiet` job (a count, a thumbnail) is not shown in the status bar nor the Jobs
        panel. A `writes` job waits in the case's one writer queue (state `queued`) until
        every write job started before it has ended.
        """
        job = Job(name, fn)
        job.quiet = quiet
        job.writes = writes
        self._jobs.add(job)
        job.signals.ended.connect(lambda j=job: self._ended(j))
        job._on_cancel = self._cancel_requested
        if writes:
            job.state = JobState.QUEUED
            self._write_queue.append(job)
            QTimer.singleShot(0, self, self._next_writer)
        else:
            QTimer.singleShot(0, self, lambda j=job: self._launch(j))
        self.job_started.emit(job)
        return job

    def _launch(self, job: Job) -> None:
        if self._closed or job.cancel_token.cancelled:
            self._end_unstarted(job)
            return
        job._set_state(JobState.RUNNING)
        self._pool.start(job)

    @staticmethod
    def _end_unstarted(job: Job) -> None:
        job.signals.cancelled.emit()
        job.signals.ended.emit()

    def _next_writer(self) -> None:
        """Start the oldest queued write job when no write job runs."""
        while self._writer is None and self._write_queue:
            job = self._write_queue.popleft()
            if self._closed or job.cancel_token.cancelled:
                self._end_unstarted(job)
                continue
            self._writer = job
            self._launch(job)

    def _cancel_requested(self, job: Job) -> None:
        if job in self._write_queue:  # never started: it ends now
            self._write_queue.remove(job)
            self._end_unstarted(job)

    def _ended(self, job: Job) -> None:
        if job is self._writer:
            self._writer = None
            QTimer.singleShot(0, self, self._next_writer)
        if job in self._jobs:
            self._jobs.discard(job)
            self.job_ended.emit(job)

    def queued(self) -> list[Job]:
        """The write jobs waiting for their turn, oldest first."""
        return list(self._write_queue)

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
            job.cancel()  # a queued job ends here; a running one at its next check

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
