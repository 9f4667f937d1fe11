"""The copying process of an ingest: opens, reads, hashes and copies small host files into
the store's `tmp/`, and moves committed batches into place, beside the process that records
them.

A thread of the ingesting process did this before (`copy_ahead.py` now only talks to this
process): its reads, hashes and writes run without the GIL, but between them it needed the
GIL back a dozen times a file, each time queued behind the thread recording items (Python
and SQLite). On a card of small
photos that doubled the copying's CPU (0.67 ms a file against 0.28 alone) and made the
recording wait for it. In a process of its own the copying has its own interpreter; two
threads copy (both cores hash while the ingesting process waits for them) and a third runs
the batches' syncs and renames (`durable.BlobMoves`).

It imports only the standard library, `pipe_frames` and `forensics.store.durable` (no site
packages: run as `python -I -S -c ...` with the package's folder on its path by
`copy_ahead.py`), so it starts in about 15 ms. The protocol, over its stdin and stdout, is
length-prefixed pickles (`pipe_frames.py`; both ends are this program's own code, nothing
from elsewhere is unpickled):

- in: a header `(tmp_dir, sync)` then requests `("copy", index, path, name)`: copy
  the host file `path` to `tmp_dir/name`; `("place", token, moves)`: run a batch's `BlobMoves`; the
  end of stdin stops it (the copies not begun are dropped, the moves asked for are made);
- out: `("copy", index, facts)` (`copy_one`) and `("place", token, failed)` (None, or
  errno, strerror and file name), as each is done.

It records nothing and decides nothing: the facts go back to the ingesting process, which
judges them as it judges the copies it makes itself (`host_files.host_copy`). It dies with
its parent (`PR_SET_PDEATHSIG` where Linux offers it, else at its next read of stdin), so a
killed ingest leaves at most the copies it was writing, which recovery removes like any
other `*.part` file, and a batch half moved, whose in-flight marker recovery reads.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import signal
import stat
import sys
import threading
from typing import Any, NamedTuple

from forensics.intake.pipe_frames import FrameReader, write_frames
from forensics.store.durable import BlobMoves  # noqa: F401 (unpickled in `_placing`)

CHUNK = 1 << 20
"""Bytes read at a time (the same as the store's copy of a file the ingest makes itself)."""
HEAD = 4096
"""The first bytes kept for type sniffing (as `blob_copy` keeps them)."""
READ_ONLY = 0o444
"""Copies are read-only from the start (the descriptor stays writable)."""

Facts = tuple[Any, ...]
"""What happened to one file (see `copy_one`)."""


def open_source(path: bytes) -> int:
    """Open a host file without following a link at its end, without blocking on a FIFO,
    and without changing its access time where allowed (O_NOATIME)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        return os.open(path, flags | os.O_NOATIME)
    except PermissionError:
        return os.open(path, flags)


class Found(NamedTuple):
    """What an item keeps of a source's `fstat` taken before its first byte was read."""

    st_size: int
    st_atime: float
    st_mtime: float
    st_ctime: float


def found(st: os.stat_result) -> tuple[int, float, float, float]:
    """`Found`'s fields of a stat result (sent as a plain tuple: a stat result costs five
    times as much to pickle)."""
    return (st.st_size, st.st_atime, st.st_mtime, st.st_ctime)


def lstat_or_none(path: bytes) -> os.stat_result | None:
    """The `lstat` of a path, or None when it is gone."""
    try:
        return os.lstat(path)
    except OSError:
        return None


def changed_while_read(
    before: os.stat_result, after: os.stat_result, now: os.stat_result | None, read: int
) -> str | None:
    """Why a source read from `before` to `after` is not the file as found, or None.

    Args:
        before: `fstat` of the open file before the first byte was read.
        after: `fstat` of the same descriptor once the last byte was read.
        now: `lstat` of its path after the read (None: the path is gone).
        read: how many bytes the copy got.
    """
    if after.st_size != before.st_size:
        return (
            f"changed while it was read: its size went from {before.st_size} to "
            f"{after.st_size} bytes; not stored, ingest it again once it is still"
        )
    if after.st_mtime_ns != before.st_mtime_ns:
        return "changed while it was read: it was modified during the copy; not stored"
    if read != before.st_size:
        return (
            f"the read came up short: {read} of {before.st_size} bytes; not stored "
            "(a file being written, or a failing device)"
        )
    if now is None or (now.st_ino, now.st_dev) != (before.st_ino, before.st_dev):
        return "changed while it was read: its name now points at another file; not stored"
    return None


def copy_one(path: bytes, tmp: bytes, copier: Copier) -> Facts:
    """Copy one host file to `tmp`, hashing it; `host_files.host_copy` says what the facts
    mean (the copy made in the ingesting process gives the same facts).

    Returns one of:
        ("open", errno, strerror): it could not be opened;
        ("special",): not a regular file (nothing read);
        ("read", strerror): reading or writing failed (no copy is left);
        ("changed", why): it changed while it was read (`changed_while_read`; no copy left);
        ("copied", found, sha256, md5, size, head): `found` the `Found` fields of the
        `fstat` before the first read.
    """
    try:
        fd = open_source(path)
    except OSError as exc:
        return ("open", exc.errno, exc.strerror)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return ("special",)
        try:
            sha, md5, size, head = copier.copy_fd(fd, tmp)
        except OSError as exc:
            return ("read", exc.strerror)
        # The path is looked at again while the file is open: its inode cannot be reused.
        problem = changed_while_read(st, os.fstat(fd), lstat_or_none(path), size)
    finally:
        os.close(fd)
    if problem is not None:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return ("changed", problem)
    return ("copied", found(st), sha, md5, size, head)


class Copier:
    """Copies host files into one folder, hashing them (see `copy_one`).

    The copies go through the page cache and are made durable later (`fsync`, or the
    batch's file-system sync). They were written with `O_DIRECT` until session 7: measured
    again on a quiet machine, a direct write waited on the device while it held one of the
    two copying threads, and cost more CPU than filling the page cache (copying alone, 2,008
    photos: 0.49 s and 0.64 s of CPU direct, 0.27 s and 0.52 s through the cache; the whole
    `pwb ingest --no-extract` 1.05 -> 0.87 s). With extraction the workers read each copy
    again at once: from the cache, not from the device. Without extraction the copies
    leave the cache once each batch is durable (`BlobMoves.keep_cached`), so the next
    batch's copies reuse those pages: taking fresh ones was what made cached copies slower
    than direct ones on a machine whose memory was full (`docs/benchmarks.md`, session 8).

    Args:
        tmp_dir: where the copies go.
        sync: fsync each copy.
    """

    def __init__(self, tmp_dir: bytes, sync: bool) -> None:
        self.tmp_dir = tmp_dir
        self.sync = sync
        self._buffer = bytearray(CHUNK)
        self._view = memoryview(self._buffer)

    def copy(self, path: bytes, name: bytes) -> Facts:
        """`copy_one` of `path` to `tmp_dir/name`."""
        return copy_one(path, os.path.join(self.tmp_dir, name), self)

    def copy_fd(self, fd: int, tmp: bytes) -> tuple[str, str, int, bytes]:
        """Copy an open file to a new file `tmp` (read-only), hashing it.

        Returns:
            sha256, md5, size and the first `HEAD` bytes.
        """
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, READ_ONLY)
        sha = hashlib.sha256()
        md5 = hashlib.md5(usedforsecurity=False)
        size = 0
        head = b""
        view = self._view
        try:
            while True:
                got = os.readv(fd, [self._buffer])
                if not got:
                    break
                data = view[:got]
                if not head:
                    head = bytes(data[:HEAD])
                sha.update(data)
                md5.update(data)
                while data:
                    data = data[os.write(out, data) :]
                size += got
            if self.sync:
                os.fsync(out)
        except BaseException:
            os.close(out)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        os.close(out)
        return sha.hexdigest(), md5.hexdigest(), size, head


class _Answers:
    """The answers to the parent, written whole by any thread."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lock = threading.Lock()

    def send(self, answer: object) -> None:
        with self._lock:
            write_frames(self._fd, [answer])


def _copying(copier: Copier, todo: queue.SimpleQueue[Any], answers: _Answers) -> None:
    while (request := todo.get()) is not None:
        _kind, index, path, name = request
        try:
            facts = copier.copy(path, name)
        except Exception as exc:  # told to the parent, which copies that file itself
            facts = ("failed", f"{type(exc).__name__}: {exc}")
        try:
            answers.send(("copy", index, facts))
        except BrokenPipeError:
            return  # the ingest is gone


def _placing(todo: queue.SimpleQueue[Any], answers: _Answers) -> None:
    while (request := todo.get()) is not None:
        _kind, token, moves = request
        failed: tuple[Any, ...] | None = None
        try:
            moves.run()
        except OSError as exc:
            failed = (exc.errno, exc.strerror, exc.filename)
        except Exception as exc:  # told to the parent, which gives the batch up
            failed = (None, f"{type(exc).__name__}: {exc}", None)
        try:
            answers.send(("place", token, failed))
        except BrokenPipeError:
            return  # the ingest is gone


def _die_with_parent() -> None:
    """Be killed when the process that started this one ends (Linux), so no copy is made
    for an ingest that is gone."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere: stdin ends with the parent, and the loop stops at its next read
    if os.getppid() == 1:
        os._exit(0)  # the parent ended before the line above ran


COPYING_THREADS = 2
"""Copies made at once: each hashes on a core of its own where one is free (the hashes let
the GIL go); copying alone, two threads took 0.27 s for 2,008 photos where one took 0.48."""


def main() -> None:
    """Serve requests from stdin until it ends (see the module doc)."""
    _die_with_parent()
    requests = FrameReader(sys.stdin.fileno())
    answers = _Answers(sys.stdout.fileno())
    copies: queue.SimpleQueue[Any] = queue.SimpleQueue()
    places: queue.SimpleQueue[Any] = queue.SimpleQueue()
    threads: list[threading.Thread] = []
    try:
        tmp_dir, sync = requests.read()
        threads = [
            threading.Thread(target=_copying, args=(Copier(tmp_dir, sync), copies, answers))
            for _ in range(COPYING_THREADS)
        ]
        threads.append(threading.Thread(target=_placing, args=(places, answers)))
        for thread in threads:
            thread.start()
        while (request := requests.read()) is not None:
            (copies if request[0] == "copy" else places).put(request)
    except EOFError:
        pass  # the ingest ended (or died)
    finally:
        with contextlib.suppress(queue.Empty):
            while True:  # the copies not begun are not wanted any more (the parent knows)
                copies.get_nowait()
        for _ in range(COPYING_THREADS):
            copies.put(None)
        places.put(None)  # a batch's moves asked for are made, though
        for thread in threads:
            thread.join()


if __name__ == "__main__":
    main()
