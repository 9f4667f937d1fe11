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
With post-ingest runs the first batches are smaller (`FIRST_ITEMS` files or `FIRST_AGE_S`,
doubling each batch up to the usual limits): the runs' workers have nothing to do until the
first batch commits, and at its full age they sat idle the first half second of a card.
The syncs and renames of a batch run beside the ingesting thread while the next batch is
copied (on a card of small photos the ingest waited on them a quarter of its time): in the
ingest's copying process when there is one (`copy_ahead.py`), else in a thread; its rows
are inserted by the ingesting thread as soon as they are done. Up to `IN_FLIGHT` batches are
placed at once, so the ingesting thread waits for a batch's syncs only when the one after it
is full too; their rows still commit one batch after the other, in order.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from forensics.case import Case
from forensics.errors import DuplicateItemError
from forensics.intake.records import PostIngestRun
from forensics.models import Item
from forensics.store.custody import Action
from forensics.store.durable import BlobMoves
from forensics.store.evidence import StoredBlob

log = logging.getLogger(__name__)

MAX_ITEMS = 256
MAX_BYTES = 64 << 20
MAX_AGE_S = 0.5
FIRST_ITEMS = 32
FIRST_AGE_S = 0.1
"""The first batch's limits when post-ingest runs wait for it; each next batch doubles them."""
_LOOK_EVERY_S = 0.005
IN_FLIGHT = 2
"""Batches whose blobs are placed at once. With one, the ingesting thread waited for each
batch's two syncs and renames before it started the next (20 % of `pwb ingest --no-extract`
of 5,020 small photos, since the copies go through the page cache and the syncs write them).
A batch holding content an earlier batch still places waits for it (`IngestBatch._start`)."""


@dataclass(frozen=True)
class _Pending:
    tmp: Path
    blob: StoredBlob
    item: Item
    details: dict[str, Any]
    reason: str | None


class Placer(Protocol):
    """Runs a batch's moves (`BlobMoves`) in another process (the ingest's copier)."""

    def place(self, moves: BlobMoves) -> int | None:
        """Start them; a token, or None when they are to be run here."""
        ...

    def placed(self, token: int) -> bool:
        """True once they are done (or failed), without waiting."""
        ...

    def wait_placed(self, token: int) -> None:
        """Wait for them; raises OSError when they failed."""
        ...


class _BlobCommit:
    """`commit_blobs` of one batch beside the ingesting thread: the two file-system syncs,
    the shard folders and the renames wait on the disk, while the next batch is copied.

    With a `Placer` (the ingest's copier process) the batch's marker is written here and
    the rest runs in that process: in a thread of this one, those file-system calls each
    needed the GIL back from the thread recording items, which then waited in turn (its
    every signature and SQL statement lets the GIL go). Without one, a thread runs it all.
    """

    def __init__(
        self, case: Case, pending: list[_Pending], placer: Placer | None, keep_cached: bool
    ) -> None:
        self.pending = pending
        self.shas = {p.blob.sha256 for p in pending}
        evidence = case.evidence
        self.marker = evidence.batch_marker()
        self.error: BaseException | None = None
        self._placer = placer
        self._token: int | None = None
        self._thread: threading.Thread | None = None
        blobs = [(p.tmp, p.blob.sha256) for p in pending]
        if placer is None:
            self._start(lambda: evidence.commit_blobs(blobs, self.marker, keep_cached))
            return
        try:
            moves = evidence.claim_blobs(blobs, self.marker, keep_cached)
        except BaseException as exc:  # raised by `wait`, where a failed commit is handled
            self.error = exc
            return
        self._token = placer.place(moves)
        if self._token is None:
            self._start(lambda: evidence.place_blobs(moves))

    def _start(self, work: Callable[[], None]) -> None:
        def run() -> None:
            try:
                work()
            except BaseException as exc:  # raised in the ingesting thread by `wait`
                self.error = exc

        self._thread = threading.Thread(target=run, name="pwb-blob-commit", daemon=True)
        self._thread.start()

    def done(self) -> bool:
        """True once the blobs are in place (or the commit failed)."""
        if self._token is not None:
            assert self._placer is not None
            return self._placer.placed(self._token)
        return self._thread is None or not self._thread.is_alive()

    def wait(self) -> None:
        """Until the blobs are durable in place.

        Raises:
            BaseException: what the commit raised.
        """
        if self._token is not None:
            assert self._placer is not None
            token, self._token = self._token, None
            self._placer.wait_placed(token)
        if self._thread is not None:
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

    def __init__(
        self,
        case: Case,
        runs: Sequence[PostIngestRun] = (),
        placer: Placer | None = None,
        upcoming: Callable[[], Iterable[str]] | None = None,
        keep_cached: bool = True,
    ) -> None:
        self._case = case
        self._keep_cached = keep_cached
        """Leave the copies in the page cache once durable (`BlobMoves.keep_cached`)."""
        self._runs = tuple(runs)
        self._placer = placer
        self._upcoming = upcoming
        self._new: set[str] = set()
        """Contents no committed item held when last asked (since when this batch committed
        nothing): their duplicate check needs no query."""
        self._pending: list[_Pending] = []
        self._shas: set[str] = set()
        self._bytes = 0
        self._since = 0.0
        self._max_items, self._max_age = (
            (FIRST_ITEMS, FIRST_AGE_S) if runs else (MAX_ITEMS, MAX_AGE_S)
        )
        self._committing: collections.deque[_BlobCommit] = collections.deque()
        """Batches being placed, oldest first (at most `IN_FLIGHT`)."""
        self._look_again = 0.0
        """When `flush_if_due` next asks whether the oldest batch placed is in place."""
        self.committed = 0
        """Items committed by this batch so far."""
        self.duplicates: dict[str, Item] = {}
        """Queued item id -> the item another ingest committed first for the same source."""

    def has_pending(self, sha256: str) -> bool:
        """True when content with this hash waits in the batch (flush before a duplicate
        check, which reads committed rows)."""
        return sha256 in self._shas or any(sha256 in c.shas for c in self._committing)

    def surely_new(self, sha256: str) -> bool:
        """True when no committed item holds this content, so it cannot be a duplicate
        (False: ask `find_duplicate`). One query answers for the files copied ahead too
        (`upcoming`): on a card the duplicate check was a query per file, almost always
        answered "none". The answer holds until this batch commits; another ingest that
        commits the same source meanwhile is caught by the database's rule, as a check
        made just before the insert would be."""
        if sha256 in self._new:
            self._new.discard(sha256)
            return True
        if self._upcoming is None or self.has_pending(sha256):
            return False
        asked = {sha256, *self._upcoming()}
        self._new = asked - self._case.items.holding(asked)
        if sha256 not in self._new:
            return False
        self._new.discard(sha256)
        return True

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
        """Start committing the batch if it is full or old enough (the oldest batch being
        placed is committed first when `IN_FLIGHT` are); commit the rows of the batches
        whose blobs are in place, oldest first."""
        now = time.monotonic()
        if self._committing and now >= self._look_again:
            # Asked at most every `_LOOK_EVERY_S` (a question to the copier process each).
            self._look_again = now + _LOOK_EVERY_S
            while self._committing and self._committing[0].done():
                self._finish_oldest()
        if self._pending and (
            len(self._pending) >= self._max_items
            or self._bytes >= MAX_BYTES
            or now - self._since >= self._max_age
        ):
            self._start()

    def flush(self) -> None:
        """Make the copies durable, commit every queued item with its custody entry, and
        hand the items to the post-ingest runs; on return, every queued item is committed."""
        self._start()
        while self._committing:
            self._finish_oldest()

    def _start(self) -> None:
        """Hand the queued copies to a `_BlobCommit`, once fewer than `IN_FLIGHT` batches
        are being placed. Content an earlier batch still places is not claimed twice: that
        batch finishes first (the one-at-a-time order, for the rare copy of a copy)."""
        while len(self._committing) >= IN_FLIGHT:
            self._finish_oldest()
        if not self._pending:
            return
        if any(self._shas & c.shas for c in self._committing):
            while self._committing:
                self._finish_oldest()
        pending, self._pending, self._bytes = self._pending, [], 0
        self._shas = set()
        self._max_items = min(MAX_ITEMS, self._max_items * 2)
        self._max_age = min(MAX_AGE_S, self._max_age * 2)
        self._committing.append(_BlobCommit(self._case, pending, self._placer, self._keep_cached))

    def _finish_oldest(self) -> None:
        """Wait for the blobs of the oldest batch being placed, then commit its rows."""
        commit = self._committing.popleft()
        self._new = set()  # items are committed: asked again
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
        blobs of the batches whose rows were not inserted are released."""
        while self._committing:
            commit = self._committing.popleft()
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
