"""What an ingest tells its caller while it runs: each phase with counts and time left.

Copying (with both hashes, in one pass) and extraction run at the same time: items are
extracted as soon as their batch is committed. The caller's `progress(done, total, message)`
gets the work done in files (each file is copied, then extracted: two units) or, without
extraction, in bytes; the message names each phase with its counts and an estimate of the
time left, e.g. "copying and hashing 1,200 of 5,020 files (98 of 414 MiB), 6 s left ·
extracting 800 of 5,020, 21 s left · IMG_01200.JPG". The CLI's bar and the GUI's ingest
dialog show it as it is.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from forensics.intake.records import PostIngestRun
from forensics.jobs import ProgressFn

_EVERY_S = 0.1
"""Reports are throttled to ten a second (a card has thousands of small files)."""


def _left(seconds: float | None) -> str:
    if seconds is None:
        return "estimating time left"
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds} s left"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s left"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min left"


class IngestStatus:
    """Counts of one ingest's phases, reported to a `ProgressFn` (see the module doc)."""

    def __init__(
        self,
        progress: ProgressFn,
        files: int,
        total_bytes: int,
        runs: Sequence[PostIngestRun] = (),
    ) -> None:
        self._progress = progress
        self.files = files
        self.total_bytes = total_bytes
        self._runs = tuple(runs)
        self.files_done = 0
        self.bytes_done = 0
        self._start = time.monotonic()
        self._copy_end: float | None = None
        self._last = 0.0
        self._current = ""
        self._steps: tuple[int, int] | None = None

    def copied(self, n: int) -> None:
        """`n` more bytes were copied and hashed."""
        self.bytes_done += n
        self.report()

    def file_done(self, label: str) -> None:
        """One more input is dealt with (stored, a duplicate, a link, or rejected)."""
        self.files_done += 1
        self._current = label
        self.report()

    def post_ingest(self, done: int, total: int) -> None:
        """The per-item post-ingest steps (hypotheses…) are on item `done` of `total`."""
        self._steps = (done, total)
        self.report(force=done == 0)  # a new phase shows at once, however soon after the last

    def copying_ended(self) -> None:
        """Every input is stored; only the post-ingest work may remain."""
        self._copy_end = time.monotonic()
        self.report(force=True)

    def report(self, label: str | None = None, *, force: bool = False) -> None:
        """Tell the caller, at most ten times a second unless `force`."""
        if label is not None:
            self._current = label
        now = time.monotonic()
        if not force and now - self._last < _EVERY_S:
            return
        self._last = now
        done, total = self._units()
        self._progress(done, total, self.describe(now))

    def _units(self) -> tuple[int, int]:
        if not self._runs:
            return self.bytes_done, self.total_bytes
        extracted = sum(r.counts()[0] for r in self._runs) // len(self._runs)
        return self.files_done + extracted, 2 * max(self.files, 1)

    def describe(self, now: float | None = None) -> str:
        """The phases, counts and estimates as one line."""
        now = time.monotonic() if now is None else now
        parts = []
        if self._copy_end is None:
            elapsed = now - self._start
            rate = self.bytes_done / elapsed if elapsed > 0.5 and self.bytes_done else 0.0
            eta = (self.total_bytes - self.bytes_done) / rate if rate else None
            parts.append(
                f"copying and hashing {self.files_done:,} of {self.files:,} files "
                f"({self.bytes_done / 2**20:,.0f} of {self.total_bytes / 2**20:,.0f} MiB), "
                + _left(eta)
            )
        for run in self._runs[:1]:  # one extraction: its counts stand for all the runs
            finished, handed = run.counts()
            elapsed = now - self._start
            rate = finished / elapsed if elapsed > 0.5 and finished else 0.0
            target = self.files if self._copy_end is None else handed
            eta = (target - finished) / rate if rate else None
            parts.append(
                f"extracting {finished:,} of {target:,}, "
                + (_left(eta) if finished < target else "done")
            )
        if self._steps is not None:
            parts.append(f"post-ingest steps {self._steps[0]:,} of {self._steps[1]:,}")
        if self._current and self._copy_end is None:
            parts.append(self._current)
        return " · ".join(parts)
