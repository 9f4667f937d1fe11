"""Making many files durable at once: one file-system sync instead of an fsync per file.

On ext4 and most journalling file systems each `fsync` forces a journal commit and a cache
flush of the disk: on a card of 5,000 photos, three of them per file (the copy, the marker's
folder, the evidence folder) took longer than copying and hashing. `syncfs` writes back every
dirty file of the file system and commits the journal once. Where the C library has no
`syncfs` (not Linux), each file and folder is fsynced as before.

The C library is looked up at the first sync, not at import: `ctypes` and `ctypes.util`
(which brings `subprocess`) cost ~5 ms, and every case opening imports this module (the
GUI's start included).
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterable
from pathlib import Path


@functools.cache
def _load_syncfs() -> object | None:
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None
    return getattr(libc, "syncfs", None)


def sync_all(anchor: Path, files: Iterable[Path] = (), folders: Iterable[Path] = ()) -> None:
    """Make the contents of `files` and the entries of `folders` durable.

    Args:
        anchor: any folder on the same file system (where `syncfs` applies).
        files: files written without fsync.
        folders: folders whose entries changed (new files, renames).

    Raises:
        OSError: the sync failed (the data may not be on disk).
    """
    syncfs = _load_syncfs()
    if syncfs is not None:
        fd = os.open(anchor, os.O_RDONLY | os.O_DIRECTORY)
        try:
            if syncfs(fd) == 0:  # type: ignore[operator]
                return
            import ctypes

            err = ctypes.get_errno()
        finally:
            os.close(fd)
        raise OSError(err, f"syncfs failed: {os.strerror(err)}", str(anchor))
    for path in files:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for folder in dict.fromkeys(folders):
        with contextlib.suppress(OSError):  # some file systems refuse fsync on a folder
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
