"""Metadata extraction for items of a case: run every applicable extractor, store, log.

Each extractor runs in the worker process (see `worker.py`) on the content-addressed copy in
the evidence store, never on the original path, so a hostile file name never reaches a media
library. Its result is stored as one `media_metadata` record (with positions, tracks and
derived files) and one "extracted" custody entry, in the same transaction.
"""

from __future__ import annotations

import contextlib
import logging
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence

from forensics.case import Case
from forensics.errors import CancelledError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.media.extract_run import ExtractionRun
from forensics.media.extract_store import (
    BATCH,
    MAX_OPEN_S,
    MetadataResult,
    Pending,
    ResultWriter,
    WriteTurn,
)
from forensics.media.extractors import REGISTRY, Extractor, Source, applicable
from forensics.media.records import ItemContent
from forensics.media.worker import WINDOW, ProcessRunner, Task
from forensics.models import Item, ItemKind
from forensics.store.media import MediaRepository

log = logging.getLogger(__name__)

__all__ = [
    "BATCH",
    "MetadataResult",
    "PostIngestExtraction",
    "extract_items",
    "extract_metadata",
    "extract_stream",
]


def _source(case: Case, item: ItemContent) -> Source | None:
    if item.kind != ItemKind.FILE or not item.sha256 or item.mime is None:
        return None
    return Source(
        str(case.evidence.path_of(item.sha256)), item.mime, item.name, int(item.size or 0)
    )


def extract_metadata(
    case: Case,
    item_id: str,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    extractors: Sequence[str] | None = None,
    runner: ProcessRunner | None = None,
    actor: str | None = None,
) -> MetadataResult:
    """Run every applicable extractor on one item and store the results.

    Args:
        case: the open case.
        item_id: the item (a file item; others are skipped with a reason).
        progress: called once per extractor.
        cancel: checked between extractors and while one runs (the worker is killed).
        extractors: only these extractor names (default: every applicable one).
        runner: a worker to reuse across items (default: one for this call).
        actor: who runs it (for the custody entries).

    Returns:
        The stored records; failures and timeouts are records too, naming the reason.
    """
    results = extract_items(
        case,
        [item_id],
        progress=progress,
        cancel=cancel,
        extractors=extractors,
        runner=runner,
        actor=actor,
    )
    return results[0]


def extract_items(
    case: Case,
    item_ids: Iterable[str],
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    extractors: Sequence[str] | None = None,
    runner: ProcessRunner | None = None,
    actor: str | None = None,
) -> list[MetadataResult]:
    """Extract many items, storing each as its outputs arrive (see `ResultWriter`).

    Files stream through the workers (see `ProcessRunner.run_many`) while finished ones are
    stored here, so reading and storing overlap. A file that hangs or crashes a worker gets
    a "timeout" or "failed" record naming it; the others are unaffected. Cancelling stops
    after the current file; what was extracted before is stored.

    Raises:
        ValueError: an unknown extractor name.
        NotFoundError: an unknown item id.
    """
    ids = list(item_ids)
    results = extract_stream(
        case,
        [ids],
        progress=lambda done, _total, name: progress(done, len(ids), name),
        cancel=cancel,
        extractors=extractors,
        runner=runner,
        actor=actor,
    )
    progress(len(ids), len(ids), "done")
    by_id = {r.item_id: r for r in results}
    return [by_id[i] for i in ids if i in by_id]


def extract_stream(
    case: Case,
    batches: Iterable[Sequence[str] | None],
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    extractors: Sequence[str] | None = None,
    runner: ProcessRunner | None = None,
    actor: str | None = None,
    max_open_s: float = MAX_OPEN_S,
    on_result: Callable[[MetadataResult], None] | None = None,
    idle: Callable[[], None] | None = None,
    turn: WriteTurn | None = None,
    only_missing: Callable[[str], bool] | None = None,
    on_commit: Callable[[list[str]], None] | None = None,
) -> list[MetadataResult]:
    """Extract items handed over in batches while earlier ones are being extracted.

    Args:
        batches: item ids, a batch at a time; None means "nothing yet" (the iterator should
            wait a little before yielding it: answers are stored meanwhile).
        progress: `(items done, items handed over so far, name)`.
        max_open_s: longest a write transaction stays open (see `ResultWriter`).
        on_result: given each result as it is stored, instead of keeping them all (a card
            of 100,000 photos would hold every EXIF dump in memory).
        idle: waits a little for the next batch when nothing is being extracted.
        turn: shared with another thread of this process that writes to the case (the
            ingest): writes take turns, and the open batch is committed when it waits.
        only_missing: True for an item found again by a re-ingest: only the extractors
            with no record for it run (what an interrupted ingest left undone).
        on_commit: given the ids of the items whose records a transaction just committed.

    Returns:
        One result per item, in the order they finished (none when `on_result` is given).
    """
    if extractors is not None:
        unknown = [n for n in extractors if n not in REGISTRY]
        if unknown:
            raise ValueError(f"unknown extractor(s): {', '.join(unknown)}")
    cancel = cancel or CancelToken()
    repo = MediaRepository(case.db)
    results: list[MetadataResult] = []
    done = 0
    planned: deque[Pending] = deque()  # sent to the worker, in order, not all answered
    handed = 0

    def finished(result: MetadataResult) -> None:
        nonlocal done
        done += 1
        if on_result is None:
            results.append(result)
        else:
            on_result(result)

    def tasks() -> Iterator[Task | None]:
        nonlocal handed
        for batch in batches:
            if batch is None:
                yield None
                continue
            handed += len(batch)
            for start in range(0, len(batch), WINDOW):
                for item in repo.item_contents(list(batch[start : start + WINDOW])):
                    source = _source(case, item)
                    chosen = [] if source is None else _choose(source, extractors)
                    recorded = False
                    if chosen and only_missing is not None and only_missing(item.id):
                        done = {r.extractor for r in repo.records(item.id)}
                        recorded = bool(done)
                        chosen = [e for e in chosen if e.name not in done]
                    if source is None or not chosen:
                        reason = (
                            f"{item.kind} items have no media content"
                            if source is None
                            else "every extractor has its record already"
                            if recorded
                            else f"no extractor applies to {source.mime}"
                        )
                        finished(MetadataResult(item.id, skipped=reason))
                        continue
                    planned.append(Pending(item, chosen))
                    for extractor in chosen:
                        yield extractor.name, source

    worker = runner or ProcessRunner()
    try:
        with (
            ResultWriter(case, actor, max_open_s, turn, on_commit) as writer,
            contextlib.closing(
                worker.run_many(tasks(), cancel, on_wait=writer.commit, idle=idle)
            ) as answers,
        ):
            try:
                for _index, output in answers:
                    job = planned[0]
                    job.outputs.append((job.chosen[len(job.outputs)], output))
                    if job.complete:
                        planned.popleft()
                        finished(writer.add(job))
                        progress(done, handed, job.item.name)
                    elif turn is not None and turn.wanted.is_set():
                        writer.commit()
            except CancelledError:
                log.info("extraction cancelled after %d of %d items", done, handed)
    finally:
        if runner is None:
            worker.close()
    return results


def _choose(source: Source, names: Sequence[str] | None) -> list[Extractor]:
    found = applicable(source.mime, source.name)
    if names is not None:
        found = [e for e in found if e.name in names]
    return found


class PostIngestExtraction:
    """The post-ingest step: extract newly ingested files with one set of shared workers."""

    def __init__(self) -> None:
        self._runner = ProcessRunner()
        self._finalizer = weakref.finalize(self, self._runner.close)

    def __call__(self, case: Case, item: Item, cancel: CancelToken) -> Sequence[str]:
        """Extract the item with every applicable extractor that has no record for it yet,
        so a re-run after an interrupted ingest completes it and never extracts twice."""
        if item.kind != ItemKind.FILE or not item.sha256 or item.mime is None:
            return []
        done = {r.extractor for r in MediaRepository(case.db).records(item.id)}
        missing = None
        if done:
            missing = [e.name for e in applicable(item.mime, item.name) if e.name not in done]
            if not missing:
                return []
        result = extract_metadata(
            case, item.id, cancel=cancel, runner=self._runner, extractors=missing
        )
        return [f"metadata: {m}" for m in result.errors + result.warnings]

    def start(self, case: Case, cancel: CancelToken) -> ExtractionRun:
        """Extract an ingest's items as they are committed, in a thread (see `ExtractionRun`)."""
        return ExtractionRun(case.location, self._runner, cancel, extract_stream)

    def close(self) -> None:
        """Stop the worker now rather than at garbage collection."""
        self._finalizer()
