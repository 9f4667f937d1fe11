"""Storing extraction results: one record, its positions and tracks, one custody entry each.

Results are written as they arrive from the worker, inside one open transaction that is
committed every `BATCH` items (one fsync per batch, not per file; the thumbnails of a batch
are synced together before it), after `MAX_OPEN_S` seconds, whenever the worker keeps us
waiting (a slow or hanging file), and when another writer of this process wants its turn
(`WriteTurn`: the ingest about to commit its next batch), so other writers never wait long
behind an extraction.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.media.extractors import Extractor, Output
from forensics.media.records import ItemContent, MetadataRecord, Position, Track
from forensics.records.declare import RecordChange
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.store.media import SUBJECT, MediaRepository
from forensics.store.recording import Recording

log = logging.getLogger(__name__)

BATCH = 200
"""Items stored per transaction when extracting many."""
MAX_OPEN_S = 1.0
"""Longest a write transaction stays open while results stream in."""


class WriteTurn:
    """Takes turns at writing between two threads of one process, each with its connection.

    The ingest commits its batches between the extraction's: without turns, SQLite's busy
    handler made the ingest sleep (up to 100 ms a try) while the extraction, never sleeping,
    opened its next transaction first, and the copying starved.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        """Held by whoever has a write transaction open."""
        self.wanted = threading.Event()
        """Set while the other thread waits for `lock`: commit at the next chance."""

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Have the turn: the other side commits what it holds and waits until we leave."""
        self.wanted.set()
        with self.lock:
            self.wanted.clear()
            yield


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
class Pending:
    """An item sent to the worker: the extractors chosen for it and their outputs so far."""

    item: ItemContent
    chosen: list[Extractor]
    outputs: list[tuple[Extractor, Output]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every chosen extractor has answered."""
        return len(self.outputs) == len(self.chosen)


class ResultWriter:
    """Writes finished items into the case, batching transactions (see the module doc).

    Use as a context manager: leaving it normally commits what is pending; leaving it on an
    exception rolls the open batch back. `on_commit` is given the ids of the items each
    committed batch stored (another connection can read their records from then on).
    """

    def __init__(
        self,
        case: Case,
        actor: str | None,
        max_open_s: float = MAX_OPEN_S,
        turn: WriteTurn | None = None,
        on_commit: Callable[[list[str]], None] | None = None,
    ) -> None:
        self._case = case
        self._on_commit = on_commit
        self._stored: list[str] = []
        self._max_open_s = max_open_s
        self._turn = turn
        self._unsynced: list[Path] = []
        self._who = case.actor(actor)
        self._repo = MediaRepository(case.db)
        self._tx: contextlib.ExitStack | None = None
        self._rec: Recording | None = None
        self._opened = 0.0
        self._count = 0

    def add(self, job: Pending) -> MetadataResult:
        """Store one item's outputs (its derived files first, then its rows and entries)."""
        derived: dict[int, dict[str, Any]] = {}
        for _extractor, output in job.outputs:  # a crash leaves at worst an orphan file
            for d in output.derived:
                sha, path = self._case.evidence.put_derived(d.data, d.suffix, sync=False)
                self._unsynced.append(path)  # synced once per batch, before its commit
                derived[id(output)] = {"sha256": sha, "suffix": d.suffix, "role": d.role}
        if self._tx is None:
            if self._turn is not None:
                self._turn.lock.acquire()  # the ingest may be committing a batch
            try:
                tx = contextlib.ExitStack()
                self._rec = tx.enter_context(self._case.recording(self._who))
            except BaseException:
                if self._turn is not None:
                    self._turn.lock.release()
                raise
            self._tx = tx
            self._opened = time.monotonic()
        records: list[MetadataRecord] = []
        positions = 0
        now = utc_now()  # one time for the item's records (each cost a strftime)
        for extractor, output in job.outputs:
            records.append(self._save(job.item, extractor, output, derived.get(id(output)), now))
            positions += len(output.positions)
        self._count += 1
        self._stored.append(job.item.id)
        if (
            self._count >= BATCH
            or time.monotonic() - self._opened > self._max_open_s
            or (self._turn is not None and self._turn.wanted.is_set())
        ):
            self.commit()
        return MetadataResult(job.item.id, tuple(records), positions)

    def commit(self) -> None:
        """Commit the open batch, if any."""
        if self._tx is not None:
            self._sync_derived()
            tx, self._tx = self._tx, None
            self._count = 0
            stored, self._stored = self._stored, []
            try:
                tx.close()
            finally:
                if self._turn is not None:
                    self._turn.lock.release()
            if self._on_commit is not None:
                self._on_commit(stored)

    def _sync_derived(self) -> None:
        """The batch's derived files are durable before the rows naming them commit."""
        if self._unsynced:
            files, self._unsynced = self._unsynced, []
            self._case.evidence.sync(files)

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self._tx is None:
            return
        if exc_type is None:
            self.commit()
            return
        tx, self._tx = self._tx, None
        self._stored = []
        try:
            log.warning("extraction stopped by %s; the open batch is rolled back", exc_type)
            tx.__exit__(exc_type, exc, tb)
        finally:
            if self._turn is not None:
                self._turn.lock.release()

    def _save(
        self,
        item: ItemContent,
        extractor: Extractor,
        output: Output,
        derived: dict[str, Any] | None,
        now: str,
    ) -> MetadataRecord:
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
            created_by=self._who,
            decoders=dict(output.decoders),
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
        stored, state = self._repo.save_with_state(record, positions, tracks)
        assert self._rec is not None, "results are saved inside the batch's recording"
        self._rec.logged(
            SUBJECT,
            stored.id,
            state,
            Action.EXTRACTED,
            change=RecordChange.INSERTED if stored.id == record.id else RecordChange.UPDATED,
            item_id=item.id,
            details={
                "extractor": extractor.name,
                "extractor_version": extractor.version,
                "decoders": dict(output.decoders),
                "source_sha256": sha,
                "status": output.status,
                "warnings": len(output.warnings),
                "errors": len(output.errors),
                "positions": len(positions),
            },
        )
        return stored
