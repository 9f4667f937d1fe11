"""What is known of a deleted file's content: are its blocks still free, or taken over?

A deleted file's metadata may still name the blocks its content lived in (NTFS data runs, an
ext inode that `debugfs` freed, a FAT entry's first cluster from which TSK reads on), but the
file system was free to give those blocks to files written since. The walk records the blocks
of every live file and folder it meets (`BlockMap`); a deleted file's own blocks are then
compared with them:

- none of them is live: `intact`, as far as the file system shows;
- some are: `partly_reallocated` (those parts are another file's bytes now);
- all are, or the metadata itself now describes another file: `reallocated`;
- the metadata names no block and holds no resident content (ext4 clears a deleted inode's
  extents; FAT loses the first cluster): `no_content`.

TSK's block addresses are the file system's own units (FAT: sectors; NTFS: clusters; ext:
blocks), the same for the map and the file, so no conversion is needed. The map holds what the
walk saw: file-system structures that are not files (ext inode tables) are not in it, so a
block reused by them is not seen; the sentence in the item's warnings says what was checked.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterator
from typing import Any

import pytsk3

from forensics.models import ContentState

log = logging.getLogger(__name__)

_CONTENT_TYPES = frozenset(
    {int(pytsk3.TSK_FS_ATTR_TYPE_DEFAULT), int(pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA)}
)
_NOT_ON_DISK = int(pytsk3.TSK_FS_ATTR_RUN_FLAG_FILLER) | int(pytsk3.TSK_FS_ATTR_RUN_FLAG_SPARSE)
_NONRESIDENT = int(pytsk3.TSK_FS_ATTR_NONRES)


class BlockMap:
    """The blocks of the live files and folders of one volume, as merged ranges."""

    def __init__(self) -> None:
        self._pending: list[tuple[int, int]] = []
        self._starts: list[int] = []
        self._ends: list[int] = []

    def add_file(self, tsk_file: Any) -> None:
        """Every block any attribute of a live file or folder occupies."""
        for start, length in _runs(tsk_file, content_only=False):
            self._pending.append((start, start + length))

    def _merge(self) -> None:
        if not self._pending:
            return
        ranges = sorted([*zip(self._starts, self._ends, strict=True), *self._pending])
        self._pending = []
        starts: list[int] = []
        ends: list[int] = []
        for start, end in ranges:
            if starts and start <= ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        self._starts, self._ends = starts, ends

    def live_blocks(self, start: int, length: int) -> int:
        """How many of the blocks `start` .. `start + length - 1` belong to live data."""
        self._merge()
        end = start + length
        count = 0
        i = max(0, bisect.bisect_right(self._starts, start) - 1)
        while i < len(self._starts) and self._starts[i] < end:
            overlap = min(end, self._ends[i]) - max(start, self._starts[i])
            if overlap > 0:
                count += overlap
            i += 1
        return count


def content_state(tsk_file: Any, attr_id: int | None, size: int, blocks: BlockMap) -> str:
    """The `ContentState` of a deleted file's content, from its blocks against the live ones."""
    runs = list(_runs(tsk_file, content_only=True, attr_id=attr_id))
    if not runs:
        if size > 0 and _resident(tsk_file, attr_id):
            return ContentState.INTACT  # inside its own (freed, not reused) metadata record
        return ContentState.NO_CONTENT
    total = sum(length for _, length in runs)
    live = sum(blocks.live_blocks(start, length) for start, length in runs)
    if live == 0:
        return ContentState.INTACT
    if live >= total:
        return ContentState.REALLOCATED
    return ContentState.PARTLY_REALLOCATED


def _runs(
    tsk_file: Any, *, content_only: bool, attr_id: int | None = None
) -> Iterator[tuple[int, int]]:
    try:
        for attr in tsk_file:
            info = attr.info
            if not int(info.flags) & _NONRESIDENT:
                continue
            if content_only:
                if int(info.type) not in _CONTENT_TYPES:
                    continue
                if attr_id is None and info.name:
                    continue  # a named stream, not the file's content
                if attr_id is not None and int(info.id) != attr_id:
                    continue
            for run in attr:
                if int(run.flags) & _NOT_ON_DISK or int(run.len) <= 0:
                    continue
                yield int(run.addr), int(run.len)
            if content_only:
                return
    except OSError as exc:
        log.debug("cannot list the blocks of a file: %s", exc)


def _resident(tsk_file: Any, attr_id: int | None) -> bool:
    try:
        for attr in tsk_file:
            info = attr.info
            if int(info.type) not in _CONTENT_TYPES or int(info.flags) & _NONRESIDENT:
                continue
            if (attr_id is None and not info.name) or (
                attr_id is not None and int(info.id) == attr_id
            ):
                return True
    except OSError as exc:
        log.debug("cannot list the attributes of a file: %s", exc)
    return False
