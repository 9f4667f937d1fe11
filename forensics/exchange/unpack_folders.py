"""The working folders of unpacks: each locked while its unpack runs, swept once left over.

An unpack extracts into `.<dest>.unpack-*` beside DEST and holds an `flock` on its `.lock`
file for the whole run; a folder whose lock is free was left by an unpack that was killed
(Ctrl-C is handled by the unpack itself, which removes its folder), and the next unpack into
that parent removes it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import time
from pathlib import Path

log = logging.getLogger(__name__)

_STALE_AFTER = 600.0
"""Seconds after which an unlocked unpack folder (its lock never made) counts as left over."""


def lock_path(folder: Path) -> Path:
    return folder.with_name(folder.name + ".lock")


def lock(folder: Path) -> int:
    fd = os.open(lock_path(folder), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def unlock(folder: Path, fd: int) -> None:
    lock_path(folder).unlink(missing_ok=True)
    os.close(fd)


def sweep_stale_unpacks(parent: Path) -> list[Path]:
    """Remove the working folders that killed unpacks left in `parent` (`.<dest>.unpack-*`).

    A folder whose lock an unpack still holds is running and kept; one whose lock is free is
    left over and removed with its lock file.

    Returns:
        The folders removed.
    """
    removed: list[Path] = []
    for folder in sorted(parent.glob(".*.unpack-*")):
        if folder.name.endswith(".lock") or folder.is_symlink() or not folder.is_dir():
            continue
        lock = lock_path(folder)
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:
            try:
                age = time.time() - folder.stat().st_mtime
            except OSError:
                continue
            if age > _STALE_AFTER:  # made, never locked: an unpack killed at its very start
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # an unpack is running there
        try:
            shutil.rmtree(folder, ignore_errors=True)
            lock.unlink(missing_ok=True)
            removed.append(folder)
            log.warning("removed %s, left by an unpack that was stopped", folder)
        finally:
            os.close(fd)
    return removed
