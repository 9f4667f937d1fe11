"""What an entry of a disk image becomes: its source record (with what is known of a deleted
file's content) and, for a symlink, its item."""

from __future__ import annotations

import os
from typing import Any

from forensics.case import Case
from forensics.intake.allocation import content_state
from forensics.intake.records import ContentSource, IngestOptions, IngestOutcome, item_from_source
from forensics.intake.tskwalk import FsEntry, Volume
from forensics.models import ContentState, ItemKind, Recovery
from forensics.store.custody import Action
from forensics.textsafe import escape_name


def record_symlink(
    case: Case,
    parent_id: str,
    source: ContentSource,
    entry: FsEntry,
    options: IngestOptions,
    label: str,
) -> IngestOutcome:
    """A symlink inside the image as an item with its target (recorded, never followed)."""
    target = escape_name(entry.link) if entry.link else None
    warning = "symlink inside the image; recorded, not followed"
    item = item_from_source(
        source,
        kind=ItemKind.SYMLINK,
        parent_id=parent_id,
        actor=case.actor(options.examiner),
        note=options.note,
        warnings=(warning, *source.warnings),
        link_target=target,
    )
    case.insert_item(
        item,
        Action.INGESTED,
        details={"fs_path": source.fs_path, "symlink_target": target},
        reason=options.reason,
    )
    return IngestOutcome(label, "recorded", item, warnings=item.warnings)


def entry_source(
    volume: Volume, entry: FsEntry, decoders: dict[str, str], *, with_state: bool
) -> ContentSource:
    """What the walk found of an entry, for its item: path, times, deletion, what is known of
    its content (for a deleted file), and the warnings an examiner must read."""
    warnings: list[str] = []
    state = None
    if entry.deleted and with_state:
        state = (
            ContentState.REALLOCATED
            if entry.meta_reused
            else content_state(entry.file, entry.attr_id, entry.size, volume.blocks)
        )
        warnings.append(_STATE_WARNINGS[state])
        if volume.fs_type.startswith("FAT") and entry.size > 0:
            warnings.append(
                "FAT keeps no cluster chain for a deleted file: its content was read from "
                "consecutive free clusters from its first one, as TSK does; a fragmented "
                "file's later parts may be another file's"
            )
    elif entry.deleted:
        warnings.append("deleted in the file system")
    if entry.meta_reused:
        warnings.append(
            "the deleted name's metadata now belongs to another file: the content "
            "may not be this file's"
        )
    if entry.recovery == Recovery.ORPHAN:
        warnings.append(
            "orphan: no folder lists it any more (TSK's $OrphanFiles); its original "
            "folder and full name are unknown"
        )
    warnings.extend(entry.notes)
    attributes: dict[str, Any] = {
        "fs_inode": entry.inode,
        "fs_type": volume.fs_type,
        "decoders": decoders,
    }
    if volume.partition:
        attributes["partition"] = volume.partition
    if entry.host is not None:
        attributes["ntfs_stream"] = escape_name(entry.path_raw[len(entry.host) + 1 :])
        attributes["stream_of"] = escape_name(entry.host)
    return ContentSource(
        name=escape_name(os.path.basename(entry.path_raw)),
        fs_path=escape_name(entry.path_raw),
        fs_path_raw=entry.path_raw,
        fs_deleted=entry.deleted,
        fs_mtime=entry.mtime,
        fs_atime=entry.atime,
        fs_ctime=entry.ctime,
        fs_crtime=entry.crtime,
        recovery=entry.recovery,
        content_state=state,
        attributes=attributes,
        warnings=tuple(warnings),
    )


_STATE_WARNINGS: dict[str, str] = {
    ContentState.INTACT: (
        "deleted file: none of its blocks belongs to a live file or folder, so its "
        "content is what the deletion left (it may still have been overwritten by "
        "file-system structures that are not files)"
    ),
    ContentState.PARTLY_REALLOCATED: (
        "deleted file: some of its blocks now belong to live files, so parts of the "
        "recovered content are theirs"
    ),
    ContentState.REALLOCATED: (
        "deleted file: its blocks (or its metadata) now belong to something else; the "
        "recovered content is not this file's"
    ),
    ContentState.NO_CONTENT: (
        "deleted file: its metadata no longer locates any content (nothing to recover)"
    ),
}
