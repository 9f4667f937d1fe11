"""The bytes of a disk image, as TSK reads them: a raw file or any `Media`, through Python.

The image's bytes always come from the case's own stored copy, through a Python reader
handed to TSK (`Img_Info` subclass), so a case folder whose path is not valid UTF-8 works and
an E01 set is read through libewf the same way.
"""

from __future__ import annotations

import os
from typing import Protocol

import pytsk3


class Media(Protocol):
    """Anything that reads an image's bytes at an offset."""

    size: int

    def read(self, offset: int, size: int) -> bytes:
        """Up to `size` bytes from `offset`."""

    def close(self) -> None:
        """Release the underlying files."""


class RawMedia:
    """A raw (dd) image file read with `pread`."""

    def __init__(self, path: bytes | str | os.PathLike[str]) -> None:
        self._fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        self.size = os.fstat(self._fd).st_size

    def read(self, offset: int, size: int) -> bytes:
        """Up to `size` bytes from `offset`."""
        return os.pread(self._fd, size, offset)

    def close(self) -> None:
        """Close the file."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


TSK_ERRORS = (OSError, RuntimeError)
"""What a TSK call raises when it cannot read: OSError for TSK's own errors, RuntimeError when
our `read` callback failed (pytsk3 re-raises it so; pyewf fails that way on an E01 set with a
segment missing). Either is a problem to record for that image, never a crash of the batch."""


class TskImage(pytsk3.Img_Info):  # type: ignore[misc]  # pytsk3 has no type information
    """An `Img_Info` whose reads are served by a Python `Media`."""

    def __init__(self, media: Media) -> None:
        self._media = media
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def close(self) -> None:
        """Close the media (TSK calls this too)."""
        self._media.close()

    def read(self, offset: int, size: int) -> bytes:
        """TSK's read callback."""
        return self._media.read(offset, size)

    def get_size(self) -> int:
        """TSK's size callback."""
        return self._media.size
