"""Where a map looks and how degrees become pixels: extent, projection, clipping, scale.

One place for this arithmetic, shared by the report's SVG map and the GUI's map view.
The projection is equirectangular with the longitude scaled by the cosine of the middle
latitude, so shapes and the scale bar are true near the map's centre: at the extents a
forensic map shows (a district, a region) the error at the edges is a few percent.
Nothing here trusts its input: coordinates that are not finite or not on Earth are dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

M_PER_DEG_LAT = 110_574.0
"""Metres per degree of latitude (WGS84, at the equator: the figure the GUI map uses)."""
M_PER_DEG_LON = 111_320.0
"""Metres per degree of longitude at the equator."""
MIN_SPAN_DEG = 0.4
"""The least latitude span a map shows (about 44 km): one point still has its city around."""
MAX_RADIUS_M = 2_000_000.0
"""Uncertainty radii beyond this do not widen the extent (a typo must not show the world)."""
_MIN_COS = 0.05

LatLon = tuple[float, float]


def valid(lat: float, lon: float) -> bool:
    """True for a finite position on Earth."""
    return (
        isinstance(lat, int | float)
        and isinstance(lon, int | float)
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90.0 <= lat <= 90.0
        and -180.0 <= lon <= 180.0
    )


def radius_degrees(lat: float, radius_m: float) -> tuple[float, float]:
    """A radius in metres as (degrees of latitude, degrees of longitude) at `lat`."""
    cos = max(_MIN_COS, math.cos(math.radians(lat)))
    return radius_m / M_PER_DEG_LAT, radius_m / (M_PER_DEG_LON * cos)


@dataclass(frozen=True)
class Extent:
    """A lat/lon box: south, west, north, east in degrees (west < east; no antimeridian)."""

    south: float
    west: float
    north: float
    east: float

    @property
    def center(self) -> LatLon:
        """(lat, lon) of the middle."""
        return (self.south + self.north) / 2, (self.west + self.east) / 2

    def contains(self, lat: float, lon: float) -> bool:
        """True when the position is inside (edges included)."""
        return self.south <= lat <= self.north and self.west <= lon <= self.east


def _on_earth(south: float, west: float, north: float, east: float) -> Extent:
    """Shift a box back inside -90..90 / -180..180, shrinking it only when it is too big."""
    lat_span = min(north - south, 180.0)
    lon_span = min(east - west, 360.0)
    south = min(max(south, -90.0), 90.0 - lat_span)
    west = min(max(west, -180.0), 180.0 - lon_span)
    return Extent(south, west, south + lat_span, west + lon_span)


def bounds_of(points: Iterable[LatLon]) -> Extent | None:
    """The box around the valid points, or None when there is none."""
    south = west = math.inf
    north = east = -math.inf
    for lat, lon in points:
        if not valid(lat, lon):
            continue
        south, north = min(south, lat), max(north, lat)
        west, east = min(west, lon), max(east, lon)
    if south == math.inf:
        return None
    return Extent(south, west, north, east)


def circle_bounds(lat: float, lon: float, radius_m: float | None) -> list[LatLon]:
    """The corners of the box around an uncertainty circle (the centre alone without one)."""
    if not valid(lat, lon):
        return []
    if radius_m is None or not math.isfinite(radius_m) or radius_m <= 0:
        return [(lat, lon)]
    dlat, dlon = radius_degrees(lat, min(radius_m, MAX_RADIUS_M))
    return [(lat - dlat, lon - dlon), (lat + dlat, lon + dlon)]


def extent_for(
    points: Iterable[LatLon],
    *,
    aspect: float = 1.6,
    pad: float = 0.15,
    min_span_deg: float = MIN_SPAN_DEG,
) -> Extent | None:
    """The extent a map of these points shows.

    The points' box, padded by `pad` of its size on each side, at least `min_span_deg` of
    latitude high, then widened in one direction so that it fills a map `aspect` times as
    wide as high (in kilometres, not degrees) without stretching.

    Args:
        points: (lat, lon) pairs; invalid ones are ignored.
        aspect: the map's width over its height.
        pad: margin around the data, as a fraction of the data's span.
        min_span_deg: the least latitude span (for one point, or points close together).

    Returns:
        The extent, or None when no point is a position on Earth.
    """
    box = bounds_of(points)
    if box is None:
        return None
    lat, lon = box.center
    cos = max(_MIN_COS, math.cos(math.radians(lat)))
    lat_span = max((box.north - box.south) * (1 + 2 * pad), min_span_deg)
    lon_span = max((box.east - box.west) * (1 + 2 * pad), 1e-9)
    # Spans in "north-south degrees" so both axes are compared in distance on the ground.
    if lon_span * cos / lat_span > aspect:
        lat_span = lon_span * cos / aspect
    else:
        lon_span = lat_span * aspect / cos
    return _on_earth(lat - lat_span / 2, lon - lon_span / 2, lat + lat_span / 2, lon + lon_span / 2)


@dataclass(frozen=True)
class Projection:
    """Maps an extent onto a `width` x `height` pixel box (y down)."""

    extent: Extent
    width: float
    height: float

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        """Pixel position of a (lat, lon)."""
        e = self.extent
        x = (lon - e.west) / (e.east - e.west) * self.width
        y = (e.north - lat) / (e.north - e.south) * self.height
        return x, y

    def metres_per_pixel(self) -> float:
        """Ground distance of one pixel across, at the middle latitude."""
        lat = self.extent.center[0]
        cos = max(_MIN_COS, math.cos(math.radians(lat)))
        return (self.extent.east - self.extent.west) * M_PER_DEG_LON * cos / self.width

    def radius_px(self, lat: float, radius_m: float) -> tuple[float, float]:
        """A ground radius as (x, y) pixel radii at latitude `lat`."""
        dlat, dlon = radius_degrees(lat, radius_m)
        e = self.extent
        return (
            dlon / (e.east - e.west) * self.width,
            dlat / (e.north - e.south) * self.height,
        )


def nice_length(max_m: float) -> float:
    """The longest 1, 2 or 5 x 10^n metres not above `max_m` (a scale bar's length)."""
    if not math.isfinite(max_m) or max_m <= 0:
        return 0.0
    power = 10.0 ** math.floor(math.log10(max_m))
    return next(f * power for f in (5.0, 2.0, 1.0) if f * power <= max_m)


@dataclass(frozen=True)
class ScaleBar:
    """A scale bar: a round ground length, how many pixels it spans, and its label."""

    length_m: float
    px: float
    label: str


def scale_bar_for(proj: Projection, fraction: float = 0.25) -> ScaleBar | None:
    """The scale bar of a map: the longest round length within `fraction` of its width.

    One rule for the report's SVG map and the GUI's map view, so both show the same bar for
    the same extent. None when the projection has no usable scale (an empty or broken extent).
    """
    mpp = proj.metres_per_pixel()
    if not math.isfinite(mpp) or mpp <= 0:
        return None
    length = nice_length(mpp * proj.width * fraction)
    if length <= 0:
        return None
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    return ScaleBar(length, length / mpp, label)


def graticule_step(span_deg: float) -> float:
    """A round step (1, 2 or 5 x 10^n degrees) giving about four lines across a span."""
    if not math.isfinite(span_deg) or span_deg <= 0:
        return 1.0
    return nice_length(span_deg / 3) or span_deg


# clipping -------------------------------------------------------------------------------
Box = tuple[float, float, float, float]
"""xmin, ymin, xmax, ymax in pixels."""
Pt = tuple[float, float]


def clip_polygon(ring: Sequence[tuple[float, float]], box: Box) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the part of a closed ring inside the box (edges may run along it)."""
    xmin, ymin, xmax, ymax = box
    out = list(ring)
    edges: tuple[tuple[Callable[[Pt], bool], Callable[[Pt, Pt], Pt]], ...] = (
        (lambda p: p[0] >= xmin, lambda a, b: _at_x(a, b, xmin)),
        (lambda p: p[0] <= xmax, lambda a, b: _at_x(a, b, xmax)),
        (lambda p: p[1] >= ymin, lambda a, b: _at_y(a, b, ymin)),
        (lambda p: p[1] <= ymax, lambda a, b: _at_y(a, b, ymax)),
    )
    for inside, cut in edges:
        if not out:
            break
        src, out = out, []
        prev = src[-1]
        for cur in src:
            if inside(cur):
                if not inside(prev):
                    out.append(cut(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cut(prev, cur))
            prev = cur
    return out


def _at_x(a: tuple[float, float], b: tuple[float, float], x: float) -> tuple[float, float]:
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _at_y(a: tuple[float, float], b: tuple[float, float], y: float) -> tuple[float, float]:
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y


def clip_segment(
    a: tuple[float, float], b: tuple[float, float], box: Box
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """Liang-Barsky: the part of segment a-b inside the box, or None."""
    xmin, ymin, xmax, ymax = box
    dx, dy = b[0] - a[0], b[1] - a[1]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, a[0] - xmin), (dx, xmax - a[0]), (-dy, a[1] - ymin), (dy, ymax - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return (a[0] + t0 * dx, a[1] + t0 * dy), (a[0] + t1 * dx, a[1] + t1 * dy)


def thin(points: Sequence[tuple[float, float]], min_px: float) -> list[tuple[float, float]]:
    """Drop points closer than `min_px` to the last one kept (the last point always stays)."""
    if len(points) < 3:
        return list(points)
    kept = [points[0]]
    for p in points[1:-1]:
        q = kept[-1]
        if abs(p[0] - q[0]) >= min_px or abs(p[1] - q[1]) >= min_px:
            kept.append(p)
    kept.append(points[-1])
    return kept
