"""Metadata extraction for items of a case: run every applicable extractor, store, log.

Each extractor runs in the worker process (see `worker.py`) on the content-addressed copy in
the evidence store, never on the original path, so a hostile file name never reaches a media
library. Its result is stored as one `media_metadata` record (with positions, tracks and
derived files) and one "extracted" custody entry, in the same transaction.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
import weakref
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from forensics.case import Case
from forensics.errors import CancelledError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.media.extractors import REGISTRY, Extractor, Output, Source, applicable
from forensics.media.records import MetadataRecord, Position, Track
from forensics.media.worker import ProcessRunner, Task
from forensics.models import Item, ItemKind
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.store.media import SUBJECT, MediaRepository

log = logging.getLogger(__name__)

BATCH = 200
"""Items stored per transaction when extracting many (one fsync per batch, not per file)."""


@dataclass(frozen=True)
class MetadataResult:
    """What extraction did for one item."""

    item_id: str
    records: tuple[MetadataRecord, ...] = ()
    positions: int = 0
    skipped: str | None = None
    """Why nothing ran ("no extractor applies to text/plain"), or None."""

    @property
    def warnings(self) -> list[str]:
        """Every extractor's warnings, each prefixed with the extractor's name."""
        return [f"{r.extractor}: {w}" for r in self.records for w in r.warnings]

    @property
    def errors(self) -> list[str]:
        """Every extractor's errors, each prefixed with the extractor's name."""
        return [f"{r.extractor}: {e}" for r in self.records for e in r.errors]

    def to_json(self) -> dict[str, Any]:
        """The result as `--json` documents show it."""
        return {
            "item_id": self.item_id,
            "skipped": self.skipped,
            "positions": self.positions,
            "records": [r.to_json() for r in self.records],
            "warnings": self.warnings,
            "errors": self.errors,
        }


@dataclass
class _Pending:
    item: Item
    chosen: list[Extractor]
    outputs: list[tuple[Extractor, Output]] = field(default_factory=list)


def _source(case: Case, item: Item) -> Source | None:
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
    """Extract many items, storing them `BATCH` at a time.

    Files stream through the worker (see `ProcessRunner.run_many`) while finished ones are
    stored here, so reading and storing overlap. A file that hangs or crashes the worker gets
    a "timeout" or "failed" record naming it; the others are unaffected. Cancelling stops
    after the current file; what was extracted before is stored.

    Raises:
        ValueError: an unknown extractor name.
        NotFoundError: an unknown item id.
    """
    if extractors is not None:
        unknown = [n for n in extractors if n not in REGISTRY]
        if unknown:
            raise ValueError(f"unknown extractor(s): {', '.join(unknown)}")
    cancel = cancel or CancelToken()
    own_runner = runner is None
    worker = runner or ProcessRunner()
    ids = list(item_ids)
    results: list[MetadataResult] = []
    planned: deque[_Pending] = deque()  # sent to the worker, in order, not all answered
    done: list[_Pending] = []

    def tasks() -> Iterator[Task]:
        for item_id in ids:
            item = case.items.get(item_id)
            source = _source(case, item)
            chosen = [] if source is None else _choose(source, extractors)
            if source is None or not chosen:
                reason = (
                    f"{item.kind} items have no media content"
                    if source is None
                    else f"no extractor applies to {source.mime}"
                )
                results.append(MetadataResult(item.id, skipped=reason))
                continue
            planned.append(_Pending(item, chosen))
            for extractor in chosen:
                yield extractor.name, source

    finished = 0
    try:
        with contextlib.closing(worker.run_many(tasks(), cancel)) as answers:
            for _index, output in answers:
                job = planned[0]
                job.outputs.append((job.chosen[len(job.outputs)], output))
                if len(job.outputs) < len(job.chosen):
                    continue
                planned.popleft()
                done.append(job)
                finished += 1
                progress(finished, len(ids), job.item.name)
                if len(done) >= BATCH:
                    results.extend(_store(case, done, actor))
                    done = []
    except CancelledError:
        log.info("extraction cancelled after %d of %d items", finished, len(ids))
    finally:
        if own_runner:
            worker.close()
    results.extend(_store(case, done, actor))
    progress(len(ids), len(ids), "done")
    by_id = {r.item_id: r for r in results}
    return [by_id[i] for i in ids if i in by_id]


def _choose(source: Source, names: Sequence[str] | None) -> list[Extractor]:
    found = applicable(source.mime, source.name)
    if names is not None:
        found = [e for e in found if e.name in names]
    return found


def _store(case: Case, jobs: list[_Pending], actor: str | None) -> list[MetadataResult]:
    if not jobs:
        return []
    who = case.actor(actor)
    repo = MediaRepository(case.db)
    derived: dict[int, dict[str, Any]] = {}
    for job in jobs:  # content-addressed files first: a crash leaves at worst an orphan file
        for _extractor, output in job.outputs:
            for d in output.derived:
                sha, _path = case.evidence.put_derived(d.data, d.suffix)
                derived[id(output)] = {"sha256": sha, "suffix": d.suffix, "role": d.role}
    results: list[MetadataResult] = []
    with case.transaction():
        for job in jobs:
            records: list[MetadataRecord] = []
            count = 0
            for extractor, output in job.outputs:
                record = _save(
                    case, repo, job.item, extractor, output, derived.get(id(output)), who
                )
                records.append(record)
                count += len(output.positions)
            results.append(MetadataResult(job.item.id, tuple(records), count))
    return results


def _save(
    case: Case,
    repo: MediaRepository,
    item: Item,
    extractor: Extractor,
    output: Output,
    derived: dict[str, Any] | None,
    who: str,
) -> MetadataRecord:
    now = utc_now()
    sha = item.sha256 or ""
    facts = dict(output.facts)
    if derived is not None:
        facts.setdefault("thumbnail", {})
        facts["thumbnail"] = {**facts["thumbnail"], **derived}
    record = MetadataRecord(
        id=str(uuid.uuid4()),
        item_id=item.id,
        extractor=extractor.name,
        extractor_version=extractor.version,
        source_sha256=sha,
        status=output.status,
        facts=facts,
        warnings=output.warnings,
        errors=output.errors,
        created_at=now,
        created_by=who,
    )
    positions = [
        Position(
            id=str(uuid.uuid4()),
            item_id=item.id,
            lat=p.lat,
            lon=p.lon,
            alt=p.alt,
            source=p.source,
            time=p.time,
            direction=p.direction,
            detail=p.detail,
            created_at=now,
        )
        for p in output.positions
    ]
    tracks = [
        Track(
            id=str(uuid.uuid4()),
            item_id=item.id,
            layout=t.layout,
            points=t.points,
            start_time=t.points[0].time if t.points else None,
            end_time=t.points[-1].time if t.points else None,
            created_at=now,
        )
        for t in output.tracks
    ]
    stored, state = repo.save_with_state(record, positions, tracks)
    case.custody.append(
        Action.EXTRACTED,
        who,
        item_id=item.id,
        subject=(SUBJECT, stored.id),
        record=state,
        details={
            "extractor": extractor.name,
            "extractor_version": extractor.version,
            "source_sha256": sha,
            "status": output.status,
            "warnings": len(output.warnings),
            "errors": len(output.errors),
            "positions": len(positions),
        },
    )
    return stored


class PostIngestExtraction:
    """The post-ingest step: extract each newly ingested file with one shared worker."""

    def __init__(self) -> None:
        self._runner = ProcessRunner()
        self._finalizer = weakref.finalize(self, self._runner.close)

    def __call__(self, case: Case, item: Item, cancel: CancelToken) -> Sequence[str]:
        result = extract_metadata(case, item.id, cancel=cancel, runner=self._runner)
        return [f"metadata: {m}" for m in result.errors + result.warnings]

    def close(self) -> None:
        """Stop the worker now rather than at garbage collection."""
        self._finalizer()
