"""Hash-while-copy for archive members: sha256 runs in a second thread beside the I/O.

hashlib releases the GIL on large buffers, so hashing one chunk while the next is read,
compressed (CRC) and written keeps both cores busy: the copy costs little more than the copy.
"""

from __future__ import annotations

import hashlib
import queue
import threading

CHUNK = 1 << 20


class ThreadedSha256:
    """A sha256 fed from a bounded queue by one worker thread."""

    def __init__(self, depth: int = 8) -> None:
        self._sha = hashlib.sha256()
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=depth)
        self._thread = threading.Thread(target=self._run, name="sha256-worker", daemon=True)
        self._thread.start()
        self._closed = False
        self.size = 0

    def _run(self) -> None:
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            self._sha.update(chunk)

    def update(self, chunk: bytes) -> None:
        """Queue one chunk (the caller must not mutate it afterwards)."""
        self.size += len(chunk)
        self._queue.put(chunk)

    def hexdigest(self) -> str:
        """Finish and return the digest (the worker stops)."""
        self.close()
        return self._sha.hexdigest()

    def close(self) -> None:
        """Stop the worker (idempotent); call from `finally` blocks."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()
