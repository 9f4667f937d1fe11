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
from collections.abc import Iterator, MutableSequence, Sequence
from dataclasses import replace
from typing import Any

from forensics.case import Case
from forensics.errors import EvidenceError
from forensics.intake.content_store import run_post_ingest, store_content
from forensics.intake.ewf import EWF_MIME, EwfMedia, segment_number
from forensics.intake.ewf_check import check_e01
from forensics.intake.folders import ensure_folder
from forensics.intake.image_records import entry_source, record_symlink
from forensics.intake.records import ContentSource, IngestOptions, IngestOutcome
from forensics.intake.rejections import record_rejection
from forensics.intake.tskimage import TSK_ERRORS, Media, RawMedia, TskImage
from forensics.intake.tskwalk import FsEntry, Volume, open_volumes, walk_volume
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.models import ContentState, Item
from forensics.store.custody import Action
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
    sink: MutableSequence[IngestOutcome] | None = None,
) -> MutableSequence[IngestOutcome]:
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
        One outcome per file inside, after those for the image item itself: the E01
        integrity check (its acquisition record, its stored hashes against the media), and
        the warning when no file system opens (both are also kept on the item).

    Raises:
        CancelledError: the token was cancelled.
    """
    out: MutableSequence[IngestOutcome] = [] if sink is None else sink
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
        if isinstance(media, EwfMedia):
            stored = [
                (s.name, case.evidence.open(s.sha256)) for s in (image, *segments) if s.sha256
            ]
            out.append(check_e01(case, image.id, media, stored, options, cancel, progress))
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
    volumes: Sequence[Volume],
    options: IngestOptions,
    cancel: CancelToken,
    progress: ProgressFn,
    outcomes: MutableSequence[IngestOutcome],
) -> None:
    entries: list[tuple[Volume, FsEntry]] = []
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
    # What an earlier (interrupted) expansion stored, by path and inode: found, not redone.
    present = {
        (c.fs_path_raw, c.attributes.get("fs_inode")): c for c in case.items.descendants(image.id)
    }
    # Item ids of the folders and files stored (or found) so far, by path: the parents of
    # what they hold and of their streams.
    stored: dict[bytes, str] = {}
    for volume in volumes:
        if volume.prefix:
            stored[volume.prefix] = _partition_folder(case, image, volume, options).id
    orphan_dirs: dict[bytes, tuple[Volume, FsEntry, str]] = {}
    total = sum(e.size for _, e in entries if e.kind != "folder")
    done = 0
    for volume, entry in entries:
        cancel.raise_if_cancelled()
        label = f"{image.name}:{escape_name(entry.path_raw)}"
        progress(done, total, label)
        parent_id = _parent(image, entry, stored)
        prior = present.get((entry.path_raw, entry.inode))
        if prior is not None:
            stored[entry.path_raw] = prior.id
            if entry.kind != "folder":
                finished = run_post_ingest(case, prior, options, cancel, label)
                outcomes.append(
                    IngestOutcome(
                        label,
                        "duplicate",
                        prior,
                        warnings=(f"already in the case as item {prior.id}", *finished),
                    )
                )
                done += entry.size
            continue
        if entry.kind == "folder" and entry.path_raw.endswith(b"/$OrphanFiles"):
            # TSK's virtual folder: made only when an orphan needs it.
            orphan_dirs[entry.path_raw] = (volume, entry, parent_id)
            continue
        if entry.kind == "nometa":
            outcomes.append(IngestOutcome(label, "skipped", warnings=(_NO_META,)))
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
        folder = entry.path_raw.rsplit(b"/", 1)[0]
        if entry.host is None and folder in orphan_dirs and folder not in stored:
            o_volume, o_entry, o_parent = orphan_dirs[folder]
            source = entry_source(o_volume, o_entry, decoders, with_state=False)
            stored[folder] = ensure_folder(case, source, options, parent_id=o_parent).id
            parent_id = stored[folder]
        if entry.kind == "folder":
            source = entry_source(volume, entry, decoders, with_state=False)
            stored[entry.path_raw] = ensure_folder(case, source, options, parent_id=parent_id).id
            continue
        source = entry_source(volume, entry, decoders, with_state=entry.kind == "file")
        if entry.kind == "symlink":
            outcomes.append(record_symlink(case, parent_id, source, entry, options, label))
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
            done = start + entry.size
            if not entry.deleted:
                outcomes.append(
                    record_rejection(
                        case,
                        options,
                        label,
                        f"cannot read inside the image ({exc})",
                        item_id=image.id,
                    )
                )
                continue
            # TSK cannot rebuild the deleted file's content (`icat` prints nothing either):
            # the name and metadata are still evidence, kept with no content.
            gone = replace(
                source,
                content_state=ContentState.NO_CONTENT,
                warnings=(*source.warnings, f"its content cannot be read ({_tsk_text(exc)})"),
            )
            outcome = store_content(
                case, iter(()), 0, gone, options, parent_id=parent_id, cancel=cancel
            )
        if outcome.item is not None:
            stored[entry.path_raw] = outcome.item.id
        outcomes.append(replace(outcome, path=label))
    with case.recording(options.examiner) as rec:
        rec.note(
            Action.DISK_IMAGE_EXPANDED,
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
                "files": sum(e.host is None and e.kind != "folder" for _, e in entries),
                "folders": sum(e.kind == "folder" for _, e in entries),
                "streams": sum(e.host is not None for _, e in entries),
                "rejected": sum(
                    outcomes[n].status == "rejected" for n in range(first, len(outcomes))
                ),
                "decoders": decoders,
            },
            reason=options.reason,
        )
    progress(total, total, image.name)


_NO_META = "deleted name whose metadata is gone: no content left to recover"


def _parent(image: Item, entry: FsEntry, stored: dict[bytes, str]) -> str:
    """The item a file or folder goes under: its stream's host, its folder, or the image."""
    if entry.host is not None:
        return stored.get(entry.host, image.id)
    folder = entry.path_raw.rsplit(b"/", 1)[0]
    return stored.get(folder, image.id)


def _partition_folder(case: Case, image: Item, volume: Volume, options: IngestOptions) -> Item:
    """A folder item per partition of a partitioned disk: its files keep apart from others'."""
    part = volume.partition
    name = f"{volume.prefix.decode('ascii').lstrip('/')} ({part.get('description', '')})"
    source = ContentSource(
        name=name,
        fs_path=volume.prefix.decode("ascii"),
        fs_path_raw=volume.prefix,
        attributes={"fs_type": volume.fs_type, "partition": part},
    )
    return ensure_folder(case, source, options, parent_id=image.id)


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


def _tsk_text(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.rsplit(": ", 1)[-1] if ": " in text else text or type(exc).__name__


def _no_file_system(case: Case, image: Item, options: IngestOptions, why: str) -> IngestOutcome:
    """Keep 'no file system' as a warning on the image item; the image itself stays."""
    warning = f"no file system could be opened in the image: {why}"
    with case.recording(options.examiner) as rec:
        current, updated = case.items.edited(image.id, {})
        if warning not in current.warnings:
            current, updated = case.items.edited(
                image.id, {"warnings": [*current.warnings, warning]}
            )
            rec.update(
                current,
                updated,
                Action.ITEM_EDITED,
                details={"changes": {"warnings": {"added": warning}}},
            )
        rec.note(
            Action.DISK_IMAGE_EXPANDED,
            item_id=image.id,
            details={"file_systems": [], "files": 0, "problem": warning},
            reason=options.reason,
        )
    return IngestOutcome(image.name, "ingested", updated, warnings=(warning,))
