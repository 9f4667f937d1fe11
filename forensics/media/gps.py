"""GPS values from EXIF, decoded to decimal degrees and validated.

exifread hands back the raw rationals: a zero denominator (`48/0`) raises in a naive
`float()`, and out-of-range values (latitude 123 deg 75 min 99 sec, reference 'Q') pass straight
through. Every check here turns a bad value into a warning naming the tag, so a damaged GPS
block yields "no position, and why" instead of a wrong position or a crash.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class GpsFix:
    """A validated EXIF GPS reading (position may be absent when only other tags are valid)."""

    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None
    direction: float | None = None
    direction_ref: str | None = None
    timestamp: str | None = None
    """UTC date and time from GPSDateStamp + GPSTimeStamp, ISO 8601 with a `Z`."""
    datum: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def has_position(self) -> bool:
        """True when both latitude and longitude are valid."""
        return self.latitude is not None and self.longitude is not None

    def facts(self) -> dict[str, Any]:
        """The fix as stored facts (absent values left out)."""
        out = {
            "latitude": _round(self.latitude),
            "longitude": _round(self.longitude),
            "altitude": None if self.altitude is None else round(self.altitude, 3),
            "direction": None if self.direction is None else round(self.direction, 3),
            "direction_ref": self.direction_ref,
            "timestamp": self.timestamp,
            "datum": self.datum,
        }
        return {k: v for k, v in out.items() if v is not None}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 7)


@dataclass
class _Acc:
    warnings: list[str] = field(default_factory=list)

    def warn(self, tag: str, reason: str) -> None:
        self.warnings.append(f"invalid GPS: {tag} {reason}; ignored")


def _values(tag: Any) -> list[Any]:
    values = getattr(tag, "values", tag)
    if isinstance(values, str | bytes):
        return [values]
    if isinstance(values, Sequence):
        return list(values)
    return [values]


def _rational(value: Any, tag: str, acc: _Acc) -> float | None:
    """A float from an exifread Ratio or number, or None with a warning."""
    num = getattr(value, "numerator", None)
    den = getattr(value, "denominator", None)
    try:
        if num is not None and den is not None:
            if int(den) == 0:
                acc.warn(tag, f"has a zero denominator ({num}/{den})")
                return None
            result = int(num) / int(den)
        else:
            result = float(value)
    except (TypeError, ValueError, OverflowError, ZeroDivisionError) as exc:
        acc.warn(tag, f"is not a number ({exc})")
        return None
    if not math.isfinite(result):
        acc.warn(tag, "is not a finite number")
        return None
    return result


def _text(tag: Any) -> str | None:
    if tag is None:
        return None
    values = getattr(tag, "values", tag)
    if isinstance(values, bytes):
        values = values.decode("ascii", "replace")
    if isinstance(values, list):
        values = (
            "".join(chr(v) if isinstance(v, int) and 0 < v < 128 else "" for v in values)
            if all(isinstance(v, int) for v in values)
            else " ".join(str(v) for v in values)
        )
    return str(values).strip("\x00 ").strip() or None


def _dms(
    tags: Mapping[str, Any],
    name: str,
    ref_name: str,
    limit: float,
    allowed: tuple[str, ...],
    acc: _Acc,
) -> float | None:
    tag = tags.get(f"GPS {name}")
    ref_tag = tags.get(f"GPS {ref_name}")
    if tag is None:
        return None
    ref = _text(ref_tag)
    if ref is None:
        acc.warn(ref_name, "is missing")
        return None
    ref = ref.upper()
    if ref not in allowed:
        acc.warn(ref_name, f"is {ref!r}, not one of {'/'.join(allowed)}")
        return None
    parts = _values(tag)
    if not 1 <= len(parts) <= 3:
        acc.warn(name, f"has {len(parts)} values, expected degrees, minutes, seconds")
        return None
    nums: list[float] = []
    for part in parts:
        number = _rational(part, name, acc)
        if number is None:
            return None
        nums.append(number)
    nums += [0.0, 0.0]
    degrees, minutes, seconds = nums[0], nums[1], nums[2]
    if degrees < 0 or minutes < 0 or seconds < 0:
        acc.warn(name, "has a negative component (the sign belongs in the reference)")
        return None
    if minutes >= 60:
        acc.warn(name, f"minutes {minutes:g} are not below 60")
        return None
    if seconds >= 60:
        acc.warn(name, f"seconds {seconds:g} are not below 60")
        return None
    value = degrees + minutes / 60 + seconds / 3600
    if value > limit:
        acc.warn(name, f"{value:g}° is out of range (at most {limit:g}°)")
        return None
    return -value if ref in ("S", "W") else value


def decode_gps(tags: Mapping[str, Any]) -> GpsFix:
    """Decode and validate the `GPS ...` tags of an exifread result.

    Args:
        tags: exifread's tag dictionary (keys like "GPS GPSLatitude").

    Returns:
        The valid values; each invalid tag leaves its value out and adds a warning.
    """
    acc = _Acc()
    lat = _dms(tags, "GPSLatitude", "GPSLatitudeRef", 90.0, ("N", "S"), acc)
    lon = _dms(tags, "GPSLongitude", "GPSLongitudeRef", 180.0, ("E", "W"), acc)
    if (lat is None) != (lon is None):
        acc.warnings.append(
            "invalid GPS: only one of latitude and longitude is valid; no position recorded"
        )
        lat = lon = None
    altitude = None
    if "GPS GPSAltitude" in tags:
        alt_values = _values(tags["GPS GPSAltitude"])
        altitude = _rational(alt_values[0], "GPSAltitude", acc) if alt_values else None
        ref_values = _values(tags.get("GPS GPSAltitudeRef", [0]))
        ref = ref_values[0] if ref_values else 0
        if altitude is not None and ref in (1, b"\x01", "1"):
            altitude = -altitude
        if altitude is not None and not -12_000 <= altitude <= 100_000:
            acc.warn("GPSAltitude", f"{altitude:g} m is out of range")
            altitude = None
    direction = None
    if "GPS GPSImgDirection" in tags:
        dir_values = _values(tags["GPS GPSImgDirection"])
        direction = _rational(dir_values[0], "GPSImgDirection", acc) if dir_values else None
        if direction is not None and not 0 <= direction <= 360:
            acc.warn("GPSImgDirection", f"{direction:g}° is out of range (0-360)")
            direction = None
    direction_ref = _text(tags.get("GPS GPSImgDirectionRef"))
    if direction_ref is not None and direction_ref.upper() not in ("T", "M"):
        acc.warn("GPSImgDirectionRef", f"is {direction_ref!r}, not T or M")
        direction_ref = None
    return GpsFix(
        latitude=lat,
        longitude=lon,
        altitude=altitude,
        direction=direction,
        direction_ref={"T": "true north", "M": "magnetic north"}.get((direction_ref or "").upper()),
        timestamp=_timestamp(tags, acc),
        datum=_text(tags.get("GPS GPSMapDatum")),
        warnings=tuple(acc.warnings),
    )


def _timestamp(tags: Mapping[str, Any], acc: _Acc) -> str | None:
    time_tag = tags.get("GPS GPSTimeStamp")
    date = _text(tags.get("GPS GPSDate"))
    if time_tag is None:
        return None
    parts = [_rational(p, "GPSTimeStamp", acc) for p in _values(time_tag)]
    if len(parts) != 3 or any(p is None for p in parts):
        if len(parts) != 3:
            acc.warn("GPSTimeStamp", f"has {len(parts)} values, expected 3")
        return None
    h, m, s = (float(p) for p in parts if p is not None)
    if not (0 <= h < 24 and 0 <= m < 60 and 0 <= s < 61):
        acc.warn("GPSTimeStamp", f"{h:g}:{m:g}:{s:g} is not a time of day")
        return None
    clock = f"{int(h):02d}:{int(m):02d}:{s:06.3f}".rstrip("0").rstrip(".")
    if date and len(date) >= 10 and date[4] in ":-" and date[:4].isdigit():
        return f"{date[:4]}-{date[5:7]}-{date[8:10]}T{clock}Z"
    return f"{clock}Z"
