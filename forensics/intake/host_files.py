"""Files on the examiner's machine: opened without following links, or recorded as links.

A host file is opened with O_NOFOLLOW (and O_NOATIME where allowed) so ingesting it neither
follows a link planted in the evidence nor changes the source's access time; a symlink is
recorded with its target and never followed. A file that changes while it is read (its size
or modification time differ after the copy, the read comes up short, or its name points at
another file by then) is rejected with the reason, never stored as if found that way.
"""

from __future__ import annotations

import errno
import os
import stat
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.intake.content_store import store_copy
from forensics.intake.copier import (
    Facts,
    Found,
    changed_while_read,
    found,
    lstat_or_none,
    open_source,
)
from forensics.intake.records import ContentSource, IngestOptions, IngestOutcome
from forensics.intake.rejections import record_rejection
from forensics.intake.walk import Entry, describe_symlink
from forensics.jobs import CancelToken
from forensics.models import Item, ItemKind
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.store.evidence import StoredBlob
from forensics.textsafe import escape_name


@dataclass(frozen=True)
class HostCopy:
    """A host file copied into the store's temporary folder, or why it was not."""

    tmp: Path | None = None
    blob: StoredBlob | None = None
    st: Found | None = None
    """Its size and times in the `fstat` of the open source before its first byte was
    read."""
    rejected: str | None = None
    """Why nothing was stored (the rejection's reason), or None."""

    def discard(self, case: Case) -> None:
        """Remove the copy (it will not be stored)."""
        if self.tmp is not None:
            case.evidence.discard(self.tmp)


def copy_host_file(
    case: Case,
    path: bytes,
    cancel: CancelToken,
    on_bytes: Callable[[int], None] | None,
    *,
    sync: bool,
) -> HostCopy:
    """Open one host file without following links and copy it into the store's `tmp/`.

    Records nothing: the caller records the item or the rejection, in the inputs' order (a
    copy may be made ahead, by another process: `CopyAhead`, whose facts `host_copy` judges
    by the same rules).

    Raises:
        CancelledError: `cancel` was set during the copy (nothing is left behind).
    """
    try:
        fd = open_source(path)
    except OSError as exc:
        return host_copy(case, ("open", exc.errno, exc.strerror), None)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return host_copy(case, ("special",), None)
        try:
            tmp, blob = case.evidence.copy_in_fd(fd, st.st_size, cancel, on_bytes, sync=sync)
        except OSError as exc:
            return host_copy(case, ("read", exc.strerror), None)
        # The path is looked at again while the file is open: its inode cannot be reused.
        problem = changed_while_read(st, os.fstat(fd), lstat_or_none(path), blob.size)
    finally:
        os.close(fd)
    if problem is not None:
        case.evidence.discard(tmp)
        return host_copy(case, ("changed", problem), None)
    facts = ("copied", found(st), blob.sha256, blob.md5, blob.size, blob.head)
    return host_copy(case, facts, tmp)


def host_copy(case: Case, facts: Facts, tmp: Path | None) -> HostCopy:
    """What a copy's facts (`copier.copy_one`'s) mean: the copy, or why it is rejected (no
    copy is left then)."""
    what = facts[0]
    if what == "copied":
        assert tmp is not None
        _, st, sha256, md5, size, head = facts
        return HostCopy(tmp, StoredBlob(sha256, md5, size, head), Found(*st))
    if what == "open":
        errno_, strerror = facts[1], facts[2]
        reason = "symlink; not followed" if errno_ == errno.ELOOP else f"cannot open ({strerror})"
        return HostCopy(rejected=reason)
    if what == "special":
        return HostCopy(rejected="not a regular file; not read")
    if what == "read":
        return HostCopy(rejected=f"read failed ({facts[1]})")
    assert what == "changed"
    return HostCopy(rejected=facts[1])


def ingest_host_file(
    case: Case,
    path: bytes,
    options: IngestOptions,
    cancel: CancelToken,
    on_bytes: Callable[[int], None],
    attributes: dict[str, Any] | None = None,
    *,
    copied: HostCopy | None = None,
    where: bytes | None = None,
    label: str | None = None,
) -> IngestOutcome:
    """Open one host file without following links, and store it.

    Args:
        copied: the file already copied (`copy_host_file`, ahead of this call); None: it
            is copied now.
        where: `path` made absolute, when the caller has it.
        label: `path` as shown (`escape_name`), when the caller has it.
    """
    label = escape_name(path) if label is None else label
    if copied is None:
        copied = copy_host_file(case, path, cancel, on_bytes, sync=options.batch is None)
    elif copied.blob is not None:
        on_bytes(copied.blob.size)
    if copied.rejected is not None:
        return record_rejection(case, options, label, copied.rejected)
    tmp, blob, st = copied.tmp, copied.blob, copied.st
    assert tmp is not None
    assert blob is not None
    assert st is not None
    where = os.path.abspath(path) if where is None else where
    source = ContentSource(
        name=escape_name(os.path.basename(path)),
        source_path=escape_name(where),
        source_path_raw=where,
        fs_mtime=(mtime := _ts(st.st_mtime)),
        fs_atime=mtime if st.st_atime == st.st_mtime else _ts(st.st_atime),
        fs_ctime=mtime if st.st_ctime == st.st_mtime else _ts(st.st_ctime),
        attributes=dict(attributes or {}),
    )
    try:
        return store_copy(
            case,
            lambda: (tmp, blob),
            st.st_size,
            source,
            options,
            parent_id=options.parent_id,
            cancel=cancel,
        )
    except OSError as exc:
        return record_rejection(case, options, label, f"read failed ({exc.strerror})")


def record_symlink(case: Case, entry: Entry, options: IngestOptions) -> IngestOutcome:
    """Record a symlink as an item with its target (not followed), logged in custody."""
    if options.batch is not None:
        options.batch.flush()  # the custody chain keeps the order the inputs came in
    actor = case.actor(options.examiner)
    label = escape_name(entry.path)
    try:
        target, warning = describe_symlink(entry.path, entry.root)
    except OSError as exc:
        return record_rejection(case, options, label, f"cannot read symlink ({exc.strerror})")
    item = Item(
        id=str(uuid.uuid4()),
        kind=ItemKind.SYMLINK,
        name=escape_name(os.path.basename(entry.path)),
        parent_id=options.parent_id,
        source_path=label,
        source_path_raw=os.path.abspath(entry.path),
        link_target=target,
        note=options.note,
        warnings=(warning,),
        created_at=utc_now(),
        created_by=actor,
    )
    case.insert_item(
        item,
        Action.INGESTED,
        details={"source_path": label, "symlink_target": target},
        reason=options.reason,
    )
    return IngestOutcome(label, "recorded", item, warnings=(warning,))


def _ts(value: float) -> str:
    return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
