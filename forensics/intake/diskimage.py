"""Opening disk and memory-card images (raw and E01) and ingesting the files inside.

Every file inside the image, deleted ones included, becomes a child item of the image item,
hashed and stored like any other file, with its path inside the image, its deleted flag and its
file-system timestamps (UTC). On a partitioned disk (MBR or GPT) the path starts with
`/p<address>`, TSK's address of the partition as `mmls` lists it (so `icat -o` reproduces a
read); the partition's own number in its table, its name and start sector are kept in the
item's `partition` attribute. An NTFS named stream (alternate data stream) becomes an item of
its own, `file:stream`, whose parent is the file's item. What is walked and what is left out
(TSK's virtual `$MBR`/`$FAT` files, NTFS's `$MFT`...) is explained in `tskwalk` and `ntfs`.

The expansion is resumable: it writes a `disk_image_expanded` custody entry only once every
file was handled, and a later ingest of the same image (which finds the image already in the
case) expands it again, skipping the children already present. So an expansion cut short by
Ctrl-C or a crash is completed by running the same ingest again.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from forensics.case import Case
from forensics.errors import EvidenceError
from forensics.intake.content_store import store_content
from forensics.intake.ewf import EWF_MIME, EwfMedia, segment_number
from forensics.intake.records import ContentSource, IngestOptions, IngestOutcome
from forensics.intake.rejections import record_rejection
from forensics.intake.tskwalk import (
    TSK_ERRORS,
    FsEntry,
    Media,
    RawMedia,
    TskImage,
    open_volumes,
    walk_volume,
)
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.models import Item, ItemKind
from forensics.records.core import ITEM
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.store.evidence import CHUNK
from forensics.textsafe import escape_name
from forensics.versions import stamp

log = logging.getLogger(__name__)


def is_expanded(case: Case, image_id: str) -> bool:
    """True once an expansion of this image ran to its end."""
    return any(
        e.action == Action.DISK_IMAGE_EXPANDED for e in case.custody.entries(item_id=image_id)
    )


def expand_disk_image(
    case: Case,
    image: Item,
    options: IngestOptions,
    *,
    cancel: CancelToken,
    progress: ProgressFn = no_progress,
    segments: Sequence[Item] = (),
    sink: list[IngestOutcome] | None = None,
) -> list[IngestOutcome]:
    """Ingest every file inside a disk image as a child item of the image.

    Args:
        case: the open case.
        image: the image item (its content is read from the evidence store).
        options: examiner, note and post-ingest work for the children.
        cancel: checked per chunk; what finished stays.
        progress: bytes done, bytes in total, and the file in progress.
        segments: for an E01 set, the items of its later segments (`.E02`...).
        sink: the list to append outcomes to as they happen (so an interruption keeps
            the outcomes of what finished); a new list when None.

    Returns:
        One outcome per file inside. When no file system opens, a single outcome for the
        image item itself carrying the warning (the warning is also kept on the item).

    Raises:
        CancelledError: the token was cancelled.
    """
    out: list[IngestOutcome] = [] if sink is None else sink
    if image.sha256 is None:
        return out
    if image.mime == EWF_MIME:
        with open(case.evidence.open(image.sha256), "rb") as f:
            number = segment_number(f.read(16))
        if number is not None and number != 1:
            log.info("%s: EWF segment %d is expanded with its first segment", image.id, number)
            return out
    try:
        media = _open_media(case, image, segments)
    except (EvidenceError, OSError) as exc:
        out.append(_no_file_system(case, image, options, str(exc)))
        return out
    img = TskImage(media)
    try:
        volumes, problems = open_volumes(img, image.mime or "")
        if not volumes:
            out.append(_no_file_system(case, image, options, "; ".join(problems)))
            return out
        _expand(case, image, volumes, options, cancel, progress, out)
        return out
    finally:
        img.close()


def _open_media(case: Case, image: Item, segments: Sequence[Item]) -> Media:
    assert image.sha256 is not None
    if image.mime == EWF_MIME:
        paths = [case.evidence.open(image.sha256)]
        paths += [case.evidence.open(s.sha256) for s in segments if s.sha256]
        return EwfMedia(paths)
    return RawMedia(case.evidence.open(image.sha256))


def _expand(
    case: Case,
    image: Item,
    volumes: Sequence[Any],
    options: IngestOptions,
    cancel: CancelToken,
    progress: ProgressFn,
    outcomes: list[IngestOutcome],
) -> None:
    entries: list[tuple[Any, FsEntry]] = []
    first = len(outcomes)
    decoders = image_decoders(image)
    for volume in volumes:
        for entry in walk_volume(volume, cancel):
            if isinstance(entry, str):
                outcomes.append(
                    record_rejection(
                        case,
                        options,
                        f"{image.name}:{entry}",
                        "folder inside the image not walked",
                        item_id=image.id,
                    )
                )
            else:
                entries.append((volume, entry))
    present = {image.id: _present(case, image.id)}
    # Item ids of the files stored (or found) so far, by path: the parents of their streams.
    stored: dict[bytes, str] = {}
    total = sum(e.size for _, e in entries)
    done = 0
    for volume, entry in entries:
        cancel.raise_if_cancelled()
        label = f"{image.name}:{escape_name(entry.path_raw)}"
        progress(done, total, label)
        parent_id = image.id
        if entry.host is not None and entry.host in stored:
            parent_id = stored[entry.host]
            if parent_id not in present:
                present[parent_id] = _present(case, parent_id)
        prior = present[parent_id].get((entry.path_raw, entry.inode))
        if prior is not None:
            stored[entry.path_raw] = prior.id
            outcomes.append(
                IngestOutcome(
                    label, "duplicate", prior, warnings=(f"already in the case as item {prior.id}",)
                )
            )
            done += entry.size
            continue
        if entry.kind == "nometa":
            outcomes.append(
                IngestOutcome(
                    label,
                    "skipped",
                    warnings=("deleted name whose metadata is gone: no content left to recover",),
                )
            )
            continue
        if entry.kind == "other":
            outcomes.append(
                IngestOutcome(
                    label,
                    "skipped",
                    warnings=(
                        "not a regular file (device, FIFO or socket) inside the image; not read",
                    ),
                )
            )
            continue
        source = _source(volume, entry, decoders)
        if entry.kind == "symlink":
            outcomes.append(_record_symlink(case, image, source, entry, options, label))
            continue
        start = done

        def on_bytes(n: int, _label: str = label) -> None:
            nonlocal done
            done += n
            progress(done, total, _label)

        try:
            outcome = store_content(
                case,
                _read(entry, cancel, on_bytes),
                entry.size,
                source,
                options,
                parent_id=parent_id,
                cancel=cancel,
            )
        except TSK_ERRORS as exc:
            outcomes.append(
                record_rejection(
                    case, options, label, f"cannot read inside the image ({exc})", item_id=image.id
                )
            )
            done = start + entry.size
            continue
        if outcome.item is not None:
            stored[entry.path_raw] = outcome.item.id
        outcomes.append(replace(outcome, path=label))
    with case.transaction():
        case.custody.append(
            Action.DISK_IMAGE_EXPANDED,
            case.actor(options.examiner),
            item_id=image.id,
            details={
                "file_systems": [
                    {
                        "path_prefix": v.prefix.decode("ascii"),
                        "type": v.fs_type,
                        "offset": v.offset,
                        "partition": v.partition,
                    }
                    for v in volumes
                ],
                "files": sum(e.host is None for _, e in entries),
                "streams": sum(e.host is not None for _, e in entries),
                "rejected": sum(o.status == "rejected" for o in outcomes[first:]),
                "decoders": decoders,
            },
            reason=options.reason,
        )
    progress(total, total, image.name)


def _present(case: Case, parent_id: str) -> dict[tuple[bytes | None, Any], Item]:
    """The children an earlier (interrupted) expansion stored under a parent, by path and inode."""
    return {
        (c.fs_path_raw, c.attributes.get("fs_inode")): c for c in case.items.children(parent_id)
    }


def _read(entry: FsEntry, cancel: CancelToken, on_bytes: Any) -> Iterator[bytes]:
    """A file's content from TSK, one chunk at a time, checking `cancel` per chunk."""
    offset = 0
    while offset < entry.size:
        cancel.raise_if_cancelled()
        data = entry.read(offset, min(CHUNK, entry.size - offset))
        if not data:
            return
        offset += len(data)
        on_bytes(len(data))
        yield data


def image_decoders(image: Item) -> dict[str, str]:
    """The versions of what reads the files inside this image: TSK, and libewf for E01."""
    keys = ("pytsk3", "tsk") + (("libewf-python", "libewf") if image.mime == EWF_MIME else ())
    return stamp(*keys)


def _source(volume: Any, entry: FsEntry, decoders: dict[str, str]) -> ContentSource:
    warnings: list[str] = []
    if entry.deleted:
        warnings.append(
            "deleted file: its content was recovered from unallocated space and "
            "may be overwritten in part"
        )
    if entry.meta_reused:
        warnings.append(
            "the deleted name's metadata now belongs to another file: the content "
            "may not be this file's"
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
        attributes=attributes,
        warnings=tuple(warnings),
    )


def _record_symlink(
    case: Case,
    image: Item,
    source: ContentSource,
    entry: FsEntry,
    options: IngestOptions,
    label: str,
) -> IngestOutcome:
    actor = case.actor(options.examiner)
    target = escape_name(entry.link) if entry.link else None
    warning = "symlink inside the image; recorded, not followed"
    item = Item(
        id=str(uuid.uuid4()),
        kind=ItemKind.SYMLINK,
        name=source.name,
        parent_id=image.id,
        fs_path=source.fs_path,
        fs_path_raw=source.fs_path_raw,
        fs_deleted=source.fs_deleted,
        fs_mtime=source.fs_mtime,
        fs_atime=source.fs_atime,
        fs_ctime=source.fs_ctime,
        fs_crtime=source.fs_crtime,
        link_target=target,
        note=options.note,
        attributes=dict(source.attributes),
        warnings=(warning, *source.warnings),
        created_at=utc_now(),
        created_by=actor,
    )
    case.insert_item(
        item,
        Action.INGESTED,
        details={"fs_path": source.fs_path, "symlink_target": target},
        reason=options.reason,
    )
    return IngestOutcome(label, "recorded", item, warnings=item.warnings)


def _no_file_system(case: Case, image: Item, options: IngestOptions, why: str) -> IngestOutcome:
    """Keep 'no file system' as a warning on the image item; the image itself stays."""
    warning = f"no file system could be opened in the image: {why}"
    actor = case.actor(options.examiner)
    with case.transaction():
        current = case.items.get(image.id)
        updated = current
        if warning not in current.warnings:
            updated = case.items.update(image.id, {"warnings": [*current.warnings, warning]})
            case.custody.append(
                Action.ITEM_EDITED,
                actor,
                item_id=image.id,
                record=ITEM.state(updated),
                details={"changes": {"warnings": {"added": warning}}},
            )
        case.custody.append(
            Action.DISK_IMAGE_EXPANDED,
            actor,
            item_id=image.id,
            details={"file_systems": [], "files": 0, "problem": warning},
            reason=options.reason,
        )
    return IngestOutcome(image.name, "ingested", updated, warnings=(warning,))
