"""Checking every chunk of an E01 against its own checksum, as `ewfverify` does.

libewf, when it reads a chunk whose checksum fails, hands back zeros instead of the damaged
bytes and says nothing through `pyewf`. A hash of the media then only changes when the chunk
held something other than zeros, so a flipped byte in empty space (most of a card) would pass.
This module reads the stored segment files themselves: in an EWF version 1 segment (`.E01`,
EnCase 1-7 and ewfacquire) the `table` sections list where each chunk starts (relative to the
table's base offset; the high bit marks a compressed chunk). An uncompressed chunk is its data
followed by the Adler-32 of that data; a compressed one is a zlib stream, which carries the
Adler-32 of what it inflates to. A chunk that fails either check is reported with its place.

Only the layout ewfacquire and EnCase write is read (`sectors` sections holding the chunks,
each followed by its `table`); anything else is reported as not checked, never as damage.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from forensics.jobs import CancelToken

_SIGNATURE = b"EVF\x09\x0d\x0a\xff\x00"
_FILE_HEADER = 13
_DESCRIPTOR = 76
_COMPRESSED = 0x80000000
_MAX_SECTIONS = 1 << 16
SHOWN = 5
"""Damaged chunks named one by one in the report; the rest are counted."""


@dataclass
class ChunkReport:
    """What the check of every chunk of a segment set found."""

    checked: int = 0
    damaged: list[str] = field(default_factory=list)
    """One sentence per damaged chunk (its segment file and byte offset)."""
    not_checked: list[str] = field(default_factory=list)
    """Segments whose layout this check does not read, and why."""


def check_chunks(segments: Sequence[tuple[str, Path]], cancel: CancelToken) -> ChunkReport:
    """Check every chunk of every segment against its checksum.

    Args:
        segments: (name to report, stored path) of each segment file.
        cancel: checked per chunk.

    Raises:
        CancelledError: the token was cancelled.
    """
    report = ChunkReport()
    for name, path in segments:
        with open(path, "rb") as f:
            why = _check_segment(f, name, report, cancel)
        if why is not None:
            report.not_checked.append(f"{name}: {why}")
    return report


def _check_segment(f: BinaryIO, name: str, report: ChunkReport, cancel: CancelToken) -> str | None:
    head = f.read(_FILE_HEADER)
    if not head.startswith(_SIGNATURE):
        return "not an EWF version 1 segment"
    size = f.seek(0, 2)
    if size >= 1 << 31:
        return "segment of 2 GiB or more (chunk offsets wrap): not checked"
    offset = _FILE_HEADER
    sectors: list[tuple[int, int]] = []
    for _ in range(_MAX_SECTIONS):
        f.seek(offset)
        desc = f.read(_DESCRIPTOR)
        if len(desc) < _DESCRIPTOR:
            return f"section descriptor at byte {offset} cut short"
        kind = desc[:16].rstrip(b"\0")
        following, length = struct.unpack_from("<QQ", desc, 16)
        if kind == b"sectors":
            sectors.append((offset, offset + length))
        elif kind == b"table":
            why = _check_table(f, offset, name, sectors, size, report, cancel)
            if why is not None:
                return why
        if kind in (b"done", b"next") or following <= offset or following > size:
            return None
        offset = following
    return "too many sections"


def _check_table(
    f: BinaryIO,
    offset: int,
    name: str,
    sectors: list[tuple[int, int]],
    size: int,
    report: ChunkReport,
    cancel: CancelToken,
) -> str | None:
    f.seek(offset + _DESCRIPTOR)
    head = f.read(24)
    if len(head) < 24:
        return f"table at byte {offset} cut short"
    count = struct.unpack_from("<I", head, 0)[0]
    base = struct.unpack_from("<Q", head, 8)[0]
    raw = f.read(4 * count)
    if len(raw) < 4 * count:
        return f"table at byte {offset} cut short"
    entries = struct.unpack(f"<{count}I", raw)
    starts = [base + (e & ~_COMPRESSED) for e in entries]
    for i, entry in enumerate(entries):
        cancel.raise_if_cancelled()
        start = starts[i]
        if i + 1 < count:
            end = starts[i + 1]
        else:
            end = next((e for s, e in sectors if s <= start < e), offset)
        if not start < end <= size:
            return f"chunk {i} of the table at byte {offset} lies outside the file"
        f.seek(start)
        data = f.read(end - start)
        report.checked += 1
        if not _chunk_ok(data, compressed=bool(entry & _COMPRESSED)):
            report.damaged.append(
                f"{name}: the chunk at byte {start} fails its checksum (libewf reads it as zeros)"
            )
    return None


def _chunk_ok(data: bytes, *, compressed: bool) -> bool:
    if compressed:
        try:
            zlib.decompress(data)
        except zlib.error:
            return False
        return True
    if len(data) < 4:
        return False
    stored = int(struct.unpack_from("<I", data, len(data) - 4)[0])
    return zlib.adler32(data[:-4]) == stored
