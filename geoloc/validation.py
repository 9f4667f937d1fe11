"""Checks on positions before anything is computed or stored from them.

Each check raises `ValidationError` with a sentence naming the bad value, so the CLI and the
GUI can show it as is, and a record is never stored half-valid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from forensics.errors import ValidationError

MAX_RADIUS_M = 20_037_509.0
"""Half the Earth's circumference: a larger uncertainty radius says nothing."""


def _number(value: object, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationError(f"{label} must be a number, not {value!r}")
    try:
        number = float(value)
    except ValueError as exc:
        raise ValidationError(f"{label} must be a number, not {value!r}") from exc
    if not math.isfinite(number):
        raise ValidationError(f"{label} must be a finite number, not {value!r}")
    return number


def check_lat_lon(lat: object, lon: object) -> tuple[float, float]:
    """A latitude and longitude as floats, in range and not NaN.

    Raises:
        ValidationError: either is not a number, NaN or infinite, or out of range.
    """
    la = _number(lat, "latitude")
    lo = _number(lon, "longitude")
    if not -90.0 <= la <= 90.0:
        raise ValidationError(f"latitude {la} is out of range (-90 to 90)")
    if not -180.0 <= lo <= 180.0:
        raise ValidationError(f"longitude {lo} is out of range (-180 to 180)")
    return la, lo


def check_radius(radius_m: object) -> float:
    """An uncertainty radius in metres: a finite number, zero or more.

    Raises:
        ValidationError: negative, NaN, infinite or larger than half the Earth.
    """
    r = _number(radius_m, "radius")
    if r < 0:
        raise ValidationError(f"radius {r} m is negative; an uncertainty radius is 0 or more")
    if r > MAX_RADIUS_M:
        raise ValidationError(f"radius {r} m is larger than half the Earth's circumference")
    return r


def check_area(ring: Sequence[Sequence[object]]) -> tuple[tuple[float, float], ...]:
    """An area's outline as (lon, lat) pairs (GeoJSON order), open (not repeating the first).

    Raises:
        ValidationError: fewer than three distinct vertices, or a vertex out of range.
    """
    points: list[tuple[float, float]] = []
    for n, vertex in enumerate(ring, start=1):
        if len(vertex) < 2:
            raise ValidationError(f"area vertex {n} needs a longitude and a latitude")
        try:
            lat, lon = check_lat_lon(vertex[1], vertex[0])
        except ValidationError as exc:
            raise ValidationError(f"area vertex {n}: {exc}") from exc
        points.append((lon, lat))
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(set(points)) < 3:
        raise ValidationError("an area needs at least three distinct vertices")
    return tuple(points)


def centroid(ring: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """A representative (lat, lon) for an area: the mean of its vertices.

    Good enough for the small areas hypotheses use (a district, a few streets); it is the
    point distances and map labels are measured from.
    """
    lon = sum(p[0] for p in ring) / len(ring)
    lat = sum(p[1] for p in ring) / len(ring)
    return lat, lon
