"""A case in a folder: its `case.db`, and the `.lock` file that says who may clean up.

The folder case's counterpart of `forensics.store.server`. Every process that opens a case
for writing holds a `flock` on `.lock`: exclusively for a moment when it is alone with the
case (then it recovers after a crashed process, `forensics.store.recovery`), shared for as
long as the case is open. A read-only opening takes no lock (the media may refuse the file).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import TYPE_CHECKING

from forensics.store.db import (
    check_not_newer,
    connect,
    folder_writable,
    is_behind,
    migrate,
    migrated_copy,
)

if TYPE_CHECKING:
    from forensics.store.database import Database

CASE_DB = "case.db"
LOCK_FILE = ".lock"


def is_writable(root: Path) -> bool:
    """True when the case's folder and database can be written (False on read-only media:
    a write-blocker, a DVD, a read-only share)."""
    return folder_writable(Path(root))


def is_case(root: Path) -> bool:
    """True when the folder looks like a case (holds `case.db`)."""
    return (root / CASE_DB).is_file()


def open_folder_case(root: Path, *, readonly: bool) -> tuple[Database, int | None, bool]:
    """A folder case's database (migrated forward, or a migrated copy when read-only), its
    lock's descriptor (None when read-only) and whether this process is alone with the case
    (it then holds the lock exclusively: recover, then `lock_shared`)."""
    lock_fd = None
    exclusive = False
    if not readonly:
        lock_fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            exclusive = True
        except BlockingIOError:
            fcntl.flock(lock_fd, fcntl.LOCK_SH)
    db = connect(root / CASE_DB, readonly=readonly)
    try:
        if readonly:
            check_not_newer(db, root)
            if is_behind(db):
                db = migrated_copy(db, root / CASE_DB)
        else:
            migrate(db, root)
    except BaseException:
        db.close()
        if lock_fd is not None:
            os.close(lock_fd)
        raise
    return db, lock_fd, exclusive


def lock_shared(lock_fd: int) -> None:
    """Hold the case lock shared for as long as the case is open (after recovering)."""
    fcntl.flock(lock_fd, fcntl.LOCK_SH)
