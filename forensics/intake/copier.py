"""The copying process of an ingest: opens, reads, hashes and copies small host files into
the store's `tmp/`, beside the process that records them.

A thread of the ingesting process did this before (`copy_ahead.py`): its reads, hashes and
writes run without the GIL, but between them it needed the GIL back a dozen times a file,
each time queued behind the thread recording items (Python and SQLite). On a card of small
photos that doubled the copying's CPU (0.67 ms a file against 0.28 alone) and made the
recording wait for it. In a process of its own the copying has its own interpreter.

It imports only the standard library, so it starts in about 15 ms (run as
`python -I -S copier.py`, no site packages). The protocol, over its stdin and stdout, is
length-prefixed pickles (both ends are this program's own code, nothing from elsewhere is
unpickled):

- in: a header `(tmp_dir, sync)` then requests `(index, path, name)`: copy the host file
  `path` to `tmp_dir/name`; `None` (or the end of stdin) stops it;
- out: `(index, facts)` per request, in order (`copy_one`).

It records nothing and decides nothing: the facts go back to the ingesting process, which
applies the same rules as when it copies a file itself (`host_files.copy_host_file`). It
dies with its parent (`PR_SET_PDEATHSIG` where Linux offers it, else at its next read of
stdin), so a killed ingest leaves at most the copy it was writing, which recovery removes
like any other `*.part` file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import mmap
import os
import pickle
import signal
import stat
import struct
import sys
from typing import Any

CHUNK = 1 << 20
"""Bytes read at a time (the same as the store's copy of a file the ingest makes itself)."""
HEAD = 4096
"""The first bytes kept for type sniffing (as `blob_copy` keeps them)."""
READ_ONLY = 0o444
"""Copies are read-only from the start (the descriptor stays writable)."""
_BLOCK = 4096
"""What `O_DIRECT` writes are a multiple of (the largest logical block size in use)."""
_LENGTH = struct.Struct("<I")

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


def _lstat(path: bytes) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


def copy_one(path: bytes, tmp: bytes, copier: Copier) -> Facts:
    """Copy one host file to `tmp`, hashing it.

    Returns one of:
        ("open", errno, strerror): it could not be opened;
        ("special", st): not a regular file (nothing read);
        ("read", st, strerror): reading or writing failed (no copy is left);
        ("copied", st, after, now, sha256, md5, size, head): `st` the `fstat` before the
        first read, `after` the `fstat` after the last, `now` the `lstat` of its path
        then (None: gone).
    """
    try:
        fd = open_source(path)
    except OSError as exc:
        return ("open", exc.errno, exc.strerror)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return ("special", st)
        try:
            sha, md5, size, head = copier.copy_fd(fd, tmp)
        except OSError as exc:
            return ("read", st, exc.strerror)
        return ("copied", st, os.fstat(fd), _lstat(path), sha, md5, size, head)
    finally:
        os.close(fd)


class Copier:
    """Copies host files into one folder, hashing them (see `copy_one`).

    The copies are written with `O_DIRECT` where the file system allows it (all but the
    last, unaligned part of each file): the bytes go from this process's buffer to the
    device, instead of into page-cache pages made for them. On this project's VM a new
    page-cache page cost more to fill than the hashes of its bytes (a third of the copying's
    CPU, in `copy_folio_from_iter_atomic`), and the batch's file-system sync then had those
    pages to write back too. The copies are made durable later either way (`fsync` or the
    batch's sync).

    Args:
        tmp_dir: where the copies go.
        sync: fsync each copy.
    """

    def __init__(self, tmp_dir: bytes, sync: bool) -> None:
        self.tmp_dir = tmp_dir
        self.sync = sync
        self.direct = getattr(os, "O_DIRECT", 0)
        """The flag while the file system takes it (0 once it refused)."""
        self._buffer = mmap.mmap(-1, CHUNK)  # page-aligned, as O_DIRECT needs
        self._view = memoryview(self._buffer)

    def copy(self, path: bytes, name: bytes) -> Facts:
        """`copy_one` of `path` to `tmp_dir/name`."""
        return copy_one(path, os.path.join(self.tmp_dir, name), self)

    def copy_fd(self, fd: int, tmp: bytes) -> tuple[str, str, int, bytes]:
        """Copy an open file to a new file `tmp` (read-only), hashing it.

        Returns:
            sha256, md5, size and the first `HEAD` bytes.
        """
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
        direct = self.direct
        try:
            out = os.open(tmp, flags | direct, READ_ONLY)
        except OSError as exc:
            if not direct or exc.errno != errno.EINVAL:
                raise
            self.direct = direct = 0  # this file system refuses it: not asked again
            out = os.open(tmp, flags, READ_ONLY)
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
                direct = self._write(out, data, direct)
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

    def _write(self, out: int, data: memoryview, direct: int) -> int:
        """Write `data` at the copy's end; returns whether `out` is still direct (its aligned
        part goes direct, the rest once the flag is dropped)."""
        if direct:
            aligned = len(data) - len(data) % _BLOCK
            try:
                written = os.write(out, data[:aligned]) if aligned else 0
            except OSError as exc:
                if exc.errno != errno.EINVAL:
                    raise
                written = 0  # refused for this file (its block size): the rest buffered
            data = data[written:]
            if data:
                fcntl.fcntl(out, fcntl.F_SETFL, fcntl.fcntl(out, fcntl.F_GETFL) & ~direct)
                direct = 0
        while data:
            data = data[os.write(out, data) :]
        return direct


def write_frame(fd: int, value: object) -> None:
    """Write one length-prefixed pickle."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


class FrameReader:
    """Reads length-prefixed pickles from a descriptor, many per `read` call."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._data = bytearray()
        self._at = 0

    def read(self) -> Any:
        """The next value; raises EOFError at the end of the stream."""
        while True:
            end = self._at + _LENGTH.size
            if end <= len(self._data):
                (length,) = _LENGTH.unpack_from(self._data, self._at)
                if end + length <= len(self._data):
                    value = pickle.loads(self._data[end : end + length])  # our own process's
                    self._at = end + length
                    return value
            if self._at:
                del self._data[: self._at]
                self._at = 0
            more = os.read(self._fd, 1 << 20)
            if not more:
                raise EOFError("the stream ended")
            self._data += more


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


def main() -> None:
    """Serve copy requests from stdin until it ends (see the module doc)."""
    _die_with_parent()
    requests = FrameReader(sys.stdin.fileno())
    out = sys.stdout.fileno()
    try:
        tmp_dir, sync = requests.read()
        copier = Copier(tmp_dir, sync)
        while (request := requests.read()) is not None:
            index, path, name = request
            try:
                facts = copier.copy(path, name)
            except Exception as exc:  # told to the parent, which copies that file itself
                facts = ("failed", f"{type(exc).__name__}: {exc}")
            write_frame(out, (index, facts))
    except (EOFError, BrokenPipeError):
        pass  # the ingest ended (or died): nothing more to do


if __name__ == "__main__":
    main()
