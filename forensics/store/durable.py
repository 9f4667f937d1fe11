"""Making many files durable at once: one file-system sync instead of an fsync per file.

On ext4 and most journalling file systems each `fsync` forces a journal commit and a cache
flush of the disk: on a card of 5,000 photos, three of them per file (the copy, the marker's
folder, the evidence folder) took longer than copying and hashing. `syncfs` writes back every
dirty file of the file system and commits the journal once. Where the C library has no
`syncfs` (not Linux), each file and folder is fsynced as before.

The C library is looked up at the first sync, not at import: `ctypes` and `ctypes.util`
(which brings `subprocess`) cost ~5 ms, and every case opening imports this module (the
GUI's start included).

`BlobMoves` is the second half of committing a batch of blobs (`EvidenceStore.claim_blobs`
makes the first): plain paths and the standard library only, so the ingest's copying
process (`intake/copier.py`) runs it, beside the process recording the items.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

READ_ONLY = 0o444
"""The mode of a stored blob."""


@functools.cache
def _load_syncfs() -> object | None:
    """The C library's `syncfs`, or None. Looked up first among the symbols the process
    already has (the C library is loaded in every CPython process): `ctypes.util.find_library`
    imports `subprocess`, `re` and `tempfile` and may run `ldconfig`, 9-21 ms in the
    ingest's copier (`intake/copier.py`) at its first batch's moves, against 0.05."""
    import ctypes

    with contextlib.suppress(OSError):
        found: object | None = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
        if found is not None:
            return found
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


@dataclass(frozen=True)
class BlobMoves:
    """What is left of committing a batch of blobs once its in-flight marker is written:
    make the copies and the marker durable, rename each copy into place (read-only, its
    folders made), and make the renames durable (see `EvidenceStore.commit_blobs`).

    Attributes:
        anchor: the store's `tmp/` (the copies' folder, on the store's file system).
        durable: the files to make durable before any rename (the marker, the copies).
        moves: (copy, its place) pairs.
        keep_cached: leave the copies' pages in the page cache once they are durable.
            False when nothing will read them soon (an ingest without extraction): they
            are dropped (`POSIX_FADV_DONTNEED`), so a card's copies do not push the
            examiner's working set out of memory, and the next batch's copies reuse the
            pages just freed. Taking new pages instead was most of the copying's CPU on a
            machine whose memory is filled or handed back to its host (`docs/benchmarks.md`,
            session 8: copying 5,020 photos, 1.1-1.3 s of CPU against 0.45 s).
    """

    anchor: str
    durable: tuple[str, ...] = ()
    moves: tuple[tuple[str, str], ...] = ()
    keep_cached: bool = True

    def run(self) -> None:
        """Do it. Safe to run again after an interruption: a copy already moved is skipped.

        Raises:
            OSError: a sync, a folder or a rename failed (some copies may be in place).
        """
        if not self.moves:
            return
        anchor = Path(self.anchor)
        sync_all(anchor, [Path(p) for p in self.durable], [anchor])
        made: dict[str, None] = {}
        for tmp, final in self.moves:
            folder = os.path.dirname(final)
            if folder not in made:
                _make_folder(folder)
                made[folder] = None
            try:
                mode = os.stat(tmp).st_mode if self.keep_cached else _mode_uncached(tmp)
            except FileNotFoundError:
                if os.path.isfile(final):
                    continue  # moved by the run that was interrupted
                raise
            if stat.S_IMODE(mode) != READ_ONLY:
                os.chmod(tmp, READ_ONLY)
            os.replace(tmp, final)
        sync_all(anchor, (), [Path(f) for f in made])


def _mode_uncached(path: str) -> int:
    """The mode of a durable file, its pages dropped from the page cache (clean pages go at
    once; where the platform has no `posix_fadvise` they stay)."""
    if not hasattr(os, "posix_fadvise"):
        return os.stat(path).st_mode
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        return os.fstat(fd).st_mode
    finally:
        os.close(fd)


def _make_folder(folder: str) -> None:
    """`os.makedirs(folder, exist_ok=True)` for a shard folder, in one `mkdir` when its
    parent exists (almost always): `makedirs` first looked the parent up, a system call and
    ~10 us of Python for each blob of a card, nearly every one in a folder of its own."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
