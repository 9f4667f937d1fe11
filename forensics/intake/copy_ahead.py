"""Copying the small files of an ingest in a thread, a few files ahead of their recording.

On a card of small photos the ingesting thread did everything one file after the other:
open, read, hash and write the copy (work that waits on the kernel or runs in hashlib, both
without the GIL), then the item row and its signed custody entry (Python and SQLite, with
it). A second core sat idle. Here a thread copies the next files into the store's `tmp/`
(`copy_host_file`) while the ingesting thread records the ones before, so the two halves
overlap.

Nothing is recorded ahead: the ingesting thread takes each copy in the inputs' order and
decides (item, duplicate, rejection) as if it had just made it, so the custody chain and the
outcomes are the same as one by one. At most `AHEAD_FILES` copies (and `AHEAD_BYTES`) wait;
files of `LARGE` bytes or more are left to the ingesting thread, whose copy of a large file
already uses several threads. When the ingest ends early (cancelled, failed, or a file
skipped), the copies not taken are removed: nothing is left behind but what was recorded.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from forensics.case import Case
from forensics.intake.host_files import HostCopy, copy_host_file
from forensics.intake.walk import Entry
from forensics.jobs import CancelToken

AHEAD_FILES = 32
AHEAD_BYTES = 32 << 20
LARGE = 8 << 20
"""From this size a file is copied by the ingesting thread itself (see the module doc)."""


class CopyAhead:
    """Copies `entries`' small regular files in a thread, in order, ahead of `take`.

    Args:
        case: the case whose store receives the copies.
        entries: the ingest's inputs, in the order they are recorded.
        cancel: the ingest's token; setting it stops the copying too.
        sync: fsync each copy (False when a batch makes them durable together).
    """

    def __init__(
        self, case: Case, entries: Sequence[Entry], cancel: CancelToken, *, sync: bool
    ) -> None:
        self._case = case
        self._cancel = cancel
        self._sync = sync
        self._todo = [(n, e) for n, e in enumerate(entries) if e.kind == "file" and e.size < LARGE]
        self._wanted = {n for n, _e in self._todo}
        self._ready: dict[int, HostCopy | BaseException] = {}
        self._bytes = 0
        self._stopped = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="pwb-copy-ahead", daemon=True)
        if self._todo:
            self._thread.start()

    def take(self, index: int) -> HostCopy | None:
        """The copy of entry `index` (waiting for it), or None when it is not copied ahead
        (the caller copies it).

        Raises:
            CancelledError: the ingest was cancelled while it was copied.
            BaseException: whatever else stopped its copy.
        """
        got = self._collect(index)
        if isinstance(got, BaseException):
            raise got
        return got

    def skip(self, index: int) -> None:
        """Entry `index` is not recorded after all (already ingested with another): its
        copy, if one is made, is removed (and its failure, if it failed, does not matter)."""
        got = self._collect(index)
        if isinstance(got, HostCopy):
            got.discard(self._case)

    def _collect(self, index: int) -> HostCopy | BaseException | None:
        """Wait for entry `index`'s copy (or what stopped it) and hand it over, freeing its
        room ahead; None when it is not copied ahead."""
        if index not in self._wanted:
            return None
        self._wanted.discard(index)
        with self._cond:
            while index not in self._ready:
                self._cond.wait()
            got = self._ready.pop(index)
            if isinstance(got, HostCopy) and got.blob is not None:
                self._bytes -= got.blob.size
            self._cond.notify_all()
        return got

    def close(self) -> None:
        """Stop copying and remove every copy not taken."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join()
        for got in self._ready.values():
            if isinstance(got, HostCopy):
                got.discard(self._case)
        self._ready.clear()

    def _room(self) -> bool:
        return len(self._ready) < AHEAD_FILES and self._bytes < AHEAD_BYTES

    def _run(self) -> None:
        for index, entry in self._todo:
            with self._cond:
                while not self._stopped and not self._room():
                    self._cond.wait()
                if self._stopped:
                    return
            got: HostCopy | BaseException
            try:
                got = copy_host_file(self._case, entry.path, self._cancel, None, sync=self._sync)
            except BaseException as exc:  # handed to `take`, which raises it in its thread
                got = exc
            with self._cond:
                self._ready[index] = got
                if isinstance(got, HostCopy) and got.blob is not None:
                    self._bytes += got.blob.size
                self._cond.notify_all()
                if self._stopped:
                    return
