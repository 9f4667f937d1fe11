"""The post-ingest steps on a finished ingest's items: the streaming runs (extraction) waited
for, the per-item steps (hypotheses from positions) run beside them, and their warnings joined
to each item's outcome.

A per-item step may read what a run stored for its item, so it runs on an item once every run
has committed its work on it, while the runs go on with the next items (run after them, the
steps were the ingest's tail, on one core). Kept apart from `ingest.py`, which copies and
records the files.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from forensics.case import Case
from forensics.errors import CancelledError
from forensics.intake.progress import IngestStatus
from forensics.intake.records import IngestReport, PostIngest, PostIngestRun
from forensics.jobs import CancelToken
from forensics.models import Item

log = logging.getLogger(__name__)

PER_ITEM_BATCH = 200
"""Items whose per-item post-ingest steps commit together."""
PER_ITEM_OPEN_S = 0.25
"""Longest those steps keep a write transaction open (the GUI's own edits wait behind it)."""


def finish_runs(runs: list[PostIngestRun], status: IngestStatus) -> dict[str, list[str]]:
    """Wait for the streaming post-ingest work, reporting progress; its warnings by item."""
    found: dict[str, list[str]] = {}
    for run in runs:
        while not run.wait(0.1):
            status.report()
        for item_id, warnings in run.warnings().items():
            found.setdefault(item_id, []).extend(warnings)
    return found


class _Items:
    """The new items of a report, read back one at a time (a card's items are not all held
    at once), with the next one in view."""

    def __init__(self, report: IngestReport) -> None:
        self._items: Iterator[Item] = (
            o.item
            for o in report.outcomes
            if o.status in ("ingested", "duplicate") and o.item is not None
        )
        self.next: Item | None = next(self._items, None)

    def take(self) -> Item:
        item, self.next = self.next, next(self._items, None)
        assert item is not None
        return item


def run_per_item(
    case: Case,
    steps: list[PostIngest],
    report: IngestReport,
    cancel: CancelToken,
    status: IngestStatus,
    found: dict[str, list[str]],
    runs: Sequence[PostIngestRun] = (),
) -> None:
    """The other post-ingest steps, on each new item once the streaming runs' work on it is
    committed (the steps may read it: hypotheses from the positions just extracted), while
    those runs go on with the next items: run after the extraction ended, they were its tail,
    on one core.

    The items' steps share a transaction, committed every `PER_ITEM_BATCH` items,
    `PER_ITEM_OPEN_S` seconds, or when the next item is not ready: on a card, one commit per
    hypothesis (each waiting on the disk) made this tail a tenth of the ingest. The runs
    take turns with it at writing (`hold_writes`), as with the ingest's batches. Each step
    runs in its own `attempt`, so a step that fails leaves nothing behind, as its own
    transaction did.
    """
    if not steps:
        return
    items = _Items(report)
    total = sum(o.status in ("ingested", "duplicate") for o in report.outcomes)
    done = 0
    status.post_ingest(done, total)

    def ready(item_id: str, timeout: float = 0.0) -> bool:
        return all(run.finished(item_id, timeout) for run in runs)

    while items.next is not None and not cancel.cancelled:
        if not ready(items.next.id, 0.1):
            status.report()
            continue
        chunk: list[str] = []
        try:
            with contextlib.ExitStack() as turns:
                for run in runs:
                    turns.enter_context(run.hold_writes())  # its transaction would hold ours
                with case.transaction():
                    opened = time.monotonic()
                    _steps_on(case, steps, items, cancel, found, chunk, opened, ready)
        except Exception as exc:  # the chunk's commit failed: its steps are undone
            log.exception("post-ingest steps of %d items not committed", len(chunk))
            for item_id in chunk:
                found.setdefault(item_id, []).append(f"post-ingest step failed: {exc}")
        done += len(chunk)
        status.post_ingest(done, total)


def _steps_on(
    case: Case,
    steps: list[PostIngest],
    items: _Items,
    cancel: CancelToken,
    found: dict[str, list[str]],
    chunk: list[str],
    opened: float,
    ready: Callable[[str], bool],
) -> None:
    """Run the steps on the items that are ready (inside the caller's transaction) until the
    chunk is full, an item is not ready, or none is left."""
    while items.next is not None and ready(items.next.id):
        item = items.take()
        chunk.append(item.id)
        for step in steps:
            if cancel.cancelled:
                return
            try:
                with case.attempt():
                    warnings = step(case, item, cancel)
            except CancelledError:
                return
            except Exception as exc:  # one step failing must not lose the ingested item
                log.exception("post-ingest step failed on %s", item.name)
                warnings = [f"post-ingest step failed: {exc}"]
            if warnings:
                found.setdefault(item.id, []).extend(warnings)
        if len(chunk) >= PER_ITEM_BATCH or time.monotonic() - opened >= PER_ITEM_OPEN_S:
            return


def add_warnings(report: IngestReport, found: dict[str, list[str]]) -> None:
    """Each ingested item's outcome gets its post-ingest warnings, in step order."""
    if not found:
        return
    for index, outcome in enumerate(report.outcomes):
        if outcome.status in ("ingested", "duplicate") and outcome.item is not None:
            extra = found.get(outcome.item.id)
            if extra:
                report.outcomes[index] = replace(outcome, warnings=outcome.warnings + tuple(extra))
