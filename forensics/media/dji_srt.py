"""DJI flight telemetry from `.SRT` subtitle files, as a GPS track with timestamps.

DJI drones write one subtitle cue per frame or second. Two families matter:
- the old `GPS(lon, lat, alt)` layout (Mavic Pro, Phantom 4, Mini): LONGITUDE FIRST, the
  mistake every naive parser makes;
- the bracketed layout (`[latitude: 41.42] [longitude: 2.23]`, with DJI's own
  `longtitude` typo on some firmware; `[altitude: ..]` or `abs_alt:`).
Files may start with a UTF-8 BOM, use CRLF, mix both layouts, or be cut mid-cue. A broken or
empty file yields warnings and no track, never an exception. The cue's date and time are the
drone's clock with no zone: kept as written, never labelled UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from forensics.media.records import TrackPoint

_TIMECODE = re.compile(
    r"(\d{1,2}):(\d{2}):(\d{2})[,.](\d{1,3})\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}"
)
_DATETIME = re.compile(
    r"(\d{4})[-.](\d{1,2})[-.](\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,3}))?"
    r"(?:,(\d{3}))?"
)
_NUM = r"([-+]?\d+(?:\.\d+)?)"
_LAT = re.compile(r"\[\s*latitude\s*:\s*" + _NUM + r"\s*\]", re.IGNORECASE)
_LON = re.compile(r"\[\s*longt?itude\s*:\s*" + _NUM + r"\s*\]", re.IGNORECASE)
_ALT = re.compile(r"(?:\[\s*altitude\s*:\s*|abs_alt\s*:\s*)" + _NUM, re.IGNORECASE)
_GPS = re.compile(
    r"\bGPS\s*\(\s*" + _NUM + r"\s*,\s*" + _NUM + r"\s*(?:,\s*" + _NUM + r"\s*M?\s*)?\)",
    re.IGNORECASE,
)
_MAX_BYTES = 256 << 20

LAYOUT_PAREN = "GPS(lon,lat,alt)"
LAYOUT_BRACKETED = "bracketed [latitude] [longitude]"


@dataclass(frozen=True)
class SrtFix:
    """One parsed cue with a valid position."""

    point: TrackPoint
    layout: str


@dataclass(frozen=True)
class SrtTrack:
    """Every valid fix of one SRT file, with what could not be used."""

    fixes: tuple[SrtFix, ...]
    cues: int
    bom: bool
    warnings: tuple[str, ...]

    @property
    def points(self) -> tuple[TrackPoint, ...]:
        """The fixes' points, in file order."""
        return tuple(f.point for f in self.fixes)

    @property
    def layout(self) -> str:
        """The layout of the fixes ("mixed: ..." when a file holds both)."""
        layouts = sorted({f.layout for f in self.fixes})
        if not layouts:
            return "none"
        return layouts[0] if len(layouts) == 1 else "mixed: " + " + ".join(layouts)


def _iso(m: re.Match[str]) -> str | None:
    y, mo, d, h, mi, s, ms, us = m.groups()
    if not (
        1 <= int(mo) <= 12 and 1 <= int(d) <= 31 and int(h) < 24 and int(mi) < 60 and int(s) < 61
    ):
        return None
    text = f"{y}-{int(mo):02d}-{int(d):02d}T{int(h):02d}:{mi}:{s}"
    if ms:
        text += "." + ms.ljust(3, "0") + (us or "")
    return text


def decode_text(data: bytes) -> tuple[str, bool]:
    """The file as text (BOM removed, undecodable bytes replaced) and whether it had a BOM."""
    bom = data.startswith(b"\xef\xbb\xbf")
    return data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n"), bom


def parse_srt(data: bytes) -> SrtTrack:
    """Parse a DJI SRT file's bytes into a track.

    Returns:
        The valid fixes; warnings for an empty file, a file without GPS, cues cut short,
        and coordinates out of range or at 0,0 (no satellite fix).
    """
    warnings: list[str] = []
    if len(data) > _MAX_BYTES:
        return SrtTrack(
            (),
            0,
            False,
            (f"telemetry file of {len(data)} bytes is larger than {_MAX_BYTES} bytes; not read",),
        )
    text, bom = decode_text(data)
    if not text.strip():
        return SrtTrack((), 0, bom, ("empty telemetry file: no cues",))
    blocks = _blocks(text)
    fixes: list[SrtFix] = []
    no_gps = bad = zero = 0
    for block in blocks:
        fix, problem = _parse_block(block, len(fixes))
        if fix is not None:
            fixes.append(fix)
        elif problem == "none":
            no_gps += 1
        elif problem == "zero":
            zero += 1
        else:
            bad += 1
            if bad <= 3:
                warnings.append(f"cue {_cue_number(block)}: {problem}; skipped")
    if bad > 3:
        warnings.append(f"... {bad - 3} more damaged cues skipped")
    if zero:
        warnings.append(f"{zero} cues without a satellite fix (0, 0 or N/A) skipped")
    if not fixes:
        warnings.append(f"no GPS position in the telemetry file ({len(blocks)} cues)")
    elif no_gps:
        warnings.append(f"{no_gps} of {len(blocks)} cues carry no GPS position")
    return SrtTrack(tuple(fixes), len(blocks), bom, tuple(warnings))


def _blocks(text: str) -> list[str]:
    """Cues: split at blank lines, and at a bare cue number followed by a timecode (some
    firmware omits the blank line between cues)."""
    lines = text.split("\n")
    blocks: list[list[str]] = []
    current: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            if current:
                blocks.append(current)
                current = []
            continue
        if current and stripped.isdigit() and i + 1 < len(lines) and _TIMECODE.search(lines[i + 1]):
            blocks.append(current)
            current = []
        current.append(line)
    if current:
        blocks.append(current)
    return ["\n".join(b) for b in blocks]


def _cue_number(block: str) -> str:
    first = block.strip().split("\n", 1)[0].strip()
    return first if first.isdigit() else "?"


def _parse_block(block: str, seq: int) -> tuple[SrtFix | None, str]:
    offset = None
    tc = _TIMECODE.search(block)
    if tc:
        h, m, s, ms = tc.groups()
        offset = int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000
    dt = _DATETIME.search(block)
    when = _iso(dt) if dt else None
    lat_m, lon_m = _LAT.search(block), _LON.search(block)
    gps = _GPS.search(block)
    alt: float | None
    if lat_m or lon_m:
        if not (lat_m and lon_m):
            return None, "latitude or longitude missing (cut short)"
        lat, lon = float(lat_m.group(1)), float(lon_m.group(1))
        alt_m = _ALT.search(block)
        alt = float(alt_m.group(1)) if alt_m else None
        layout = LAYOUT_BRACKETED
    elif gps:
        lon, lat = float(gps.group(1)), float(gps.group(2))  # DJI writes longitude first
        alt = float(gps.group(3)) if gps.group(3) else None
        layout = LAYOUT_PAREN
    elif re.search(r"\bGPS\s*\(\s*N/A", block, re.IGNORECASE):
        return None, "zero"
    else:
        return None, "none" if (
            "GPS" not in block and "latitude" not in block
        ) else "GPS value cut short or malformed"
    if lat == 0 and lon == 0:
        return None, "zero"
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        return None, f"position {lat}, {lon} is out of range"
    return SrtFix(TrackPoint(seq, lat, lon, alt, when, offset), layout), ""
