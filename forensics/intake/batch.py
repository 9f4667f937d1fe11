"""Committing ingested files in batches: two file-system syncs and one transaction per batch.

One file at a time, each photo of a card cost three fsyncs and a transaction (its own
journal commit): 29 ms a file on this machine's virtual disk, where copying and hashing it
took 0.4 ms. A batch keeps the same order of events, only for many files at once: the copies
and their in-flight markers are durable before any rename, the renames before the rows
commit, so an interruption still leaves whole items or nothing (recovery removes a renamed
blob whose row never committed, as it did one by one; see `EvidenceStore.commit_blobs`).

Two ingests of the same files at once: the database refuses the second item of one source
(`DuplicateItemError`); that file is logged as a duplicate of the item the other ingest
committed (`duplicates`), and the rest of the batch commits. A batch whose transaction fails
(the database locked past the busy timeout, a full disk) releases its blobs before the error
goes on, so no stored copy outlives its refused row.

A batch is committed after `MAX_ITEMS` files, `MAX_BYTES`, or `MAX_AGE_S` seconds, so items
appear in the catalogue a fraction of a second after they are copied; then they are handed
to the post-ingest runs (extraction), which work on them while the next batch is copied.
The syncs and renames of a batch run in a thread while the next batch is copied (on a card
of small photos the ingest waited on them a quarter of its time); its rows are inserted by
the ingesting thread as soon as they are done.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.errors import DuplicateItemError
from forensics.intake.records import PostIngestRun
from forensics.models import Item
from forensics.store.custody import Action
from forensics.store.evidence import StoredBlob
from forensics.store.evidence_api import EvidenceBackend

log = logging.getLogger(__name__)

MAX_ITEMS = 256
MAX_BYTES = 64 << 20
MAX_AGE_S = 0.5


@dataclass(frozen=True)
class _Pending:
    tmp: Path
    blob: StoredBlob
    item: Item
    details: dict[str, Any]
    reason: str | None


class _BlobCommit:
    """`commit_blobs` of one batch in a thread of its own: the two file-system syncs, the
    shard folders and the renames wait on the disk, while the next batch is copied."""

    def __init__(self, case: Case, pending: list[_Pending]) -> None:
        self.pending = pending
        self.shas = {p.blob.sha256 for p in pending}
        self.marker = case.evidence.batch_marker()
        self.error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(case.evidence,), name="pwb-blob-commit", daemon=True
        )
        self._thread.start()

    def _run(self, evidence: EvidenceBackend) -> None:
        try:
            evidence.commit_blobs([(p.tmp, p.blob.sha256) for p in self.pending], self.marker)
        except BaseException as exc:  # raised in the ingesting thread by `wait`
            self.error = exc

    def done(self) -> bool:
        """True once the blobs are in place (or the commit failed)."""
        return not self._thread.is_alive()

    def wait(self) -> None:
        """Until the blobs are durable in place.

        Raises:
            BaseException: what `commit_blobs` raised.
        """
        self._thread.join()
        if self.error is not None:
            raise self.error


class IngestBatch:
    """Files copied but not yet committed, and the runs their items go to once committed.

    A batch that is due is committed in two steps: its blobs are made durable in a thread
    (`_BlobCommit`) while the next batch is copied, then its rows are inserted by the
    ingesting thread (the case's connection is its own) when the next batch is due or
    anything needs the rows (`flush`). Batches commit in the order they were filled, so the
    custody chain keeps the order the inputs came in.
    """

    def __init__(self, case: Case, runs: Sequence[PostIngestRun] = ()) -> None:
        self._case = case
        self._runs = tuple(runs)
        self._pending: list[_Pending] = []
        self._shas: set[str] = set()
        self._bytes = 0
        self._since = 0.0
        self._committing: _BlobCommit | None = None
        self.committed = 0
        """Items committed by this batch so far."""
        self.duplicates: dict[str, Item] = {}
        """Queued item id -> the item another ingest committed first for the same source."""

    def has_pending(self, sha256: str) -> bool:
        """True when content with this hash waits in the batch (flush before a duplicate
        check, which reads committed rows)."""
        return sha256 in self._shas or (
            self._committing is not None and sha256 in self._committing.shas
        )

    def add(
        self, tmp: Path, blob: StoredBlob, item: Item, details: dict[str, Any], reason: str | None
    ) -> None:
        """Queue a copied file (written without fsync) and its item; commit when due."""
        if not self._pending:
            self._since = time.monotonic()
        self._pending.append(_Pending(tmp, blob, item, details, reason))
        self._shas.add(blob.sha256)
        self._bytes += blob.size
        self.flush_if_due()

    def flush_if_due(self) -> None:
        """Start committing the batch if it is full or old enough (the batch before it is
        committed first); commit the rows of a batch whose blobs are in place."""
        if self._committing is not None and self._committing.done():
            self._finish()
        if self._pending and (
            len(self._pending) >= MAX_ITEMS
            or self._bytes >= MAX_BYTES
            or time.monotonic() - self._since >= MAX_AGE_S
        ):
            self._start()

    def flush(self) -> None:
        """Make the copies durable, commit every queued item with its custody entry, and
        hand the items to the post-ingest runs; on return, every queued item is committed."""
        self._start()
        self._finish()

    def _start(self) -> None:
        """Hand the queued copies to a `_BlobCommit`, after finishing the one before."""
        self._finish()
        if not self._pending:
            return
        pending, self._pending, self._bytes = self._pending, [], 0
        self._shas = set()
        self._committing = _BlobCommit(self._case, pending)

    def _finish(self) -> None:
        """Wait for the blobs of the batch being committed, then commit its rows."""
        commit, self._committing = self._committing, None
        if commit is None:
            return
        pending, evidence = commit.pending, self._case.evidence
        try:
            commit.wait()
            with contextlib.ExitStack() as turns:
                for run in self._runs:
                    turns.enter_context(run.hold_writes())  # its transaction would hold ours
                with self._case.transaction():
                    raced = self._insert(pending)
                    evidence.settle_batch(commit.marker)  # a server case's rows go with them
        except BaseException:
            _release(self._case, commit)
            raise
        evidence.clear_batch(commit.marker)
        ids = [p.item.id for p in pending if p.item.id not in self.duplicates]
        self.committed += len(ids)
        for run in self._runs:
            run.submit(ids)
        for p in raced:
            self.found_again(self.duplicates[p.item.id])

    def _insert(self, pending: list[_Pending]) -> list[_Pending]:
        """Insert the queued items with their custody entries (inside the batch's
        transaction), in order, one recording for each run of the same actor and reason.

        Returns:
            The items another ingest committed first for the same source (each logged as a
            duplicate, at its place in the chain).
        """
        case = self._case
        raced: list[_Pending] = []
        by_id = {p.item.id: p for p in pending}

        def refused(item: Item, error: DuplicateItemError) -> None:
            p = by_id[item.id]
            found = case.items.find_duplicate(
                p.blob.sha256, item.source_path_raw, item.fs_path_raw, item.parent_id
            )
            if found is None:  # the rule and the lookup disagree: a bug, not a duplicate
                raise error
            with case.recording(item.created_by) as rec:
                rec.note(
                    Action.INGEST_DUPLICATE,
                    item_id=found.id,
                    details={"source_path": p.details.get("source_path"), "sha256": p.blob.sha256},
                    reason=p.reason,
                )
            self.duplicates[item.id] = found
            raced.append(p)

        for (actor, reason), run in itertools.groupby(
            pending, key=lambda p: (p.item.created_by, p.reason)
        ):
            same = list(run)
            with case.recording(actor, reason=reason) as rec:
                rec.insert_all(
                    [p.item for p in same],
                    Action.INGESTED,
                    details=[p.details for p in same],
                    refused=refused,
                )
        return raced

    def found_again(self, item: Item) -> None:
        """An item already stored (a re-ingest): the post-ingest runs get it too, and do
        only what an interrupted earlier run left undone."""
        for run in self._runs:
            run.submit([item.id], again=True)

    def discard(self) -> None:
        """Drop what was not committed (the ingest failed): the copies are deleted, and the
        blobs of a batch whose rows were not inserted are released."""
        commit, self._committing = self._committing, None
        if commit is not None:
            with contextlib.suppress(BaseException):
                commit.wait()
            _release(self._case, commit)
        for p in self._pending:
            self._case.evidence.discard(p.tmp)
        self._pending, self._bytes = [], 0
        self._shas = set()


def _release(case: Case, commit: _BlobCommit) -> None:
    """Give up a batch whose rows did not commit: its copies, its blobs (unless an item or
    another writer needs them) and its marker."""
    for p in commit.pending:
        case.evidence.discard(p.tmp)
        case.evidence.release_blob(p.blob.sha256, case.items.has_content, batch=commit.marker)
    case.evidence.clear_batch(commit.marker)
