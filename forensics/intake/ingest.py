"""Ingest: copy evidence into the case store with hashes and a custody record per file.

Each input file is read exactly once: the bytes go to the store's temporary file while sha256
and md5 are computed. The copy is fsynced and renamed into place before the item row and its
custody entry commit together, so an interrupted ingest leaves either a whole item or nothing.
One bad file never stops the batch: it becomes a rejected outcome with a reason, logged in the
custody chain, and the next file goes on.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, MutableSequence
from dataclasses import replace

from forensics.case import Case
from forensics.errors import CancelledError
from forensics.intake.batch import IngestBatch
from forensics.intake.copy_ahead import CopyAhead, end_copier, start_copier
from forensics.intake.folders import HostFolders
from forensics.intake.host_files import HostCopy, ingest_host_file, record_symlink
from forensics.intake.outcome_log import OutcomeLog
from forensics.intake.post_ingest import add_warnings, finish_runs, run_per_item
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
from forensics.intake.taken import Taken
from forensics.intake.walk import Entry, walk_inputs
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.models import Item
from forensics.textsafe import escape_name

log = logging.getLogger(__name__)

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
    # A folder (a card) is walked while the copying process starts, not before.
    started = start_copier() if any(os.path.isdir(p) for p in raw_paths) else None
    try:
        entries = list(walk_inputs(raw_paths))
        streaming = [s for s in options.post_ingest if isinstance(s, StreamingPostIngest)]
        per_item = [s for s in options.post_ingest if not isinstance(s, StreamingPostIngest)]
        runs = [step.start(case, cancel) for step in streaming]
        status = IngestStatus(progress, len(entries), sum(e.size for e in entries), runs)
        ahead = CopyAhead(case, entries, cancel, sync=False, started=started)
    except BaseException:
        if started is not None:
            end_copier(started, unused=True)
        raise
    # The copier moves the batches' blobs; what it copied ahead is checked for duplicates
    # in one query.
    # Post-ingest steps read the copies back at once; without them nothing does soon, and
    # the copies leave the page cache as each batch is durable (`BlobMoves.keep_cached`).
    batch = IngestBatch(
        case,
        runs,
        placer=ahead,
        upcoming=ahead.upcoming,
        keep_cached=bool(options.post_ingest),
    )
    options = replace(options, batch=batch)
    report = IngestReport(outcomes=OutcomeLog())  # in a temporary file: memory stays flat
    taken = Taken(entries, several=len(raw_paths) > 1)
    folders = HostFolders(case, options)
    try:
        for index, entry in enumerate(entries):
            if cancel.cancelled:
                report.cancelled = True
                break
            where = os.path.abspath(entry.path)
            if taken.by_earlier(where):
                ahead.skip(index)
                continue  # an E01 segment already ingested with its first segment
            taken.reach(index)
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
                    taken,
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
    run_per_item(case, per_item, report, cancel, status, later, runs)
    found = finish_runs(runs, status)
    for item_id, warnings in later.items():  # after the runs' own, in step order
        found.setdefault(item_id, []).extend(warnings)
    add_warnings(report, found)
    if report.cancelled or cancel.cancelled:
        report.cancelled = True
        log.info("ingest cancelled after %d outcomes", len(report.outcomes))
    status.report("done", force=True)
    return report


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
    taken: Taken,
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
    taken.add_input(where)
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
            if taken.ingested(os.path.abspath(path)):
                continue
            taken.add_segment(os.path.abspath(path))
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
