"""What NTFS needs beyond TSK's generic walk: system files, freed MFT records, named streams.

Three things set NTFS apart from FAT and ext when a disk image is expanded:

- Its own structures are ordinary-looking files in the root folder (`$MFT`, `$LogFile`,
  `$Bitmap`, `$BadClus`... and the `$Extend` folder), not TSK virtual files. They re-expose
  bytes the image item already holds, exactly like FAT's virtual `$FAT1`, so they are not
  stored again; an examiner reads them from the image with TSK (`icat`) when needed.
- Deleting a file frees its MFT record and moves the record's sequence number on by one
  (Windows and ntfs-3g both do this). TSK then refuses to pair the deleted name with the
  record, because their sequence numbers differ, and reports a name without metadata. The
  record, its timestamps and its data runs are usually still there, so `recover_freed_record`
  pairs them again when the record is free, is exactly one deletion ahead, and its own
  `$FILE_NAME` names this file in this folder: the checks that make the content this file's.
- A file (or folder) can carry named `$DATA` streams besides its content ("alternate data
  streams"): Explorer and `dir` do not show them, which makes them a classic place to hide
  data. `named_streams` lists them so each becomes an item of its own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pytsk3

log = logging.getLogger(__name__)

FIRST_USER_RECORD = 16
"""MFT records below 16 are reserved for the file system's own files (`$MFT`...`$Extend`)."""

DATA = int(pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA)
FILE_NAME = int(pytsk3.TSK_FS_ATTR_TYPE_NTFS_FNAME)
_FILE_NAME_FIXED = 66
"""Bytes of a `$FILE_NAME` attribute before the name (UTF-16LE, length in byte 64)."""


@dataclass(frozen=True)
class Stream:
    """A named `$DATA` attribute of a file or folder."""

    name: bytes
    """The stream's name as UTF-8 (TSK converts it from UTF-16)."""
    attr_id: int
    size: int


@dataclass(frozen=True)
class FreedRecord:
    """A deleted name paired again with its freed MFT record."""

    file: Any
    """The `pytsk3.File` opened by MFT record number, for reading."""
    note: str


def is_system_entry(name: bytes, meta_addr: int, depth: int) -> bool:
    """True for the file system's own files in the root folder (`$MFT`, `$Extend`...)."""
    return depth == 0 and name.startswith(b"$") and meta_addr < FIRST_USER_RECORD


def named_streams(tsk_file: Any) -> list[Stream]:
    """The named `$DATA` streams of a file or folder, in MFT order.

    Returns:
        Nothing when the attributes cannot be read (the file's content is read as usual).
    """
    streams: list[Stream] = []
    try:
        for attr in tsk_file:
            info = attr.info
            if int(info.type) != DATA or not info.name:
                continue
            streams.append(Stream(bytes(info.name), int(info.id), max(0, int(info.size))))
    except OSError as exc:
        log.warning("cannot list the attributes of MFT record: %s", exc)
    return streams


def recover_freed_record(fs: Any, name: Any, dir_addr: int, *, orphan: bool) -> FreedRecord | None:
    """Pair a deleted name TSK left without metadata with its freed MFT record.

    A deleted folder is paired the same way, so the files it still lists are walked.

    Args:
        fs: the volume's `pytsk3.FS_Info`.
        name: the name's `TSK_FS_NAME` (`file.info.name`).
        dir_addr: the MFT record of the folder the name was found in.
        orphan: the name is TSK's `$OrphanFiles/OrphanFile-N`, made up from the record itself,
            so there is no folder name to compare.

    Returns:
        The record when it is this file's; None when that cannot be shown.
    """
    addr = int(name.meta_addr)
    if addr < FIRST_USER_RECORD:
        return None
    try:
        record = fs.open_meta(inode=addr)
    except OSError:
        return None
    meta = record.info.meta
    if meta is None or int(meta.flags) & int(pytsk3.TSK_FS_META_FLAG_ALLOC):
        return None  # in use again: the record now describes another file
    names = _file_names(record)
    kinds = (int(pytsk3.TSK_FS_META_TYPE_REG), int(pytsk3.TSK_FS_META_TYPE_DIR))
    if not names or int(meta.type) not in kinds:
        return None
    expected = int(name.meta_seq) % 0xFFFF + 1  # NTFS skips 0 when the number wraps
    if int(meta.seq) != expected:
        return None  # freed more than once since: possibly another file's content
    if not orphan:
        wanted = bytes(name.name).decode("utf-8", "replace")
        if (wanted, dir_addr) not in names:
            return None
    what = "folder" if int(meta.type) == int(pytsk3.TSK_FS_META_TYPE_DIR) else "file"
    note = (
        f"the {what}'s MFT record {addr} was freed (its sequence number moved on from "
        f"{int(name.meta_seq)} to {int(meta.seq)}) and still names this file"
        + ("" if orphan else " in this folder")
        + (
            ", so its content was read from that record"
            if what == "file"
            else ", so what it lists was read from that record"
        )
    )
    return FreedRecord(record, note)


def never_named(fs: Any, addr: int) -> bool:
    """True for a free MFT record without any `$FILE_NAME`: no file ever lived there.

    TSK lists such records as orphans (the reserved records 16-23 that mkntfs and Windows
    leave empty); they are not files, deleted or otherwise, so they are not reported.
    """
    try:
        record = fs.open_meta(inode=addr)
    except OSError:
        return False
    meta = record.info.meta
    if meta is None or int(meta.flags) & int(pytsk3.TSK_FS_META_FLAG_ALLOC):
        return False
    return not _file_names(record)


def _file_names(record: Any) -> set[tuple[str, int]]:
    """Every (name, parent record) the `$FILE_NAME` attributes of an MFT record hold."""
    found: set[tuple[str, int]] = set()
    try:
        attrs = [a.info for a in record if int(a.info.type) == FILE_NAME]
        for info in attrs:
            raw = record.read_random(0, int(info.size), FILE_NAME, int(info.id))
            if len(raw) < _FILE_NAME_FIXED:
                continue
            length = raw[64]
            text = raw[_FILE_NAME_FIXED : _FILE_NAME_FIXED + 2 * length]
            parent = int.from_bytes(raw[0:6], "little")
            found.add((text.decode("utf-16-le", "replace"), parent))
    except OSError as exc:
        log.warning("cannot read the $FILE_NAME of a freed MFT record: %s", exc)
    return found
