"""DJI flight telemetry from `.SRT` subtitle files, as a GPS track with timestamps.

DJI drones write one subtitle cue per frame or second. Two families matter:
- the old `GPS(lon, lat, alt)` layout (Mavic Pro, Phantom 4, Mini): LONGITUDE FIRST, the
  mistake every naive parser makes. The order is certain only when a first value lies beyond
  ±90 (it cannot be a latitude); when every value of a file is within ±90 (Spain, Switzerland:
  `GPS(36.6146,-6.1120)` could be Spain or Tanzania) the documented order is kept and the track
  says the order is ambiguous and which reading was used. A file whose SECOND values go beyond
  ±90 writes latitude first, and is read that way;
- the bracketed layout (`[latitude: 41.42] [longitude: 2.23]`, with DJI's own
  `longtitude` typo on some firmware; `[altitude: ..]` or `abs_alt:`).
Files may start with a UTF-8 BOM, use CRLF, mix both layouts, or be cut mid-cue. A broken or
empty file yields warnings and no track, never an exception. The cue's date and time are the
drone's clock with no zone: kept as written, never labelled UTC.
"""

from __future__ import annotations

import math
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
_NEAR_KM = 50.0
"""Labelled cues this close to one reading of GPS(a, b) (and far from the other) settle it."""

LAYOUT_PAREN = "GPS(lon,lat,alt)"
LAYOUT_PAREN_LAT_FIRST = "GPS(lat,lon,alt)"
LAYOUT_BRACKETED = "bracketed [latitude] [longitude]"
AMBIGUOUS = " (order ambiguous: read longitude first)"
"""Appended to a track's layout when no value of its GPS(a, b) cues settles the order."""


@dataclass(frozen=True)
class GpsOrder:
    """How the `GPS(a, b, alt)` cues of one file were read."""

    lat_first: bool
    certain: bool
    basis: str
    """Why, in words (which value went beyond ±90, or that none did)."""

    def describe(self) -> str:
        """The reading used, for the track's facts."""
        reading = "latitude first" if self.lat_first else "longitude first (DJI's documented order)"
        return f"{reading}; {'certain' if self.certain else 'ambiguous'}: {self.basis}"


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
    gps_order: GpsOrder | None = None
    """How GPS(a, b) cues were read; None when the file has none."""

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
        text = layouts[0] if len(layouts) == 1 else "mixed: " + " + ".join(layouts)
        order = self.gps_order
        if order is not None and not order.certain and LAYOUT_PAREN in layouts:
            text += AMBIGUOUS
        return text


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
    order = _gps_order(text)
    fixes, warnings = _parse_blocks(blocks, order is not None and order.lat_first)
    if order is not None and not order.certain:
        settled = _settle_by_labelled_cues(fixes)
        if settled is not None:
            order = settled
            if order.lat_first:
                fixes, warnings = _parse_blocks(blocks, True)
    paren = [f.point for f in fixes if f.layout in (LAYOUT_PAREN, LAYOUT_PAREN_LAT_FIRST)]
    if order is not None and paren:
        warnings.extend(_order_warning(order, paren[0]))
    return SrtTrack(tuple(fixes), len(blocks), bom, tuple(warnings), order)


def _parse_blocks(blocks: list[str], lat_first: bool) -> tuple[list[SrtFix], list[str]]:
    warnings: list[str] = []
    fixes: list[SrtFix] = []
    no_gps = bad = zero = 0
    for block in blocks:
        fix, problem = _parse_block(block, len(fixes), lat_first)
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
    return fixes, warnings


def _settle_by_labelled_cues(fixes: list[SrtFix]) -> GpsOrder | None:
    """Settle an ambiguous order when the same file also has labelled [latitude] cues: the
    reading that lands near them is the right one (one drone, one flight)."""
    paren = next((f.point for f in fixes if f.layout == LAYOUT_PAREN), None)
    labelled = next((f.point for f in fixes if f.layout == LAYOUT_BRACKETED), None)
    if paren is None or labelled is None:
        return None
    as_read = _km(paren.lat, paren.lon, labelled.lat, labelled.lon)
    swapped = _km(paren.lon, paren.lat, labelled.lat, labelled.lon)
    if min(as_read, swapped) > _NEAR_KM or max(as_read, swapped) < 10 * _NEAR_KM:
        return None
    lat_first = swapped < as_read
    return GpsOrder(
        lat_first,
        True,
        f"the file's labelled [latitude] [longitude] cues lie {min(as_read, swapped):.1f} km "
        f"from that reading and {max(as_read, swapped):.0f} km from the other",
    )


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine: enough to tell near from far)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _gps_order(text: str) -> GpsOrder | None:
    """The order of a file's GPS(a, b) values, from the values beyond ±90 (one file, one
    firmware, one order)."""
    first_wide = second_wide = None
    count = 0
    for m in _GPS.finditer(text):
        a, b = float(m.group(1)), float(m.group(2))
        count += 1
        if first_wide is None and 90 < abs(a) <= 180:
            first_wide = m.group(0)
        if second_wide is None and 90 < abs(b) <= 180:
            second_wide = m.group(0)
    if not count:
        return None
    if first_wide and second_wide:
        return GpsOrder(
            False,
            False,
            f"values beyond ±90 come first ({first_wide}) and second ({second_wide}): "
            "inconsistent cues",
        )
    if first_wide:
        return GpsOrder(False, True, f"{first_wide} has a first value beyond ±90")
    if second_wide:
        return GpsOrder(True, True, f"{second_wide} has a second value beyond ±90")
    return GpsOrder(False, False, f"all {count} GPS(a, b) values are within ±90")


def _order_warning(order: GpsOrder, first: TrackPoint) -> list[str]:
    if order.lat_first:
        return [
            "GPS(a, b) cues write LATITUDE first, unlike DJI's documented longitude-first "
            f"order ({order.basis}); read latitude first"
        ]
    if order.certain:
        return []
    return [
        f"GPS(a, b) order is ambiguous ({order.basis}): read as DJI's documented "
        f"GPS(longitude, latitude), first fix latitude {first.lat}, longitude {first.lon}; "
        f"the other order would put it at latitude {first.lon}, longitude {first.lat}. "
        "Check against where the flight is known to be"
    ]


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


def _parse_block(block: str, seq: int, lat_first: bool) -> tuple[SrtFix | None, str]:
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
        layout = LAYOUT_PAREN
        if lat_first:
            lat, lon = lon, lat
            layout = LAYOUT_PAREN_LAT_FIRST
        alt = float(gps.group(3)) if gps.group(3) else None
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
