"""The offline basemap as SVG paths: land, coastlines and borders inside one extent.

The Natural Earth country outlines (geoloc/basemap.py) are polygons; a coastline is an edge
only one country has, a land border an edge two countries share (world-atlas keeps shared
edges identical, so counting edges tells them apart). Only rings that reach into the extent
are read, and what is drawn is clipped to it and thinned to what a pixel can show, so a map
of a district stays a few kilobytes while a map of a continent stays under a megabyte.
"""

from __future__ import annotations

import itertools
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from geoloc.basemap import Basemap
from geoloc.mapframe import Box, Projection, clip_polygon, clip_segment, thin

log = logging.getLogger(__name__)

Ring = list[tuple[float, float]]
EdgeKey = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class BasemapPaths:
    """SVG path data (pixel coordinates) of the basemap inside one projection."""

    land: tuple[tuple[str, str], ...]
    """(country name, path data) per country with land in view."""
    coast: str
    borders: str

    @property
    def empty(self) -> bool:
        """True when no land is in view (open sea, or a basemap with nothing usable)."""
        return not self.land and not self.coast


def _rings_in_view(basemap: Basemap, proj: Projection) -> list[tuple[str, list[Ring]]]:
    """(country name, its rings in lon/lat) for rings whose box reaches the extent."""
    e = proj.extent
    dlat, dlon = (e.north - e.south) * 0.02, (e.east - e.west) * 0.02
    south, west, north, east = e.south - dlat, e.west - dlon, e.north + dlat, e.east + dlon
    found: list[tuple[str, list[Ring]]] = []
    for country in basemap.countries:
        try:
            rings: list[Ring] = []
            for ring in country.rings:
                if len(ring) < 3:
                    continue
                xs = [p[0] for p in ring]
                ys = [p[1] for p in ring]
                if not (max(xs) >= west and min(xs) <= east and max(ys) >= south):
                    continue
                if not min(ys) <= north:
                    continue
                # Comparisons with NaN are false: non-finite vertices drop out here.
                pts = [(x, y) for x, y in ring if -180.0 <= x <= 180.0 and -90.0 <= y <= 90.0]
                for copy in _unwrapped(pts) if len(pts) >= 3 else ():
                    if max(p[0] for p in copy) >= west and min(p[0] for p in copy) <= east:
                        rings.append(copy)
        except (TypeError, ValueError, IndexError) as exc:
            log.warning("basemap: country %r skipped (%s)", getattr(country, "name", "?"), exc)
            continue
        if rings:
            found.append((str(country.name), rings))
    return found


def _unwrapped(ring: Ring) -> list[Ring]:
    """A ring that crosses the antimeridian (Russia, Fiji) as two copies without the jump.

    Drawn as stored, its edge from 179.9 to -180 would cross the whole map. Moved east of
    180 it is continuous; the copy 360 degrees west shows the same land on the map's left.
    """
    if not any(abs(a[0] - b[0]) > 180.0 for a, b in itertools.pairwise(ring)):
        return [ring]
    east = [(x + 360.0 if x < 0 else x, y) for x, y in ring]
    return [east, [(x - 360.0, y) for x, y in east]]


def _key(x: float, y: float) -> tuple[int, int]:
    return round(x * 1000), round(y * 1000)


def _edge(a: tuple[int, int], b: tuple[int, int]) -> EdgeKey:
    return (a, b) if a <= b else (b, a)


def path_data(points: Sequence[tuple[float, float]], *, close: bool = False) -> str:
    """SVG path data for a polyline (or a closed ring), one decimal per coordinate."""
    if not points:
        return ""
    head = f"M{points[0][0]:.1f} {points[0][1]:.1f}"
    rest = " ".join(f"{x:.1f} {y:.1f}" for x, y in points[1:])
    return head + ("L" + rest if rest else "") + ("Z" if close else "")


def basemap_paths(basemap: Basemap, proj: Projection, *, min_px: float = 0.6) -> BasemapPaths:
    """Land, coastlines and borders of the basemap inside the projection's extent."""
    found = _rings_in_view(basemap, proj)
    box: Box = (-2.0, -2.0, proj.width + 2.0, proj.height + 2.0)
    edges: Counter[EdgeKey] = Counter()
    keyed: list[tuple[list[tuple[int, int]], Ring]] = []
    land: list[tuple[str, str]] = []
    for name, rings in found:
        parts = []
        for ring in rings:
            keys = [_key(x, y) for x, y in ring]
            for a, b in zip(keys, keys[1:] + keys[:1], strict=True):
                if a != b:
                    edges[_edge(a, b)] += 1
            px = [proj.xy(y, x) for x, y in ring]
            keyed.append((keys, px))
            clipped = thin(clip_polygon(px, box), min_px)
            if len(clipped) >= 3:
                parts.append(path_data(clipped, close=True))
        if parts:
            land.append((name, "".join(parts)))
    coast: list[list[tuple[float, float]]] = []
    borders: list[list[tuple[float, float]]] = []
    for keys, px in keyed:
        _trace(keys, px, edges, box, coast, borders)
    return BasemapPaths(
        tuple(land),
        "".join(path_data(thin(line, min_px)) for line in coast),
        "".join(path_data(thin(line, min_px)) for line in borders),
    )


def _inside(p: tuple[float, float], box: Box) -> bool:
    return box[0] <= p[0] <= box[2] and box[1] <= p[1] <= box[3]


def _trace(
    keys: list[tuple[int, int]],
    px: Ring,
    edges: Counter[EdgeKey],
    box: Box,
    coast: list[list[tuple[float, float]]],
    borders: list[list[tuple[float, float]]],
) -> None:
    """Split one ring's outline into coastline and border polylines, clipped to the box."""
    current: list[tuple[float, float]] | None = None
    current_is_border = False
    n = len(px)
    for i in range(n):
        j = (i + 1) % n
        if keys[i] == keys[j]:
            continue
        is_border = edges[_edge(keys[i], keys[j])] > 1
        a, b = px[i], px[j]
        seg = (a, b) if _inside(a, box) and _inside(b, box) else clip_segment(a, b, box)
        if seg is None:
            current = None
            continue
        if current is not None and is_border == current_is_border and current[-1] == seg[0]:
            current.append(seg[1])
            continue
        current = [seg[0], seg[1]]
        current_is_border = is_border
        (borders if is_border else coast).append(current)
