"""Opening the file systems of a disk image with The Sleuth Kit (`pytsk3`) and walking every
folder and file inside (the image's bytes reach TSK through `tskimage`).

What the walk yields, and why:
- every folder (before what it holds, so its item can be their parent), regular file and
  symlink, allocated or deleted: deleted files are often what an examiner is after. That
  includes a deleted folder and what it still lists, and TSK's `$OrphanFiles`: metadata that
  no folder names any more (the files of a deleted folder whose own listing was overwritten);
- never `.` / `..`, and never TSK's *virtual files* (`$MBR`, `$FAT1`, `$FAT2`): they only
  re-expose file-system structures whose bytes are already in the image item itself, so
  storing them again would add nothing but noise;
- nor the FAT volume-label entry, which is a name without content;
- a name TSK lists without its metadata loaded is paired with the metadata entry it points
  at (`fls` and `icat` read that entry too; on NTFS only when the freed record proves it is
  this file's); a name whose metadata cannot be read at all is yielded with kind "nometa" so
  the caller can say it was seen but cannot be read.

On NTFS (see `ntfs`): the file system's own files in the root (`$MFT`, `$LogFile`,
`$Extend`...) are left out for the same reason as the virtual files; a deleted name whose MFT
record was freed is paired again with that record when the record provably is this file's;
and each named `$DATA` stream (alternate data stream) of a file or folder is yielded as an
entry of its own, `path:stream`, right after the file or folder that carries it.
FAT stores local time without a zone; TSK converts it with the process's time zone, so FAT
timestamps are only as right as that zone is for the card.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytsk3

from forensics.errors import CancelledError
from forensics.intake import ntfs
from forensics.intake.allocation import BlockMap
from forensics.intake.tskimage import TSK_ERRORS, TskImage
from forensics.jobs import CancelToken
from forensics.models import Recovery

log = logging.getLogger(__name__)

MAX_DEPTH = 128
"""Deeper folders are not walked: a damaged (deleted) directory can point back up."""

PARTITIONED = frozenset({"application/x-mbr-disk-image", "application/x-gpt-disk-image"})

FS_TYPE_NAMES: dict[int, str] = {
    value: name.removeprefix("TSK_FS_TYPE_")
    for name in dir(pytsk3)
    if name.startswith("TSK_FS_TYPE_")
    and not name.endswith("DETECT")
    and isinstance(value := getattr(pytsk3, name), int)
}


@dataclass(frozen=True)
class Volume:
    """One file system found in an image: where it starts and what it is."""

    prefix: bytes
    """Path prefix of its files: empty for an unpartitioned image, `/p<slot>` otherwise."""
    fs: Any
    fs_type: str
    offset: int
    partition: dict[str, Any] = field(default_factory=dict)
    blocks: BlockMap = field(default_factory=BlockMap)
    """The blocks of its live files and folders, filled by `walk_volume`."""


@dataclass(frozen=True)
class FsEntry:
    """One file found inside a file system."""

    file: Any
    """The `pytsk3.File`, for reading."""
    path_raw: bytes
    kind: str
    """"file", "folder", "symlink", "nometa" (name without metadata) or "other" (device,
    FIFO...)."""
    size: int
    inode: int | None
    deleted: bool
    meta_reused: bool
    """The name is deleted but its metadata is allocated: it now describes another file."""
    mtime: str | None = None
    atime: str | None = None
    ctime: str | None = None
    crtime: str | None = None
    link: bytes | None = None
    attr_id: int | None = None
    """For an NTFS named stream: the `$DATA` attribute to read (None: the file's content)."""
    host: bytes | None = None
    """For an NTFS named stream: the path of the file or folder that carries it."""
    notes: tuple[str, ...] = ()
    """What the walk knows is doubtful or unusual about the entry, for its warnings."""
    recovery: str | None = None
    """How a deleted entry was found (`forensics.models.Recovery`); None when live."""

    def read(self, offset: int, size: int) -> bytes:
        """Up to `size` bytes of the entry's content (or stream) from `offset`."""
        if self.attr_id is None:
            return bytes(self.file.read_random(offset, size))
        return bytes(self.file.read_random(offset, size, ntfs.DATA, self.attr_id))


@dataclass
class _Walk:
    """What a walk of one volume carries from folder to folder."""

    fs: Any
    is_ntfs: bool
    cancel: CancelToken
    blocks: BlockMap
    seen: set[int] = field(default_factory=set)


def open_volumes(img: TskImage, mime: str) -> tuple[list[Volume], list[str]]:
    """Every file system TSK can open in an image.

    A whole-disk image (MBR or GPT) is opened through its partition table; anything else is
    tried as a file system at offset 0 first and as a partitioned disk after that.

    Returns:
        The volumes, and one sentence per partition or attempt that failed.
    """
    problems: list[str] = []
    if mime not in PARTITIONED:
        volume = _open_fs(img, 0, b"", {}, problems)
        if volume is not None:
            return [volume], []
    volumes: list[Volume] = []
    try:
        vs = pytsk3.Volume_Info(img)
    except TSK_ERRORS as exc:
        problems.append(f"no partition table TSK can read ({_tsk_message(exc)})")
        return volumes, problems
    block = int(vs.info.block_size)
    for part in vs:
        if not int(part.flags) & int(pytsk3.TSK_VS_PART_FLAG_ALLOC):
            continue
        desc = (
            part.desc.decode("utf-8", "replace") if isinstance(part.desc, bytes) else str(part.desc)
        )
        info = {
            "slot": int(part.addr),
            # The number `fdisk -l`/`sgdisk -p` print; a logical partition inside an extended
            # one has none of its own in the primary table.
            "number": int(part.slot_num) + 1 if int(part.table_num) <= 0 else None,
            "start_sector": int(part.start),
            "sectors": int(part.len),
            "description": desc,
        }
        volume = _open_fs(img, int(part.start) * block, b"/p%d" % int(part.addr), info, problems)
        if volume is not None:
            volumes.append(volume)
    return volumes, ([] if volumes else problems)


def _open_fs(
    img: TskImage, offset: int, prefix: bytes, partition: dict[str, Any], problems: list[str]
) -> Volume | None:
    try:
        fs = pytsk3.FS_Info(img, offset=offset)
    except TSK_ERRORS as exc:
        where = (
            f"partition {partition['slot']} ({partition['description']})"
            if partition
            else "offset 0"
        )
        problems.append(f"no file system TSK can read at {where} ({_tsk_message(exc)})")
        return None
    fs_type = FS_TYPE_NAMES.get(int(fs.info.ftype), f"type {int(fs.info.ftype)}")
    return Volume(prefix, fs, fs_type, offset, partition)


def walk_volume(volume: Volume, cancel: CancelToken) -> Iterator[FsEntry | str]:
    """Every folder and file of a volume, depth first, each folder before what it holds; a
    string for each folder that could not be read. The live files' blocks go into
    `volume.blocks` on the way, for `allocation.content_state` once the walk is done.

    Raises:
        CancelledError: the token was cancelled (checked per folder).
    """
    root = volume.fs.open_dir(path="/")
    walk = _Walk(volume.fs, volume.fs_type.startswith("NTFS"), cancel, volume.blocks)
    if walk.is_ntfs:
        # The root folder is never an entry of its own, but it can carry streams too.
        folder = volume.fs.open(path="/")
        walk.blocks.add_file(folder)
        yield from _streams(_entry(folder, folder.info.meta, volume.prefix + b"/", "other"))
    yield from _walk_dir(walk, root, volume.prefix, 0, orphans=False)


def _walk_dir(
    walk: _Walk, directory: Any, path: bytes, depth: int, *, orphans: bool
) -> Iterator[FsEntry | str]:
    if walk.cancel.cancelled:
        raise CancelledError("cancelled by the user")
    subdirs: list[tuple[Callable[[], Any], bytes, bool]] = []
    for f in directory:
        name = bytes(f.info.name.name)
        if name in (b".", b".."):
            continue
        name_type = int(f.info.name.type)
        if name_type == int(pytsk3.TSK_FS_NAME_TYPE_VIRT):
            continue
        if name.endswith(b"(Volume Label Entry)"):
            continue
        if walk.is_ntfs and ntfs.is_system_entry(name, int(f.info.name.meta_addr), depth):
            if f.info.meta is not None:
                walk.blocks.add_file(f)  # $MFT, $LogFile...: their clusters are taken
            continue
        child = path + b"/" + name
        meta = f.info.meta
        name_deleted = bool(int(f.info.name.flags) & int(pytsk3.TSK_FS_NAME_FLAG_UNALLOC))
        recovery: str | None = Recovery.ORPHAN if orphans else None
        notes: tuple[str, ...] = ()
        if meta is None:
            found = _recover_meta(walk, f, int(directory.info.addr), orphans)
            if found is None:
                if not (walk.is_ntfs and orphans and ntfs.never_named(walk.fs, _addr(f))):
                    yield FsEntry(f, child, "nometa", 0, None, True, False, recovery=recovery)
                continue
            f, meta, recovery, notes = found
            name_deleted = True
        elif name_deleted and recovery is None:
            recovery = Recovery.DELETED_ENTRY
        meta_type = int(meta.type)
        if meta_type in (int(pytsk3.TSK_FS_META_TYPE_DIR), int(pytsk3.TSK_FS_META_TYPE_VIRT_DIR)):
            addr = int(meta.addr)
            if addr in walk.seen:
                continue
            walk.seen.add(addr)
            folder = _entry(
                f, meta, child, "folder", name_deleted=name_deleted, recovery=recovery, notes=notes
            )
            if not folder.deleted:
                walk.blocks.add_file(f)
            yield folder
            if walk.is_ntfs:
                yield from _streams(folder)
            virtual = meta_type == int(pytsk3.TSK_FS_META_TYPE_VIRT_DIR)
            subdirs.append((partial(walk.fs.open_dir, inode=addr), child, orphans or virtual))
            continue
        if meta_type == int(pytsk3.TSK_FS_META_TYPE_REG):
            kind = "file"
        elif meta_type == int(pytsk3.TSK_FS_META_TYPE_LNK):
            kind = "symlink"
        else:
            kind = "other"
        entry = _entry(
            f, meta, child, kind, name_deleted=name_deleted, recovery=recovery, notes=notes
        )
        if not entry.deleted:
            walk.blocks.add_file(f)
        yield entry
        if walk.is_ntfs and kind == "file":
            yield from _streams(entry)
    for opener, child, in_orphans in subdirs:
        if depth >= MAX_DEPTH:
            yield f"{child.decode('utf-8', 'replace')}: deeper than {MAX_DEPTH} folders; not walked"
            continue
        try:
            sub = opener()
        except TSK_ERRORS as exc:
            yield f"{os.fsdecode(child)}: cannot list folder ({_tsk_message(exc)})"
            continue
        yield from _walk_dir(walk, sub, child, depth + 1, orphans=in_orphans)


def _entry(
    f: Any,
    meta: Any,
    path: bytes,
    kind: str,
    *,
    name_deleted: bool = False,
    recovery: str | None = None,
    notes: tuple[str, ...] = (),
) -> FsEntry:
    meta_deleted = bool(int(meta.flags) & int(pytsk3.TSK_FS_META_FLAG_UNALLOC))
    link = meta.link
    deleted = name_deleted or meta_deleted
    return FsEntry(
        f,
        path,
        kind,
        max(0, int(meta.size)),
        int(meta.addr),
        deleted,
        name_deleted and not meta_deleted,
        mtime=_ts(meta.mtime, getattr(meta, "mtime_nano", 0)),
        atime=_ts(meta.atime, getattr(meta, "atime_nano", 0)),
        ctime=_ts(meta.ctime, getattr(meta, "ctime_nano", 0)),
        crtime=_ts(meta.crtime, getattr(meta, "crtime_nano", 0)),
        link=bytes(link) if link else None,
        notes=notes,
        recovery=(recovery or Recovery.DELETED_ENTRY) if deleted else recovery,
    )


def _addr(f: Any) -> int:
    return int(f.info.name.meta_addr)


def _recover_meta(
    walk: _Walk, f: Any, dir_addr: int, orphans: bool
) -> tuple[Any, Any, str, tuple[str, ...]] | None:
    """The metadata of a name TSK listed without it, when it can be shown to be this name's.

    On NTFS the freed MFT record must prove it (`ntfs.recover_freed_record`). Elsewhere TSK
    only left it unloaded (FAT's `$OrphanFiles`, names in a deleted folder): the metadata
    entry the name points at opens, and `fls`/`icat` read the same entry.

    Returns:
        (the `pytsk3.File` opened by address, its metadata, the `Recovery`, notes), or None.
    """
    if walk.is_ntfs:
        freed = ntfs.recover_freed_record(walk.fs, f.info.name, dir_addr, orphan=orphans)
        if freed is None:
            return None
        return freed.file, freed.file.info.meta, Recovery.FREED_RECORD, (freed.note,)
    try:
        opened = walk.fs.open_meta(inode=_addr(f))
    except TSK_ERRORS:
        return None
    meta = opened.info.meta
    if meta is None:
        return None
    recovery = Recovery.ORPHAN if orphans else Recovery.DELETED_ENTRY
    return opened, meta, recovery, ()


def _streams(host: FsEntry) -> Iterator[FsEntry]:
    """An entry per named `$DATA` stream of an NTFS file or folder."""
    for stream in ntfs.named_streams(host.file):
        yield replace(
            host,
            path_raw=host.path_raw + b":" + stream.name,
            kind="file",
            size=stream.size,
            attr_id=stream.attr_id,
            host=host.path_raw,
            link=None,
            notes=(
                *host.notes,
                "NTFS alternate data stream: folder listings (Explorer, dir) do not show it",
            ),
        )


def _ts(seconds: int | None, nano: int | None) -> str | None:
    """A file-system time as UTC ISO 8601; None when the file system has none (0)."""
    if not seconds:
        return None
    try:
        when = datetime.fromtimestamp(int(seconds), UTC)
    except (OverflowError, OSError, ValueError):
        return None
    micro = int(nano or 0) // 1000
    return when.replace(microsecond=min(micro, 999_999)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _tsk_message(exc: BaseException) -> str:
    """TSK's error text without the binding's source-file prefix."""
    text = str(exc).strip()
    return text.rsplit(": ", 1)[-1] if ": " in text else text or type(exc).__name__
