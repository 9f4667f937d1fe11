"""Where each sample of an MP4 track lies in the file, and when it plays.

`mp4_boxes` reads the boxes that describe a file; timed metadata (GoPro's GPMF telemetry
track) also needs the sample tables: the sample entry's format (`stsd`), the chunk offsets
(`stco`/`co64`), the samples per chunk (`stsc`), the sample sizes (`stsz`), the durations
(`stts`) and the track's clock (`mdhd` timescale). This reader follows the same rules as
`mp4_boxes`: it reads `moov` only (never `mdat`), trusts no count or size (every table is
clamped to the bytes its box holds, every sample must lie inside the file), caps how many
samples it lays out, and reports each inconsistency as a sentence instead of raising.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

_MAX_MOOV = 64 << 20
_MAX_TOP_BOXES = 10_000
_MAX_BOXES = 50_000
_MAX_DEPTH = 10
MAX_SAMPLES = 1_000_000
"""Samples laid out per track; a metadata track holds one per second, so this is generous."""
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}
_TABLES = {b"mdhd", b"hdlr", b"stsd", b"stts", b"stsc", b"stsz", b"stco", b"co64"}


@dataclass(frozen=True)
class Sample:
    """One sample: its bytes in the file and its place on the track's clock."""

    index: int
    offset: int
    size: int
    start: int
    """Decode time in track timescale ticks."""
    duration: int


@dataclass(frozen=True)
class TrackTables:
    """The raw sample tables of one `trak`, laid out on demand by `samples`."""

    index: int
    """The track's position among the file's `trak` boxes (0-based)."""
    handler: str | None
    format: str | None
    """The first sample entry's four-character code ("avc1", "mp4a", "gpmd", "tmcd"...)."""
    timescale: int | None
    tables: dict[str, bytes]


@dataclass(frozen=True)
class SampleTables:
    """Every track's tables, the file size, and what was wrong with the index."""

    tracks: tuple[TrackTables, ...]
    file_size: int
    problems: tuple[str, ...]

    def by_format(self, fourcc: str) -> list[TrackTables]:
        """The tracks whose first sample entry has this format."""
        return [t for t in self.tracks if t.format == fourcc]


def read_sample_tables(fh: BinaryIO) -> SampleTables:
    """Read the sample tables of every track of an MP4/MOV file.

    Args:
        fh: the file, opened for binary reading.

    Returns:
        The tracks found; `problems` names a missing or truncated `moov` or a damaged box.
    """
    size = fh.seek(0, os.SEEK_END)
    problems: list[str] = []
    moov = _find_moov(fh, size, problems)
    tracks: list[TrackTables] = []
    if moov is not None:
        walker = _Walker(problems)
        walker.walk(moov, 0, len(moov), 1)
        tracks = [
            TrackTables(i, _handler(t), _format(t), _timescale(t), t)
            for i, t in enumerate(walker.traks)
        ]
    return SampleTables(tuple(tracks), size, tuple(problems))


def _find_moov(fh: BinaryIO, size: int, problems: list[str]) -> bytes | None:
    pos = 0
    for _ in range(_MAX_TOP_BOXES):
        if pos + 8 > size:
            break
        fh.seek(pos)
        header = fh.read(16)
        box, kind = struct.unpack(">I4s", header[:8])
        head = 8
        if box == 1 and len(header) == 16:
            (box,) = struct.unpack(">Q", header[8:16])
            head = 16
        elif box == 0:
            box = size - pos
        if box < head:
            problems.append(f"top-level box {kind!r} at offset {pos} has an impossible size {box}")
            return None
        if kind == b"moov":
            if pos + box > size:
                problems.append(
                    f"moov claims {box} bytes but only {size - pos} remain: the file is truncated"
                )
                box = size - pos
            if box - head > _MAX_MOOV:
                problems.append(f"moov of {box} bytes is larger than we read")
                return None
            fh.seek(pos + head)
            return fh.read(box - head)
        pos += box
    problems.append("no moov box: the file has no index of its samples")
    return None


class _Walker:
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        self.traks: list[dict[str, bytes]] = []
        self.boxes = 0

    def walk(
        self, data: bytes, start: int, end: int, depth: int, trak: dict[str, bytes] | None = None
    ) -> None:
        pos = start
        while pos + 8 <= end:
            self.boxes += 1
            if self.boxes > _MAX_BOXES or depth > _MAX_DEPTH:
                self.problems.append("too many or too deeply nested boxes in moov; stopped")
                return
            size, kind = struct.unpack(">I4s", data[pos : pos + 8])
            head = 8
            if size == 1 and pos + 16 <= end:
                (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
                head = 16
            elif size == 0:
                size = end - pos
            if size < head or pos + size > end:
                self.problems.append(
                    f"box {kind.decode('latin-1')!r} claims {size} bytes but only {end - pos} "
                    "remain: truncated or damaged"
                )
                return
            if kind == b"trak":
                new: dict[str, bytes] = {}
                self.traks.append(new)
                self.walk(data, pos + head, pos + size, depth + 1, new)
            elif kind in _CONTAINERS:
                self.walk(data, pos + head, pos + size, depth + 1, trak)
            elif kind in _TABLES and trak is not None:
                trak.setdefault(kind.decode("latin-1"), data[pos + head : pos + size])
            pos += size


def _handler(t: dict[str, bytes]) -> str | None:
    body = t.get("hdlr", b"")
    return body[8:12].decode("latin-1") if len(body) >= 12 else None


def _format(t: dict[str, bytes]) -> str | None:
    body = t.get("stsd", b"")
    # version/flags, entry count, then the first entry: size and format.
    return body[12:16].decode("latin-1") if len(body) >= 16 else None


def _timescale(t: dict[str, bytes]) -> int | None:
    body = t.get("mdhd", b"")
    if body[:1] == b"\x01" and len(body) >= 24:
        (scale,) = struct.unpack(">I", body[20:24])
    elif len(body) >= 16:
        (scale,) = struct.unpack(">I", body[12:16])
    else:
        return None
    return scale or None


def _table(body: bytes, entry: int, name: str, problems: list[str]) -> tuple[int, int]:
    """The entry count a full box claims, clamped to what it holds, and the data start."""
    if len(body) < 8:
        problems.append(f"{name} box is too short")
        return 0, 8
    (count,) = struct.unpack(">I", body[4:8])
    room = (len(body) - 8) // entry
    if count > room:
        problems.append(f"{name} claims {count} entries but holds {room}: truncated")
        count = room
    return count, 8


def _sizes(body: bytes, problems: list[str]) -> list[int]:
    if len(body) < 12:
        problems.append("stsz box is missing or too short")
        return []
    fixed, count = struct.unpack(">II", body[4:12])
    if count > MAX_SAMPLES:
        problems.append(f"stsz claims {count} samples; only the first {MAX_SAMPLES} are read")
        count = MAX_SAMPLES
    if fixed:
        return [fixed] * count
    room = (len(body) - 12) // 4
    if count > room:
        problems.append(f"stsz claims {count} sample sizes but holds {room}: truncated")
        count = room
    return list(struct.unpack(f">{count}I", body[12 : 12 + 4 * count]))


def _offsets(t: dict[str, bytes], problems: list[str]) -> list[int]:
    if "co64" in t:
        count, at = _table(t["co64"], 8, "co64", problems)
        return list(struct.unpack(f">{count}Q", t["co64"][at : at + 8 * count]))
    if "stco" in t:
        count, at = _table(t["stco"], 4, "stco", problems)
        return list(struct.unpack(f">{count}I", t["stco"][at : at + 4 * count]))
    problems.append("no chunk offset table (stco/co64)")
    return []


def _chunk_runs(t: dict[str, bytes], problems: list[str]) -> list[tuple[int, int]]:
    body = t.get("stsc", b"")
    count, at = _table(body, 12, "stsc", problems)
    runs = []
    for i in range(count):
        first, per_chunk, _desc = struct.unpack(">III", body[at + 12 * i : at + 12 * i + 12])
        runs.append((first, per_chunk))
    return runs


def _durations(t: dict[str, bytes], total: int, problems: list[str]) -> list[int]:
    body = t.get("stts", b"")
    count, at = _table(body, 8, "stts", problems)
    out: list[int] = []
    for i in range(count):
        n, delta = struct.unpack(">II", body[at + 8 * i : at + 8 * i + 8])
        out.extend([delta] * min(n, total - len(out)))
        if len(out) >= total:
            break
    return out


def samples(track: TrackTables, file_size: int) -> tuple[tuple[Sample, ...], tuple[str, ...]]:
    """Lay out a track's samples: offset and size in the file, start and duration in ticks.

    Args:
        track: the track's tables from `read_sample_tables`.
        file_size: bytes in the file; a sample reaching past it is dropped with a problem.

    Returns:
        The samples in decode order, and one sentence per inconsistency found.
    """
    problems: list[str] = []
    sizes = _sizes(track.tables.get("stsz", b""), problems)
    offsets = _offsets(track.tables, problems)
    runs = _chunk_runs(track.tables, problems)
    durations = _durations(track.tables, len(sizes), problems)
    if len(durations) < len(sizes):
        problems.append(f"stts times {len(durations)} of {len(sizes)} samples")
    out: list[Sample] = []
    past_end = 0
    n = 0
    clock = 0
    run = -1
    for chunk, base in enumerate(offsets[:MAX_SAMPLES], start=1):
        while run + 1 < len(runs) and runs[run + 1][0] <= chunk:
            run += 1  # stsc runs are sorted by first chunk: advance, never rescan
        per_chunk = runs[run][1] if run >= 0 else 0
        at = base
        for _ in range(min(per_chunk, len(sizes) - n)):
            size = sizes[n]
            duration = durations[n] if n < len(durations) else 0
            if at + size > file_size:
                past_end += 1
            else:
                out.append(Sample(n, at, size, clock, duration))
            at += size
            clock += duration
            n += 1
        if n >= len(sizes):
            break
    if past_end:
        problems.append(
            f"{past_end} of {len(sizes)} samples lie past the end of the file "
            f"({file_size} bytes): truncated"
        )
    if n < len(sizes):
        problems.append(f"the chunk tables place {n} of {len(sizes)} samples")
    return tuple(out), tuple(problems)


def read_samples(
    fh: BinaryIO, laid_out: tuple[Sample, ...], *, max_sample: int, max_total: int
) -> Iterator[tuple[Sample, bytes | None]]:
    """The bytes of each sample, or None for one larger than `max_sample` or past `max_total`.

    Args:
        fh: the file.
        laid_out: samples from `samples` (already checked against the file's size).
        max_sample: largest sample read, in bytes.
        max_total: bytes read over all samples before the rest are refused.
    """
    total = 0
    for sample in laid_out:
        if sample.size > max_sample or total + sample.size > max_total:
            yield sample, None
            continue
        fh.seek(sample.offset)
        data = fh.read(sample.size)
        total += len(data)
        yield sample, data
