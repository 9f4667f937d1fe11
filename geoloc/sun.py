"""Where the sun stood: azimuth and elevation for a place and a moment.

NOAA's solar position algorithm (the one behind NOAA's Solar Calculator, after Meeus,
"Astronomical Algorithms"), good to about 0.01 degrees between 1800 and 2100: far finer than
a shadow measured on a video frame. With it a shadow's direction on a frame can support or
refute a hypothesised place and time: the shadow points away from the sun.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from forensics.errors import ValidationError
from geoloc.validation import check_lat_lon


@dataclass(frozen=True)
class SunPosition:
    """The sun as seen from one place at one moment (degrees)."""

    azimuth: float
    """Clockwise from true north, 0-360."""
    elevation: float
    """Above the horizon, corrected for atmospheric refraction; negative at night."""
    when_utc: str
    lat: float
    lon: float

    @property
    def shadow_azimuth(self) -> float:
        """Direction a vertical object's shadow points (away from the sun)."""
        return (self.azimuth + 180.0) % 360.0

    @property
    def is_up(self) -> bool:
        """True when the sun's centre is above the horizon (shadows exist)."""
        return self.elevation > 0.0

    def to_json(self) -> dict[str, float | str | bool]:
        """The position as `--json` documents show it."""
        return {
            "when_utc": self.when_utc,
            "lat": self.lat,
            "lon": self.lon,
            "azimuth_deg": round(self.azimuth, 3),
            "elevation_deg": round(self.elevation, 3),
            "shadow_azimuth_deg": round(self.shadow_azimuth, 3),
            "sun_up": self.is_up,
        }


@dataclass(frozen=True)
class ShadowCheck:
    """A measured shadow direction compared with the one the sun predicts."""

    predicted: float
    measured: float
    difference: float
    """Smallest angle between them, 0-180 degrees."""
    tolerance: float
    consistent: bool

    def to_json(self) -> dict[str, Any]:
        """The check as `--json` documents and the hypothesis history show it."""
        return {
            "predicted_deg": round(self.predicted, 2),
            "measured_deg": round(self.measured, 2),
            "difference_deg": round(self.difference, 2),
            "tolerance_deg": self.tolerance,
            "consistent": self.consistent,
        }


TIME_EXAMPLE = "2025-05-01T10:00+08:00"
_EXIF_DATE = re.compile(r"^(\d{4}):(\d{2}):(\d{2})([ T])")


def parse_time(text: str) -> datetime:
    """Read a capture time typed by a person or copied from metadata, with its UTC offset.

    Takes ISO 8601 ("2025-05-01T10:00+08:00", "...Z", a space for the T) and EXIF's
    "2025:05:01 10:00:00" date form. The sun moves 15 degrees an hour, so a time without an
    offset is refused rather than guessed.

    Raises:
        ValidationError: in words: nothing given, not a date and time, or no UTC offset.
    """
    given = text.strip()
    if not given:
        raise ValidationError(
            f"no time given: enter when the picture was taken, e.g. {TIME_EXAMPLE}"
        )
    iso = _EXIF_DATE.sub(r"\1-\2-\3\4", given)
    iso = iso[:-1] + "+00:00" if iso[-1:] in "zZ" else iso
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        raise ValidationError(
            f"{given!r} is not a date and time: write the date, a T, the time of day and the "
            f"UTC offset, e.g. {TIME_EXAMPLE} (or ...Z for UTC)"
        ) from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValidationError(
            f"{given!r} has no UTC offset: add the offset of the local time where it was "
            "taken (e.g. +08:00 for China) or Z for UTC"
        )
    return when


def _julian_day(when: datetime) -> float:
    return when.timestamp() / 86400.0 + 2440587.5


def sun_position(when: datetime, lat: float, lon: float) -> SunPosition:
    """The sun's azimuth and elevation (NOAA algorithm).

    Args:
        when: the moment, with its UTC offset (a capture time without one is ambiguous by
            hours, which moves the sun by tens of degrees).
        lat: latitude in degrees.
        lon: longitude in degrees, east positive.

    Raises:
        ValidationError: a naive time, or a position out of range.
    """
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValidationError(
            "the time has no UTC offset; give one (e.g. 2025-03-01T10:00:00+08:00 or ...Z)"
        )
    check_lat_lon(lat, lon)
    utc = when.astimezone(UTC)
    jc = (_julian_day(utc) - 2451545.0) / 36525.0
    mean_long = (280.46646 + jc * (36000.76983 + jc * 0.0003032)) % 360.0
    mean_anom = 357.52911 + jc * (35999.05029 - 0.0001537 * jc)
    ecc = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc)
    m = math.radians(mean_anom)
    center = (
        math.sin(m) * (1.914602 - jc * (0.004817 + 0.000014 * jc))
        + math.sin(2 * m) * (0.019993 - 0.000101 * jc)
        + math.sin(3 * m) * 0.000289
    )
    true_long = mean_long + center
    omega = math.radians(125.04 - 1934.136 * jc)
    app_long = true_long - 0.00569 - 0.00478 * math.sin(omega)
    mean_obliq = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60
    obliq = math.radians(mean_obliq + 0.00256 * math.cos(omega))
    decl = math.asin(math.sin(obliq) * math.sin(math.radians(app_long)))
    y = math.tan(obliq / 2) ** 2
    l0 = math.radians(mean_long)
    eq_time = 4 * math.degrees(
        y * math.sin(2 * l0)
        - 2 * ecc * math.sin(m)
        + 4 * ecc * y * math.sin(m) * math.cos(2 * l0)
        - 0.5 * y * y * math.sin(4 * l0)
        - 1.25 * ecc * ecc * math.sin(2 * m)
    )
    minutes = utc.hour * 60 + utc.minute + (utc.second + utc.microsecond / 1e6) / 60
    true_solar = (minutes + eq_time + 4 * lon) % 1440
    hour_angle = true_solar / 4 - 180 if true_solar / 4 >= 0 else true_solar / 4 + 180
    ha = math.radians(hour_angle)
    phi = math.radians(lat)
    cos_zen = math.sin(phi) * math.sin(decl) + math.cos(phi) * math.cos(decl) * math.cos(ha)
    zenith = math.degrees(math.acos(max(-1.0, min(1.0, cos_zen))))
    sin_zen = math.sin(math.radians(zenith))
    if abs(sin_zen * math.cos(phi)) < 1e-12:
        azimuth = 180.0 if lat > 0 else 0.0
    else:
        cos_az = (math.sin(phi) * math.cos(math.radians(zenith)) - math.sin(decl)) / (
            math.cos(phi) * sin_zen
        )
        az = math.degrees(math.acos(max(-1.0, min(1.0, cos_az))))
        azimuth = (az + 180) % 360 if hour_angle > 0 else (540 - az) % 360
    elevation = 90.0 - zenith
    return SunPosition(
        azimuth=azimuth,
        elevation=elevation + _refraction(elevation),
        when_utc=utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        lat=lat,
        lon=lon,
    )


def _refraction(elevation: float) -> float:
    """Atmospheric refraction in degrees (NOAA's piecewise approximation)."""
    if elevation > 85.0:
        return 0.0
    te = math.tan(math.radians(elevation))
    if elevation > 5.0:
        arcsec = 58.1 / te - 0.07 / te**3 + 0.000086 / te**5
    elif elevation > -0.575:
        arcsec = 1735.0 + elevation * (
            -518.2 + elevation * (103.4 + elevation * (-12.79 + elevation * 0.711))
        )
    else:
        arcsec = -20.772 / te
    return arcsec / 3600.0


def check_shadow(
    sun: SunPosition, measured_shadow_azimuth: float, tolerance: float = 15.0
) -> ShadowCheck:
    """Compare a shadow direction measured on a frame with the predicted one.

    Args:
        sun: the predicted sun position.
        measured_shadow_azimuth: the shadow's direction from true north, degrees.
        tolerance: largest difference still called consistent, degrees.

    Raises:
        ValidationError: the measured direction is not a finite number.
    """
    if not math.isfinite(measured_shadow_azimuth):
        raise ValidationError("the measured shadow direction is not a number")
    predicted = sun.shadow_azimuth
    diff = abs((measured_shadow_azimuth - predicted + 180.0) % 360.0 - 180.0)
    return ShadowCheck(
        predicted, measured_shadow_azimuth % 360.0, diff, tolerance, sun.is_up and diff <= tolerance
    )
