"""Extraction alongside an ingest: items are extracted as soon as their batch is committed.

The ingest copies files in one thread while this run extracts the committed ones in another,
with its own connection to the case (SQLite connections are not shared between threads), so
a card's photos are in the catalogue a moment after they are copied and their metadata,
thumbnails and positions fill in behind. Both threads mostly wait on the disk, the database
or the worker processes, which do the decoding on the other cores.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from forensics.case import Case
from forensics.jobs import CancelToken
from forensics.media.extract_store import MetadataResult, WriteTurn
from forensics.media.worker import ProcessRunner
from forensics.store.location import ServerLocation

log = logging.getLogger(__name__)

STREAM_OPEN_S = 0.25
"""Longest the run keeps a write transaction open: the ingest commits its batches between."""
_WAIT_S = 0.05


def result_warnings(result: MetadataResult) -> list[str]:
    """An item's extraction problems as its ingest outcome reports them."""
    return [f"metadata: {m}" for m in result.errors + result.warnings]


class ExtractionRun:
    """One ingest's extraction, in a thread (see the module doc and `PostIngestRun`).

    Args:
        root: the case's folder or server location (the run opens its own connection).
        runner: the worker processes to use.
        cancel: stops the run after the current file.
        extract: the streaming extraction (`extract.extract_stream`).
    """

    def __init__(
        self,
        root: Path | ServerLocation,
        runner: ProcessRunner,
        cancel: CancelToken,
        extract: Callable[..., list[MetadataResult]],
    ) -> None:
        self._root = root
        self._runner = runner
        self._cancel = cancel
        self._extract = extract
        self._queue: queue.SimpleQueue[Sequence[str] | None] = queue.SimpleQueue()
        self._arrived = threading.Event()
        self._turn = WriteTurn()
        self._submitted: list[str] = []
        self._again: set[str] = set()
        self._seen: set[str] = set()
        self._stored: set[str] = set()
        """Items whose records are committed (or that needed none)."""
        self._stored_more = threading.Event()
        self._done = 0
        self._ended = False
        self._warnings: dict[str, list[str]] = {}
        self._failure: str | None = None
        self._thread = threading.Thread(target=self._work, name="pwb-extract", daemon=True)
        self._thread.start()

    def submit(self, item_ids: Sequence[str], *, again: bool = False) -> None:
        """Queue committed items for extraction (`again`: only their missing records)."""
        if again:
            self._again.update(item_ids)
        self._submitted.extend(item_ids)
        self._queue.put(list(item_ids))
        self._arrived.set()

    def counts(self) -> tuple[int, int]:
        """Items extracted (or skipped) and items handed over."""
        return self._done, len(self._submitted)

    def finished(self, item_id: str, timeout: float = 0.0) -> bool:
        """True once the item's records are committed (or it needed none), or the run has
        ended; waits up to `timeout` s for it."""
        deadline = time.monotonic() + timeout
        while item_id not in self._stored and self._thread.is_alive():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._stored_more.wait(left)
            self._stored_more.clear()  # what was added before is seen by the next test
        return True

    def wait(self, timeout: float) -> bool:
        """Say no more items come, and wait up to `timeout` s for the run to end."""
        if not self._ended:
            self._ended = True
            self._queue.put(None)
            self._arrived.set()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def warnings(self) -> dict[str, list[str]]:
        """Each item's extraction problems; every item left undone when the run failed gets
        the failure."""
        if self._failure is not None:
            for item_id in self._submitted:
                if item_id not in self._seen:
                    self._warnings.setdefault(item_id, []).append(self._failure)
            self._failure = None
        return self._warnings

    def hold_writes(self) -> AbstractContextManager[None]:
        """While the ingest commits a batch: ours is committed first, and none is opened."""
        return self._turn.hold()

    def _batches(self) -> Iterator[Sequence[str] | None]:
        while True:
            try:
                batch = self._queue.get_nowait()
            except queue.Empty:
                yield None  # the workers' answers are collected meanwhile
                continue
            if batch is None:
                return
            yield batch

    def _idle(self) -> None:
        """Nothing is being extracted: wait for the next batch (or a moment)."""
        self._arrived.wait(_WAIT_S)
        self._arrived.clear()

    def _progress(self, done: int, _handed: int, _name: str) -> None:
        self._done = done

    def _result(self, result: MetadataResult) -> None:
        """Keep only what the ingest reports (the records are in the case)."""
        self._seen.add(result.item_id)
        if result.skipped is not None:
            self._committed([result.item_id])
        found = result_warnings(result)
        if found:
            self._warnings[result.item_id] = found

    def _committed(self, item_ids: list[str]) -> None:
        self._stored.update(item_ids)
        self._stored_more.set()

    def _work(self) -> None:
        try:
            # While the ingest copies its first batch (about half a second): the fork server
            # importing the decoders used to start only when that batch came, with a core idle.
            self._runner.prestart()
        except Exception:  # spawning fails again, and is reported, when the first batch comes
            log.exception("the extraction worker did not start ahead of the ingest")
        try:
            with Case.open(self._root) as case:
                self._extract(
                    case,
                    self._batches(),
                    progress=self._progress,
                    cancel=self._cancel,
                    runner=self._runner,
                    max_open_s=STREAM_OPEN_S,
                    on_result=self._result,
                    idle=self._idle,
                    turn=self._turn,
                    only_missing=self._again.__contains__,
                    on_commit=self._committed,
                )
        except Exception as exc:  # one step failing must not lose the ingested items
            log.exception("extraction alongside the ingest failed")
            self._failure = f"post-ingest step failed: {exc}"
        finally:
            self._done = max(self._done, len(self._seen))
            self._stored_more.set()  # whoever waits in `finished` sees the run has ended
