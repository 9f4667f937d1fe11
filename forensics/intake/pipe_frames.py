"""Length-prefixed pickles over a pipe: the protocol between an ingest and its copier.

Both ends are this program's own processes (`copy_ahead.py` and `copier.py`), so a pickle
read here was written by our own code, never by anything from a case or a card. Standard
library only: the copier imports it at its start, without site packages.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
from collections.abc import Sequence
from typing import Any

_LENGTH = struct.Struct("<I")
_READ = 64 << 10
"""Bytes asked of the pipe at a time: below the C library's threshold for serving an
allocation with its own mapping (a 1 MiB read buffer was mapped, shrunk and unmapped at
every read, each unmapping a TLB shootdown to the other core)."""


def write_frames(fd: int, values: Sequence[object]) -> None:
    """Write length-prefixed pickles, in one `write` where the pipe takes them."""
    parts: list[bytes] = []
    for value in values:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        parts += (_LENGTH.pack(len(data)), data)
    view = memoryview(b"".join(parts))
    while view:
        view = view[os.write(fd, view) :]


class FrameReader:
    """Reads length-prefixed pickles from a descriptor, many per `read` call."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._data = bytearray()
        self._at = 0

    def _next(self) -> tuple[bool, Any]:
        end = self._at + _LENGTH.size
        if end <= len(self._data):
            (length,) = _LENGTH.unpack_from(self._data, self._at)
            if end + length <= len(self._data):
                value = pickle.loads(self._data[end : end + length])  # our own process's
                self._at = end + length
                return True, value
        return False, None

    def _fill(self) -> None:
        if self._at:
            del self._data[: self._at]
            self._at = 0
        more = os.read(self._fd, _READ)
        if not more:
            raise EOFError("the stream ended")
        self._data += more

    def read(self) -> Any:
        """The next value (waiting for it); raises EOFError at the end of the stream."""
        while True:
            got, value = self._next()
            if got:
                return value
            self._fill()

    def ready(self) -> list[Any]:
        """The values that have arrived, without waiting (none: an empty list); raises
        EOFError at the end of the stream."""
        out = []
        while True:
            got, value = self._next()
            if got:
                out.append(value)
                continue
            if not select.select([self._fd], [], [], 0)[0]:
                return out
            self._fill()
