"""Copying content into the store's `tmp/` folder while hashing it, in one pass.

The copy is made read-only from the start (its descriptor stays writable), hashed with sha256
and md5 as it is written, and fsynced unless the caller syncs a whole batch later. Large
inputs hash and write in worker threads (hashlib releases the GIL on large chunks); host
files take `fastcopy`'s ring of buffers. What the store does with the copy afterwards (the
rename into place, the in-flight markers) is `evidence.EvidenceStore`'s job.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from forensics.errors import EvidenceError
from forensics.jobs import CancelToken
from forensics.store.fastcopy import copy_fd, open_for_copy

CHUNK = 1 << 20
"""Read size: large enough that hashlib releases the GIL and threads overlap."""

THREADED_FROM = 8 * CHUNK
"""Below this size one thread is faster than handing chunks to workers."""

READ_ONLY = 0o444


@dataclass(frozen=True)
class StoredBlob:
    """What the store knows of one copied file."""

    sha256: str
    md5: str
    size: int
    head: bytes
    """The first bytes of the content, for type sniffing without a second read."""


def read_chunks(fd: int, cancel: CancelToken | None = None) -> Iterator[bytes]:
    """Yield a file descriptor's content in `CHUNK`-sized pieces, checking `cancel`."""
    while True:
        if cancel is not None:
            cancel.raise_if_cancelled()
        data = os.read(fd, CHUNK)
        if not data:
            return
        yield data


class _Worker:
    """Runs one consumer over a bounded queue of chunks in its own thread."""

    def __init__(self, consume: Callable[[bytes], object]) -> None:
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
        self._consume = consume
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            if self.error is None:
                try:
                    self._consume(chunk)
                except BaseException as exc:  # handed to the caller by finish()
                    self.error = exc

    def put(self, chunk: bytes) -> None:
        self._queue.put(chunk)

    def finish(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self.error is not None:
            raise self.error


def new_part(tmp_dir: Path, owner: str = "") -> Path:
    """A fresh name for a temporary copy in `tmp_dir` (recovery removes `*.part` files);
    `owner` names the writer that makes it (`<uuid>.<owner>.part`), so a recovery that is not
    alone with the case can tell a dead writer's copy from a live one's."""
    return tmp_dir / (f"{uuid.uuid4().hex}.{owner}.part" if owner else f"{uuid.uuid4().hex}.part")


def copy_chunks(
    tmp_dir: Path,
    chunks: Iterable[bytes],
    size_hint: int = 0,
    *,
    sync: bool = True,
    owner: str = "",
) -> tuple[Path, StoredBlob]:
    """Write content to a new temporary file in `tmp_dir` while hashing it (see
    `EvidenceStore.copy_in`; `owner`: see `new_part`)."""
    tmp = new_part(tmp_dir, owner)
    # Read-only from the start (the descriptor stays writable): no chmod before the rename.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, READ_ONLY)
    sha = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    size = 0
    head = b""
    threaded = size_hint >= THREADED_FROM
    try:
        if threaded:
            md5_worker = _Worker(md5.update)
            write_worker = _Worker(lambda data: write_all(fd, data))
            try:
                for chunk in chunks:
                    if not head:
                        head = chunk[:4096]
                    md5_worker.put(chunk)
                    write_worker.put(chunk)
                    sha.update(chunk)
                    size += len(chunk)
            finally:
                md5_worker.finish()
                write_worker.finish()
        else:
            for chunk in chunks:
                if not head:
                    head = chunk[:4096]
                sha.update(chunk)
                md5.update(chunk)
                write_all(fd, chunk)
                size += len(chunk)
        if sync:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return tmp, StoredBlob(sha.hexdigest(), md5.hexdigest(), size, head)


def copy_from_fd(
    tmp_dir: Path,
    fd: int,
    size_hint: int,
    cancel: CancelToken | None = None,
    on_bytes: Callable[[int], None] | None = None,
    *,
    sync: bool = True,
    owner: str = "",
) -> tuple[Path, StoredBlob]:
    """Like `copy_chunks`, reading a file descriptor to its end (see
    `EvidenceStore.copy_in_fd`)."""
    if size_hint < THREADED_FROM:

        def chunks() -> Iterator[bytes]:
            for chunk in read_chunks(fd, cancel):
                if on_bytes is not None:
                    on_bytes(len(chunk))
                yield chunk

        return copy_chunks(tmp_dir, chunks(), size_hint, sync=sync, owner=owner)
    tmp = new_part(tmp_dir, owner)
    out, direct = open_for_copy(tmp)
    try:
        result = copy_fd(fd, out, direct, cancel, on_bytes)
        os.fsync(out)
    except BaseException:
        os.close(out)
        tmp.unlink(missing_ok=True)
        raise
    os.close(out)
    return tmp, StoredBlob(result.sha256, result.md5, result.size, result.head)


def hash_file(path: Path, cancel: CancelToken | None = None) -> tuple[str, int]:
    """sha256 and size of a file, read without following a final symlink."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot read ({exc.strerror})") from exc
    sha = hashlib.sha256()
    size = 0
    try:
        for chunk in read_chunks(fd, cancel):
            sha.update(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return sha.hexdigest(), size


def write_all(fd: int, data: bytes) -> None:
    """Write all of `data` (os.write may write less)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
