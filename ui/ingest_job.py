"""One ingest running in the background, after the Add evidence dialog handed it over.

The dialog only collects the choices; this object runs them as a write job (the case has one
writer: a second ingest or an export waits, queued, in the Jobs panel), keeps the views
current while it runs and says how it went. Items reach the catalogue and the tree as their
batch is committed (the core's change events, delivered every `REFRESH_S` seconds); their
metadata, thumbnails and positions fill in behind. The row in the Jobs panel gets the
summary and, only when an input was refused or a file has a warning, the list of them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from forensics.case import Case, CaseLocation
from forensics.intake.ingest import IngestOptions, IngestReport, PostIngest, ingest_paths
from forensics.jobs import CancelToken, ProgressFn
from ui.jobs import Job, JobRunner

log = logging.getLogger(__name__)

REFRESH_S = 1.5
"""Seconds between deliveries of what the ingest committed, while it runs."""


@dataclass(frozen=True)
class IngestRequest:
    """What the Add evidence dialog collected."""

    paths: tuple[Path, ...]
    parent_id: str | None = None
    note: str | None = None
    carve: bool = False


def summary_of(report: IngestReport) -> str:
    """One line: what the ingest did ("Done. 3 ingested, 0 already in the case, ...")."""
    counts = report.summary()
    done = (
        f"{counts['ingested']} ingested, {counts['duplicates']} already in the case, "
        f"{counts['recorded']} links recorded, {counts['rejected']} rejected"
    )
    return ("Cancelled. " if report.cancelled else "Done. ") + done + "."


class IngestJob(QObject):
    """An ingest of one request: its job, its report when it ends, and its status line."""

    ingested = Signal()
    """What was committed so far should show (every `REFRESH_S` while it runs, and at the
    end when it added an item): the window flushes the change events to the views."""

    def __init__(
        self,
        runner: JobRunner,
        case_root: CaseLocation,
        request: IngestRequest,
        post_ingest: Callable[[], Sequence[PostIngest]] = tuple,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.request = request
        self.report: IngestReport | None = None
        self.failure: str | None = None
        self._over = False
        self.status = "Queued: waits for the case's writer."
        self.warnings: list[str] = []
        self.rejected: list[str] = []
        self._refreshed = 0.0
        root = case_root

        def work(progress: ProgressFn, cancel: CancelToken) -> IngestReport:
            with Case.open(root) as case:  # the job's own connection
                options = IngestOptions(
                    parent_id=request.parent_id,
                    note=request.note,
                    # Built in the job: building a step may start a worker process.
                    post_ingest=tuple(post_ingest()),
                    carve=request.carve,
                )
                return ingest_paths(
                    case, list(request.paths), options, progress=progress, cancel=cancel
                )

        names = ", ".join(p.name for p in request.paths[:2])
        more = f" and {len(request.paths) - 2} more" if len(request.paths) > 2 else ""
        self.job: Job = runner.start(f"Ingest {names}{more}", work, writes=True)
        self.job.signals.progress.connect(self._progress)
        self.job.signals.finished.connect(self._finished)
        self.job.signals.failed.connect(self._failed)
        self.job.signals.ended.connect(self._ended)

    def running(self) -> bool:
        """True until the job ended and its outcome is here (queued counts as running).

        Not the job's state: the job's end signals reach the job and this object as separate
        queued calls, so for a moment the job says "done" while `report` is still None.
        `ended` is the job's last signal, delivered after the others.
        """
        return not self._over

    def _ended(self) -> None:
        self._over = True

    def cancel(self) -> None:
        """Stop after the current chunk (the file in progress leaves nothing)."""
        self.job.cancel()
        self.status = "Cancelling… the file being copied is discarded (a carver is stopped)."

    def _progress(self, _percent: int, message: str) -> None:
        self.status = message
        now = time.monotonic()
        if now - self._refreshed >= REFRESH_S:
            self._refreshed = now
            self.ingested.emit()  # what was committed so far shows while the rest comes

    def _finished(self, report: Any) -> None:
        if not isinstance(report, IngestReport):
            return
        self.report = report
        self.status = summary_of(report)
        # One pass over the outcomes (a card's are read back from a temporary file).
        self.rejected, self.warnings, any_item = [], [], False
        for o in report.outcomes:
            if o.status == "rejected":
                self.rejected.append(f"{o.path}: {o.reason}")
            self.warnings.extend(f"{o.path}: warning: {w}" for w in o.warnings)
            any_item = any_item or o.item is not None
        if any_item:
            self.ingested.emit()
        # Listed only when there is something to list: refused inputs first, then what to
        # know about files that were ingested (an E01 hash that failed, a clock guess...).
        if self.rejected:
            self.job.report(
                self.status, self.rejected + self.warnings, "Ingest: files with problems"
            )
        else:
            self.job.report(
                self.status,
                self.warnings,
                "Ingest: warnings (every file was ingested)",
                label="Warnings",
            )

    def _failed(self, message: str, _traceback: str) -> None:
        self.failure = message
        self.status = f"The ingest stopped: {message}"
        self.job.report(self.status, [message], "Ingest failed")
