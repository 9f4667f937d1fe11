"""A small, defensive reader of the MP4/QuickTime boxes that carry provenance.

MediaInfo covers most container facts, but not all of them the way an examiner needs: the 3GPP
`loci` box, the display matrix exactly as written, the edit list's start offset and the raw
`mvhd` creation time. This reader walks only `moov` (never `mdat`), trusts no size field
(each box must fit inside its parent and the file), caps depth and box count, and stops at
the first inconsistency with a problem sentence instead of an exception.
"""

from __future__ import annotations

import math
import os
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import BinaryIO

_MAX_MOOV = 64 << 20
_MAX_BOXES = 20_000
_MAX_DEPTH = 10
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"edts", b"udta", b"stbl", b"dinf"}
_EPOCH_1904 = datetime(1904, 1, 1, tzinfo=UTC)


@dataclass
class TrackBoxes:
    """What one `trak` says."""

    handler: str | None = None
    rotation: int | None = None
    """Clockwise degrees the picture must be turned for display (0, 90, 180, 270)."""
    width: float | None = None
    height: float | None = None
    timescale: int | None = None
    duration: int | None = None
    empty_edit: int = 0
    """Movie-timescale ticks of leading empty edits (a delayed start)."""
    media_start: int | None = None
    """Media-timescale tick where the first edit starts playing."""
    samples: int | None = None
    """Sample (frame) count from the time-to-sample table."""
    deltas: dict[int, int] = field(default_factory=dict)
    """Sample duration (media ticks) -> how many samples last that long."""

    @property
    def real_fps(self) -> float | None:
        """The base frame rate: timescale over the most common frame duration."""
        if not self.deltas or not self.timescale:
            return None
        common = max(self.deltas.items(), key=lambda kv: kv[1])[0]
        return round(self.timescale / common, 3) if common else None

    @property
    def variable_rate(self) -> bool | None:
        """True when frame durations differ by more than 1 % (a variable frame rate)."""
        durations = [d for d in self.deltas if d]
        if not durations:
            return None
        return max(durations) > min(durations) * 1.01


@dataclass
class Mp4Boxes:
    """The provenance-relevant boxes of one file."""

    brand: str | None = None
    creation_time: str | None = None
    modification_time: str | None = None
    timescale: int | None = None
    duration: int | None = None
    tracks: list[TrackBoxes] = field(default_factory=list)
    udta: dict[str, str] = field(default_factory=dict)
    """QuickTime user data text atoms (©xyz, ©mak, ©mod, ©day, ©ART, ©nam...)."""
    keys: dict[str, str] = field(default_factory=dict)
    """`mdta` key/value metadata (com.apple.quicktime.*, com.android.*)."""
    loci: dict[str, float | str] | None = None
    problems: list[str] = field(default_factory=list)
    has_moov: bool = False

    @property
    def video(self) -> TrackBoxes | None:
        """The first video track, if any."""
        return next((t for t in self.tracks if t.handler == "vide"), None)

    @property
    def start_offset_s(self) -> float | None:
        """Seconds of empty edit before the first video frame plays (a delayed start)."""
        track = self.video
        if track is None or not self.timescale:
            return None
        return round(track.empty_edit / self.timescale, 6)


def _mac_time(seconds: int) -> str | None:
    if seconds <= 0:
        return None
    try:
        return (_EPOCH_1904 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
    except OverflowError:
        return None


class _Reader:
    def __init__(self, result: Mp4Boxes) -> None:
        self.result = result
        self.boxes = 0

    def walk(
        self,
        data: bytes,
        start: int,
        end: int,
        depth: int,
        path: str,
        track: TrackBoxes | None = None,
    ) -> None:
        pos = start
        while pos + 8 <= end:
            self.boxes += 1
            if self.boxes > _MAX_BOXES or depth > _MAX_DEPTH:
                self.result.problems.append("too many or too deeply nested boxes; stopped")
                return
            size, kind = struct.unpack(">I4s", data[pos : pos + 8])
            header = 8
            if size == 1 and pos + 16 <= end:
                (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
                header = 16
            elif size == 0:
                size = end - pos
            if size < header or pos + size > end:
                self.result.problems.append(
                    f"box {kind!r} in {path or 'file'} claims {size} bytes but only "
                    f"{end - pos} remain: truncated or damaged"
                )
                return
            self.box(data, kind, pos + header, pos + size, depth, f"{path}/{_name(kind)}", track)
            pos += size

    def box(
        self,
        data: bytes,
        kind: bytes,
        start: int,
        end: int,
        depth: int,
        path: str,
        track: TrackBoxes | None,
    ) -> None:
        body = data[start:end]
        if kind == b"trak":
            new = TrackBoxes()
            self.result.tracks.append(new)
            self.walk(data, start, end, depth + 1, path, new)
        elif kind in _CONTAINERS:
            self.walk(data, start, end, depth + 1, path, track)
        elif kind == b"meta":
            # QuickTime `meta` is a plain container; ISO `meta` has 4 bytes of version/flags.
            offset = 0 if body[4:8] in (b"hdlr", b"keys", b"ilst", b"free") else 4
            self.meta(data, start + offset, end, depth + 1, path)
        elif kind == b"mvhd":
            self.mvhd(body)
        elif kind == b"tkhd" and track is not None:
            self.tkhd(body, track)
        elif kind == b"mdhd" and track is not None and len(body) >= 24:
            if body[0] == 1 and len(body) >= 32:
                track.timescale, track.duration = struct.unpack(">IQ", body[20:32])
            else:
                track.timescale, track.duration = struct.unpack(">II", body[12:20])
        elif (
            kind == b"hdlr" and track is not None and path.endswith("mdia/hdlr") and len(body) >= 12
        ):
            track.handler = body[8:12].decode("latin-1")
        elif kind == b"stts" and track is not None and len(body) >= 8:
            (count,) = struct.unpack(">I", body[4:8])
            count = min(count, (len(body) - 8) // 8)
            total = 0
            for i in range(count):
                n, delta = struct.unpack(">II", body[8 + 8 * i : 16 + 8 * i])
                track.deltas[delta] = track.deltas.get(delta, 0) + n
                total += n
            track.samples = total
        elif kind == b"elst" and track is not None:
            self.elst(body, track)
        elif kind == b"loci":
            self.result.loci = _loci(body, self.result.problems)
        elif kind[:1] == b"\xa9" and path.startswith("/moov/udta"):
            text = _udta_text(body)
            if text is not None:
                self.result.udta[_name(kind)] = text

    def mvhd(self, body: bytes) -> None:
        if len(body) >= 32 and body[0] == 1:
            ctime, mtime, scale, duration = struct.unpack(">QQIQ", body[4:32])
        elif len(body) >= 20:
            ctime, mtime, scale, duration = struct.unpack(">IIII", body[4:20])
        else:
            self.result.problems.append("mvhd box is too short")
            return
        self.result.creation_time = _mac_time(ctime)
        self.result.modification_time = _mac_time(mtime)
        self.result.timescale, self.result.duration = scale, duration

    def tkhd(self, body: bytes, track: TrackBoxes) -> None:
        matrix_at = 40 if body[:1] != b"\x01" else 52
        if len(body) < matrix_at + 44:
            return
        a, b, _u, c, d = struct.unpack(">iiiii", body[matrix_at : matrix_at + 20])
        if a or b or c or d:
            angle = math.degrees(math.atan2(b / 65536, a / 65536))
            track.rotation = round(angle / 90.0) * 90 % 360
        w, h = struct.unpack(">II", body[matrix_at + 36 : matrix_at + 44])
        track.width, track.height = w / 65536, h / 65536

    def elst(self, body: bytes, track: TrackBoxes) -> None:
        if len(body) < 8:
            return
        version = body[0]
        (count,) = struct.unpack(">I", body[4:8])
        step = 20 if version == 1 else 12
        pos = 8
        for _ in range(min(count, (len(body) - 8) // step)):
            if version == 1:
                seg, media = struct.unpack(">Qq", body[pos : pos + 16])
            else:
                seg, media = struct.unpack(">Ii", body[pos : pos + 8])
            pos += step
            if media == -1:
                track.empty_edit += seg
                continue
            track.media_start = media
            return

    def meta(self, data: bytes, start: int, end: int, depth: int, path: str) -> None:
        keys: list[str] = []
        pos = start
        while pos + 8 <= end:
            size, kind = struct.unpack(">I4s", data[pos : pos + 8])
            if size < 8 or pos + size > end:
                self.result.problems.append(f"box {kind!r} in {path} is damaged")
                return
            body = data[pos + 8 : pos + size]
            if kind == b"keys":
                keys = _keys(body)
            elif kind == b"ilst":
                self.ilst(body, keys)
            pos += size

    def ilst(self, body: bytes, keys: list[str]) -> None:
        pos = 0
        while pos + 8 <= len(body):
            size, kind = struct.unpack(">I4s", body[pos : pos + 8])
            if size < 8 or pos + size > len(body):
                self.result.problems.append("ilst entry is damaged")
                return
            value = _data_value(body[pos + 8 : pos + size])
            index = int.from_bytes(kind, "big")
            if value is not None:
                if keys and 1 <= index <= len(keys):
                    self.result.keys[keys[index - 1]] = value
                elif kind[:1] == b"\xa9":
                    self.result.udta.setdefault(_name(kind), value)
            pos += size


def _name(kind: bytes) -> str:
    return kind.decode("latin-1").replace("\xa9", "©")


def _udta_text(body: bytes) -> str | None:
    if len(body) >= 4:
        length = int.from_bytes(body[:2], "big")
        if 0 < length <= len(body) - 4:
            return body[4 : 4 + length].decode("utf-8", "replace").strip("\x00")
    value = _data_value(body)
    return value


def _data_value(body: bytes) -> str | None:
    """The text of an iTunes-style `data` box inside an ilst entry."""
    if len(body) >= 16 and body[4:8] == b"data":
        size = int.from_bytes(body[:4], "big")
        kind = int.from_bytes(body[9:12], "big")
        payload = body[16 : min(size, len(body))]
        if kind in (1, 4):  # UTF-8, UTF-16
            return payload.decode("utf-8" if kind == 1 else "utf-16-be", "replace")
        if kind in (21, 22) and 0 < len(payload) <= 8:
            return str(int.from_bytes(payload, "big", signed=kind == 21))
        if kind == 23 and len(payload) == 4:
            return f"{struct.unpack('>f', payload)[0]:g}"
    return None


def _keys(body: bytes) -> list[str]:
    if len(body) < 8:
        return []
    (count,) = struct.unpack(">I", body[4:8])
    out: list[str] = []
    pos = 8
    for _ in range(min(count, 4096)):
        if pos + 8 > len(body):
            break
        size = int.from_bytes(body[pos : pos + 4], "big")
        if size < 8 or pos + size > len(body):
            break
        out.append(body[pos + 8 : pos + size].decode("utf-8", "replace"))
        pos += size
    return out


def _loci(body: bytes, problems: list[str]) -> dict[str, float | str] | None:
    """3GPP TS 26.244 location: name, role, then longitude, latitude, altitude (16.16)."""
    if len(body) < 7:
        problems.append("loci box is too short")
        return None
    end = body.find(b"\x00", 6)
    if end < 0 or end + 14 > len(body):
        problems.append("loci box is truncated")
        return None
    name = body[6:end].decode("utf-8", "replace")
    lon, lat, alt = struct.unpack(">iii", body[end + 2 : end + 14])
    return {
        "name": name,
        "longitude": lon / 65536,
        "latitude": lat / 65536,
        "altitude": alt / 65536,
    }


def read_boxes(fh: BinaryIO) -> Mp4Boxes:
    """Read `ftyp` and `moov` of an MP4/MOV file without reading its media data.

    Args:
        fh: the file, opened for binary reading.

    Returns:
        What was found, with `problems` naming anything truncated or inconsistent.
    """
    result = Mp4Boxes()
    size_total = fh.seek(0, os.SEEK_END)
    pos = 0
    while pos + 8 <= size_total:
        fh.seek(pos)
        header = fh.read(16)
        size, kind = struct.unpack(">I4s", header[:8])
        head = 8
        if size == 1 and len(header) == 16:
            (size,) = struct.unpack(">Q", header[8:16])
            head = 16
        elif size == 0:
            size = size_total - pos
        if size < head or pos + size > size_total:
            result.problems.append(
                f"top-level box {kind!r} claims {size} bytes but only "
                f"{size_total - pos} remain: the file is truncated"
            )
            if kind != b"moov":
                break
            size = size_total - pos  # read what there is of a cut moov
        if kind == b"ftyp":
            result.brand = header[head : head + 4].decode("latin-1").strip()
        elif kind == b"moov":
            if size > _MAX_MOOV:
                result.problems.append(f"moov of {size} bytes is larger than we read")
                break
            result.has_moov = True
            data = _read_at(fh, pos + head, size - head)
            _Reader(result).walk(data, 0, len(data), 1, "/moov")
        pos += size
    if not result.has_moov:
        result.problems.append("no moov box: the file has no index of its media")
    return result


def _read_at(fh: BinaryIO, offset: int, length: int) -> bytes:
    fh.seek(offset)
    return fh.read(length)
