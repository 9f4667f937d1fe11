"""Files on the examiner's machine: opened without following links, or recorded as links.

A host file is opened with O_NOFOLLOW (and O_NOATIME where allowed) so ingesting it neither
follows a link planted in the evidence nor changes the source's access time; a symlink is
recorded with its target and never followed.
"""

from __future__ import annotations

import errno
import os
import stat
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from forensics.case import Case
from forensics.intake.content_store import store_copy
from forensics.intake.records import ContentSource, IngestOptions, IngestOutcome
from forensics.intake.rejections import record_rejection
from forensics.intake.walk import Entry, describe_symlink
from forensics.jobs import CancelToken
from forensics.models import Item, ItemKind
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.textsafe import escape_name


def ingest_host_file(
    case: Case,
    path: bytes,
    options: IngestOptions,
    cancel: CancelToken,
    on_bytes: Callable[[int], None],
    attributes: dict[str, Any] | None = None,
) -> IngestOutcome:
    """Open one host file without following links, and store it."""
    label = escape_name(path)
    try:
        fd = _open_source(path)
    except OSError as exc:
        reason = (
            "symlink; not followed" if exc.errno == errno.ELOOP else f"cannot open ({exc.strerror})"
        )
        return record_rejection(case, options, label, reason)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return record_rejection(case, options, label, "not a regular file; not read")
        source = ContentSource(
            name=escape_name(os.path.basename(path)),
            source_path=escape_name(os.path.abspath(path)),
            source_path_raw=os.path.abspath(path),
            fs_mtime=_ts(st.st_mtime),
            fs_atime=_ts(st.st_atime),
            fs_ctime=_ts(st.st_ctime),
            attributes=dict(attributes or {}),
        )

        try:
            return store_copy(
                case,
                lambda: case.evidence.copy_in_fd(fd, st.st_size, cancel, on_bytes),
                st.st_size,
                source,
                options,
                parent_id=options.parent_id,
                cancel=cancel,
            )
        except OSError as exc:
            return record_rejection(case, options, label, f"read failed ({exc.strerror})")
    finally:
        os.close(fd)


def _open_source(path: bytes) -> int:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        # O_NOATIME keeps even the access time of the source unchanged where allowed.
        return os.open(path, flags | os.O_NOATIME)
    except PermissionError:
        return os.open(path, flags)


def record_symlink(case: Case, entry: Entry, options: IngestOptions) -> IngestOutcome:
    """Record a symlink as an item with its target (not followed), logged in custody."""
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
