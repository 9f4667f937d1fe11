"""How much of a file is in the page cache, asked of the kernel (`mincore` on a mapping of
it), so a test can tell whether a write path leaves its copies cached."""

from __future__ import annotations

import ctypes
import mmap
import os
from pathlib import Path

import pytest


def resident_pages(path: Path) -> int:
    """The number of the file's pages in the page cache (mapping it reads none in)."""
    size = path.stat().st_size
    if size == 0:
        return 0
    libc = ctypes.CDLL(None, use_errno=True)
    pages = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
    vector = (ctypes.c_ubyte * pages)()
    with open(path, "rb") as fh:
        # A private mapping is writable for ctypes to take its address; nothing is written,
        # so every page stays the file's own page-cache page.
        mapped = mmap.mmap(fh.fileno(), size, access=mmap.ACCESS_COPY)
    try:
        start = ctypes.c_char.from_buffer(mapped)
        try:
            if libc.mincore(ctypes.c_void_p(ctypes.addressof(start)), size, vector) != 0:
                raise OSError(ctypes.get_errno(), "mincore failed", str(path))
        finally:
            del start
    finally:
        mapped.close()
    return sum(v & 1 for v in vector)


def require_droppable_cache(folder: Path) -> None:
    """Skip, with the reason, where the file system under `folder` keeps a synced file's
    pages when asked to drop them (tmpfs holds files only in the page cache)."""
    if not hasattr(os, "posix_fadvise"):
        pytest.skip("no posix_fadvise on this platform: pages cannot be dropped")
    probe = folder / "page-cache-probe"
    probe.write_bytes(os.urandom(1 << 16))
    fd = os.open(probe, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    kept = resident_pages(probe)
    probe.unlink()
    if kept:
        pytest.skip(f"the file system under {folder} keeps a synced file's pages (tmpfs?)")
