"""Ingest: copy evidence into the case store with hashes and a custody record per file.

Each input file is read exactly once: the bytes go to the store's temporary file while sha256
and md5 are computed. The copy is fsynced and renamed into place before the item row and its
custody entry commit together, so an interrupted ingest leaves either a whole item or nothing.
One bad file never stops the batch: it becomes a rejected outcome with a reason, logged in the
custody chain, and the next file goes on.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, MutableSequence, Sequence
from dataclasses import replace

from forensics.case import Case
from forensics.errors import CancelledError
from forensics.intake.batch import IngestBatch
from forensics.intake.copy_ahead import CopyAhead
from forensics.intake.folders import HostFolders
from forensics.intake.host_files import HostCopy, ingest_host_file, record_symlink
from forensics.intake.outcome_log import OutcomeLog
from forensics.intake.progress import IngestStatus
from forensics.intake.records import (
    ContentSource,
    IngestOptions,
    IngestOutcome,
    IngestReport,
    PostIngest,
    PostIngestRun,
    StreamingPostIngest,
)
from forensics.intake.rejections import record_rejection
from forensics.intake.sniff import is_disk_image
from forensics.intake.walk import Entry, walk_inputs
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.models import Item
from forensics.textsafe import escape_name

log = logging.getLogger(__name__)

PER_ITEM_BATCH = 200
"""Items whose per-item post-ingest steps commit together."""
PER_ITEM_OPEN_S = 0.25
"""Longest those steps keep a write transaction open (the GUI's own edits wait behind it)."""

__all__ = [
    "ContentSource",
    "IngestBatch",
    "IngestOptions",
    "IngestOutcome",
    "IngestReport",
    "PostIngest",
    "PostIngestRun",
    "StreamingPostIngest",
    "ingest_paths",
]


def ingest_paths(
    case: Case,
    paths: Iterable[str | bytes | os.PathLike[str]],
    options: IngestOptions | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> IngestReport:
    """Ingest files, folders and disk images into a case.

    Files are committed in batches (see `batch.py`) and handed to the post-ingest steps as
    each batch commits, so extraction runs while the rest is copied; the outcomes get the
    steps' warnings at the end.

    Args:
        case: the open case.
        paths: files or folders; folders are walked, links are recorded and not followed.
        options: parent, examiner, note, post-ingest work.
        progress: called with work done, work in total, and the phases with their counts
            and time left (see `progress.py`).
        cancel: stops after the current chunk; the file in progress leaves nothing behind,
            the files before it are kept (and extracted as far as extraction got).

    Returns:
        One outcome per input file, in order.

    Raises:
        NotFoundError: the parent item does not exist.
    """
    options = options or IngestOptions()
    cancel = cancel or CancelToken()
    if options.parent_id is not None:
        case.items.get(options.parent_id)
    raw_paths = [os.fsencode(p) for p in paths]
    entries = list(walk_inputs(raw_paths))
    streaming = [s for s in options.post_ingest if isinstance(s, StreamingPostIngest)]
    per_item = [s for s in options.post_ingest if not isinstance(s, StreamingPostIngest)]
    runs = [step.start(case, cancel) for step in streaming]
    status = IngestStatus(progress, len(entries), sum(e.size for e in entries), runs)
    ahead = CopyAhead(case, entries, cancel, sync=False)
    # The copier moves the batches' blobs; what it copied ahead is checked for duplicates
    # in one query.
    batch = IngestBatch(case, runs, placer=ahead, upcoming=ahead.upcoming)
    options = replace(options, batch=batch)
    report = IngestReport(outcomes=OutcomeLog())  # in a temporary file: memory stays flat
    consumed: set[bytes] = set()
    folders = HostFolders(case, options)
    try:
        for index, entry in enumerate(entries):
            if cancel.cancelled:
                report.cancelled = True
                break
            where = os.path.abspath(entry.path)
            if where in consumed:
                ahead.skip(index)
                continue  # an E01 segment already ingested with its first segment
            label = escape_name(entry.path)
            status.report(label)
            try:
                # Outcomes go straight into the report: an interruption keeps what finished.
                _ingest_entry(
                    case,
                    entry,
                    where,
                    label,
                    options,
                    folders,
                    cancel,
                    status.copied,
                    progress,
                    consumed,
                    report.outcomes,
                    lambda: ahead.take(index),  # noqa: B023 (called within this iteration)
                )
            except CancelledError:
                report.cancelled = True
                break
            status.file_done(label)
            batch.flush_if_due()
        batch.flush()
    except BaseException:
        cancel.cancel()  # the copying ahead and the post-ingest runs stop too
        ahead.close()
        batch.discard()
        raise
    finally:
        ahead.close()  # the copies not taken (cancelled): nothing is left behind
    _raced(report, batch)
    status.copying_ended()
    for run in runs:
        run.wait(0)  # no more items come: a run may end once it has done them
    later: dict[str, list[str]] = {}
    _run_per_item(case, per_item, report, cancel, status, later, runs)
    found = _finish_runs(runs, status)
    for item_id, warnings in later.items():  # after the runs' own, in step order
        found.setdefault(item_id, []).extend(warnings)
    _add_warnings(report, found)
    if report.cancelled or cancel.cancelled:
        report.cancelled = True
        log.info("ingest cancelled after %d outcomes", len(report.outcomes))
    status.report("done", force=True)
    return report


def _finish_runs(runs: list[PostIngestRun], status: IngestStatus) -> dict[str, list[str]]:
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


def _run_per_item(
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


def _add_warnings(report: IngestReport, found: dict[str, list[str]]) -> None:
    """Each ingested item's outcome gets its post-ingest warnings, in step order."""
    if not found:
        return
    for index, outcome in enumerate(report.outcomes):
        if outcome.status in ("ingested", "duplicate") and outcome.item is not None:
            extra = found.get(outcome.item.id)
            if extra:
                report.outcomes[index] = replace(outcome, warnings=outcome.warnings + tuple(extra))


def _raced(report: IngestReport, batch: IngestBatch) -> None:
    """Outcomes queued as "ingested" whose source another ingest committed first become
    "duplicate" of that item (the database refused the second; see `batch.py`)."""
    if not batch.duplicates:
        return
    for n, outcome in enumerate(report.outcomes):
        first = batch.duplicates.get(outcome.item.id) if outcome.item is not None else None
        if first is not None:
            report.outcomes[n] = IngestOutcome(
                outcome.path,
                "duplicate",
                first,
                warnings=(f"already in the case as item {first.id}",),
            )


def _ingest_entry(
    case: Case,
    entry: Entry,
    where: bytes,
    label: str,
    options: IngestOptions,
    folders: HostFolders,
    cancel: CancelToken,
    on_bytes: Callable[[int], None],
    progress: ProgressFn,
    consumed: set[bytes],
    sink: MutableSequence[IngestOutcome],
    copied: Callable[[], HostCopy | None],
) -> None:
    """Record one input (and, for a disk image, what it holds); `where` is its absolute
    path, `label` its path as shown; `copied` gives the file's copy when it was made ahead
    (`CopyAhead`), and is called for a plain file only."""
    if entry.kind == "empty":
        folder = case.items.get(str(folders.folder(entry.path, entry.root)))
        sink.append(IngestOutcome(label, "skipped", folder, warnings=(entry.reason or "",)))
        return
    if entry.kind in ("error", "special"):
        sink.append(record_rejection(case, options, label, entry.reason or "cannot be read"))
        return
    # Each file goes under the item of the folder it was found in.
    options = folders.options_under(entry.path, entry.root)
    if entry.kind == "symlink":
        sink.append(record_symlink(case, entry, options))
        return
    consumed.add(where)
    outcome = ingest_host_file(
        case, entry.path, options, cancel, on_bytes, copied=copied(), where=where, label=label
    )
    sink.append(outcome)
    index = len(sink) - 1
    item = outcome.item
    if (
        outcome.status not in ("ingested", "duplicate")
        or item is None
        or item.mime is None
        or not is_disk_image(item.mime)
        or not (options.expand_disk_images or options.carve)
    ):
        return
    from forensics.intake.diskimage import is_expanded
    from forensics.intake.ewf import (
        EWF_MIME,
        FIRST_SEGMENT_ATTR,
        SEGMENT_ATTR,
        segment_number,
        sibling_segments,
    )

    segments: list[Item] = []
    if item.mime == EWF_MIME and segment_number(_stored_head(case, item)) == 1:
        for number, path in enumerate(sibling_segments(entry.path), start=2):
            if os.path.abspath(path) in consumed:
                continue
            consumed.add(os.path.abspath(path))
            seg = ingest_host_file(
                case,
                path,
                options,
                cancel,
                on_bytes,
                attributes={FIRST_SEGMENT_ATTR: item.id, SEGMENT_ATTR: number},
            )
            sink.append(seg)
            if seg.item is not None:
                segments.append(seg.item)
    if options.expand_disk_images and not (
        outcome.status == "duplicate" and is_expanded(case, item.id)
    ):
        _expand(case, item, outcome, index, options, cancel, progress, segments, sink)
    if options.carve:
        from forensics.intake.carve import carve_disk_image, is_carved

        if not (outcome.status == "duplicate" and is_carved(case, item.id)):
            carve_disk_image(
                case, item, options, cancel=cancel, progress=progress, segments=segments, sink=sink
            )


def _expand(
    case: Case,
    item: Item,
    outcome: IngestOutcome,
    index: int,
    options: IngestOptions,
    cancel: CancelToken,
    progress: ProgressFn,
    segments: list[Item],
    sink: MutableSequence[IngestOutcome],
) -> None:
    from forensics.intake.diskimage import expand_disk_image

    inside = OutcomeLog()  # an image may hold as many files as a card
    try:
        expand_disk_image(
            case,
            item,
            options,
            cancel=cancel,
            progress=progress,
            segments=segments,
            sink=inside,
        )
    finally:
        # What concerns the image itself (its E01 check, no file system) joins its outcome.
        first = 0
        for first, own in enumerate(inside):  # noqa: B007 (`first` is used after the loop)
            if own.item is None or own.item.id != item.id:
                break
            outcome = replace(
                outcome,
                item=own.item,
                warnings=outcome.warnings + own.warnings,
                findings=outcome.findings + own.findings,
            )
            sink[index] = outcome
        else:
            first = len(inside)
        for n in range(first, len(inside)):
            sink.append(inside[n])
        inside.close()


def _stored_head(case: Case, item: Item) -> bytes:
    if item.sha256 is None:
        return b""
    with open(case.evidence.open(item.sha256), "rb") as f:
        return f.read(16)
