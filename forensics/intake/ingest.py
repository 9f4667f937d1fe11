"""Ingest: copy evidence into the case store with hashes and a custody record per file.

Each input file is read exactly once: the bytes go to the store's temporary file while sha256
and md5 are computed. The copy is fsynced and renamed into place before the item row and its
custody entry commit together, so an interrupted ingest leaves either a whole item or nothing.
One bad file never stops the batch: it becomes a rejected outcome with a reason, logged in the
custody chain, and the next file goes on.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.errors import CancelledError, NotFoundError
from forensics.intake.names import name_warnings
from forensics.intake.records import (
    ContentSource,
    IngestOptions,
    IngestOutcome,
    IngestReport,
    PostIngest,
)
from forensics.intake.sniff import extension_mismatch, is_disk_image, sniff
from forensics.intake.walk import Entry, describe_symlink, walk_inputs
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.models import Item, ItemKind
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.store.evidence import StoredBlob
from forensics.store.items import item_record
from forensics.textsafe import escape_name

log = logging.getLogger(__name__)

ARCHIVE_TYPES = frozenset({"application/zip", "application/gzip", "application/x-7z-compressed"})

__all__ = [
    "ContentSource",
    "IngestOptions",
    "IngestOutcome",
    "IngestReport",
    "PostIngest",
    "ingest_paths",
    "record_rejection",
    "resolve_parent",
    "store_content",
]


def ingest_paths(
    case: Case,
    paths: Iterable[str | bytes | os.PathLike[str]],
    options: IngestOptions | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> IngestReport:
    """Ingest files, folders and disk images into a case.

    Args:
        case: the open case.
        paths: files or folders; folders are walked, links are recorded and not followed.
        options: parent, examiner, note, post-ingest work.
        progress: called with bytes done, bytes in total, and the current file.
        cancel: stops after the current chunk; the file in progress leaves nothing behind.

    Returns:
        One outcome per input file, in order.

    Raises:
        NotFoundError: the parent item does not exist.
    """
    options = options or IngestOptions()
    cancel = cancel or CancelToken()
    if options.parent_id is not None:
        case.items.get(options.parent_id)
    raw_paths = [os.fsencode(p) for p in paths]
    entries = list(walk_inputs(raw_paths))
    total = sum(e.size for e in entries)
    done = 0
    report = IngestReport()
    consumed: set[bytes] = set()
    for entry in entries:
        if cancel.cancelled:
            report.cancelled = True
            break
        if os.path.abspath(entry.path) in consumed:
            continue  # an E01 segment already ingested with its first segment
        label = escape_name(entry.path)
        progress(done, total, label)

        def on_bytes(n: int, _label: str = label) -> None:
            nonlocal done
            done += n
            progress(done, total, _label)

        try:
            # Outcomes go straight into the report: an interruption keeps what finished.
            _ingest_entry(
                case, entry, options, cancel, on_bytes, progress, consumed, report.outcomes
            )
        except CancelledError:
            report.cancelled = True
            break
    if report.cancelled:
        log.info("ingest cancelled after %d outcomes", len(report.outcomes))
    progress(done, total, "done")
    return report


def _ingest_entry(
    case: Case,
    entry: Entry,
    options: IngestOptions,
    cancel: CancelToken,
    on_bytes: Callable[[int], None],
    progress: ProgressFn,
    consumed: set[bytes],
    sink: list[IngestOutcome],
) -> None:
    label = escape_name(entry.path)
    if entry.kind in ("error", "special"):
        sink.append(_reject(case, options, label, entry.reason or "cannot be read"))
        return
    if entry.kind == "symlink":
        sink.append(_record_symlink(case, entry, options))
        return
    if entry.kind == "empty":
        sink.append(IngestOutcome(label, "skipped", warnings=(entry.reason or "empty folder",)))
        return
    consumed.add(os.path.abspath(entry.path))
    outcome = _ingest_host_file(case, entry.path, options, cancel, on_bytes)
    sink.append(outcome)
    index = len(sink) - 1
    item = outcome.item
    if (
        outcome.status not in ("ingested", "duplicate")
        or item is None
        or item.mime is None
        or not is_disk_image(item.mime)
        or not options.expand_disk_images
    ):
        return
    from forensics.intake.diskimage import expand_disk_image, is_expanded
    from forensics.intake.ewf import (
        EWF_MIME,
        FIRST_SEGMENT_ATTR,
        SEGMENT_ATTR,
        segment_number,
        sibling_segments,
    )

    segments: list[Item] = []
    if item.mime == EWF_MIME and segment_number(_stored_head(case, item)) == 1:
        for number, path in enumerate(sibling_segments(entry.path), start=2):
            if os.path.abspath(path) in consumed:
                continue
            consumed.add(os.path.abspath(path))
            seg = _ingest_host_file(
                case,
                path,
                options,
                cancel,
                on_bytes,
                attributes={FIRST_SEGMENT_ATTR: item.id, SEGMENT_ATTR: number},
            )
            sink.append(seg)
            if seg.item is not None:
                segments.append(seg.item)
    if outcome.status == "duplicate" and is_expanded(case, item.id):
        return
    inside: list[IngestOutcome] = []
    try:
        expand_disk_image(
            case,
            item,
            options,
            cancel=cancel,
            progress=progress,
            segments=segments,
            sink=inside,
        )
    finally:
        if inside and inside[0].item is not None and inside[0].item.id == item.id:
            # No file system opened: the warning belongs to the image's own outcome.
            sink[index] = replace(
                outcome, item=inside[0].item, warnings=outcome.warnings + inside[0].warnings
            )
            inside = inside[1:]
        sink.extend(inside)


def _stored_head(case: Case, item: Item) -> bytes:
    if item.sha256 is None:
        return b""
    with open(case.evidence.open(item.sha256), "rb") as f:
        return f.read(16)


def _ingest_host_file(
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
        return _reject(case, options, label, reason)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return _reject(case, options, label, "not a regular file; not read")
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
            return _store(
                case,
                lambda: case.evidence.copy_in_fd(fd, st.st_size, cancel, on_bytes),
                st.st_size,
                source,
                options,
                parent_id=options.parent_id,
                cancel=cancel,
            )
        except OSError as exc:
            return _reject(case, options, label, f"read failed ({exc.strerror})")
    finally:
        os.close(fd)


def _open_source(path: bytes) -> int:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        # O_NOATIME keeps even the access time of the source unchanged where allowed.
        return os.open(path, flags | os.O_NOATIME)
    except PermissionError:
        return os.open(path, flags)


def store_content(
    case: Case,
    chunks: Iterable[bytes],
    size_hint: int,
    source: ContentSource,
    options: IngestOptions,
    *,
    parent_id: str | None,
    kind: str | None = None,
    cancel: CancelToken | None = None,
) -> IngestOutcome:
    """Copy one piece of content into the store and commit its item and custody entry.

    Used for files inside disk images (host files take a faster path to the same end).

    Returns:
        "ingested", or "duplicate" when this very source was ingested before.
    """
    return _store(
        case,
        lambda: case.evidence.copy_in(chunks, size_hint),
        size_hint,
        source,
        options,
        parent_id=parent_id,
        kind=kind,
        cancel=cancel,
    )


def _store(
    case: Case,
    copy: Callable[[], tuple[Path, StoredBlob]],
    size_hint: int,
    source: ContentSource,
    options: IngestOptions,
    *,
    parent_id: str | None,
    kind: str | None = None,
    cancel: CancelToken | None = None,
) -> IngestOutcome:
    actor = case.actor(options.examiner)
    label = source.source_path or source.fs_path or source.name
    tmp, blob = copy()
    mime = sniff(blob.head, blob.size)
    warnings: list[str] = list(source.warnings)
    if blob.size == 0:
        warnings.append("empty file (0 bytes)")
    elif extension_mismatch(source.name, mime):
        warnings.append(f"the name's extension does not match the content, which is {mime}")
    raw_path = source.fs_path_raw or source.source_path_raw
    if raw_path is not None:
        warnings.extend(name_warnings(os.path.basename(raw_path)))
    if mime in ARCHIVE_TYPES:
        warnings.append("an archive: stored as one file, its contents were not extracted")
    if blob.size != size_hint and size_hint:
        warnings.append(
            f"read {blob.size} bytes where {size_hint} were expected: the file "
            "changed while it was read, or could not be read in full"
        )
    duplicate = case.items.find_duplicate(
        blob.sha256, source.source_path_raw, source.fs_path_raw, parent_id
    )
    if duplicate is not None:
        case.evidence.discard(tmp)
        with case.transaction():
            case.custody.append(
                Action.INGEST_DUPLICATE,
                actor,
                item_id=duplicate.id,
                details={"source_path": label, "sha256": blob.sha256},
                reason=options.reason,
            )
        return IngestOutcome(
            label, "duplicate", duplicate, warnings=(f"already in the case as item {duplicate.id}",)
        )
    item_kind = kind or (ItemKind.DISK_IMAGE if is_disk_image(mime) else ItemKind.FILE)
    item = Item(
        id=str(uuid.uuid4()),
        kind=item_kind,
        name=source.name,
        parent_id=parent_id,
        sha256=blob.sha256,
        md5=blob.md5,
        size=blob.size,
        mime=mime,
        source_path=source.source_path,
        source_path_raw=source.source_path_raw,
        note=options.note,
        fs_path=source.fs_path,
        fs_path_raw=source.fs_path_raw,
        fs_deleted=source.fs_deleted,
        fs_mtime=source.fs_mtime,
        fs_atime=source.fs_atime,
        fs_ctime=source.fs_ctime,
        fs_crtime=source.fs_crtime,
        attributes=dict(source.attributes),
        warnings=tuple(warnings),
        created_at=utc_now(),
        created_by=actor,
    )
    case.evidence.commit_blob(tmp, blob.sha256)
    try:
        with case.transaction():
            case.items.insert(item)
            case.custody.append(
                Action.INGESTED,
                actor,
                item_id=item.id,
                record=item_record(item),
                details={
                    "source_path": label,
                    "sha256": blob.sha256,
                    "md5": blob.md5,
                    "size": blob.size,
                    "mime": mime,
                    "note": options.note,
                },
                reason=options.reason,
            )
    finally:
        case.evidence.clear_marker(blob.sha256)
    extra: list[str] = []
    for step in options.post_ingest:
        try:
            extra.extend(step(case, item, cancel or CancelToken()))
        except CancelledError:
            raise
        except Exception as exc:  # one extractor failing must not lose the ingested item
            log.exception("post-ingest step failed on %s", label)
            extra.append(f"post-ingest step failed: {exc}")
    return IngestOutcome(label, "ingested", item, warnings=tuple(warnings + extra))


def _record_symlink(case: Case, entry: Entry, options: IngestOptions) -> IngestOutcome:
    actor = case.actor(options.examiner)
    label = escape_name(entry.path)
    try:
        target, warning = describe_symlink(entry.path, entry.root)
    except OSError as exc:
        return _reject(case, options, label, f"cannot read symlink ({exc.strerror})")
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
    with case.transaction():
        case.items.insert(item)
        case.custody.append(
            Action.INGESTED,
            actor,
            item_id=item.id,
            record=item_record(item),
            details={"source_path": label, "symlink_target": target},
            reason=options.reason,
        )
    return IngestOutcome(label, "recorded", item, warnings=(warning,))


def record_rejection(
    case: Case, options: IngestOptions, label: str, reason: str, *, item_id: str | None = None
) -> IngestOutcome:
    """Log an input that could not be ingested, and return its rejected outcome.

    Args:
        case: the open case.
        options: who is ingesting, and why.
        label: the input, escaped for display.
        reason: why it was rejected, as a plain sentence.
        item_id: the item the input belongs to (the image a file inside came from).
    """
    actor = case.actor(options.examiner)
    with case.transaction():
        case.custody.append(
            Action.INGEST_REJECTED,
            actor,
            item_id=item_id,
            details={"source_path": label, "reason": reason},
            reason=options.reason,
        )
    return IngestOutcome(label, "rejected", reason=reason)


def _reject(case: Case, options: IngestOptions, label: str, reason: str) -> IngestOutcome:
    return record_rejection(case, options, label, reason)


def _ts(value: float) -> str:
    return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def resolve_parent(case: Case, parent: str | None) -> str | None:
    """Accept a full id or a unique prefix of one for `--parent`."""
    if parent is None:
        return None
    try:
        return case.items.get(parent).id
    except NotFoundError:
        return case.items.resolve_prefix(parent)
