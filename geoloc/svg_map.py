"""A report's map as inline SVG: the offline basemap under the case's positions and tracks.

`draw_map` is the `MapDrawer` the report is given (forensics/exchange/map_figure.py). It
draws, with no network and no external file: land, coastlines and borders from Natural Earth
(geoloc/svg_basemap.py), the largest place names in view (geoloc/map_labels.py), hypotheses
as pins with their uncertainty circle or area, metadata positions as dots, telemetry tracks
as lines, then a legend, a north arrow, a scale bar and a locator inset showing where on
Earth the map is (geoloc/map_furniture.py), and under it the bounds in degrees and the
data's credits. Any coordinate that is
not a position on Earth is left out and counted, never drawn and never fatal. It sticks to
what Qt's SVG renderer draws (no CSS, no clip paths), so the PDF shows the same map.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

from forensics.exchange.map_figure import HYPOTHESIS, DrawnMap, MapFigure, MapMarker
from geoloc.basemap import CREDIT, Basemap, load_basemap
from geoloc.export_geo import STATUS_COLOURS
from geoloc.map_furniture import (
    BORDER,
    COAST,
    FONT,
    LAND,
    POSITION_COLOURS,
    SEA,
    TRACK,
    furniture_boxes,
    graticule,
    halo_text,
    inset,
    legend,
    north_arrow,
    scale_bar,
)
from geoloc.map_labels import LabelPlace, Occupied, choose_labels, label_places, pin_label
from geoloc.mapframe import LatLon, Projection, circle_bounds, extent_for, thin, valid
from geoloc.svg_basemap import basemap_paths, path_data
from geoloc.svg_text import attr, fmt_lat, fmt_lon, svg_text

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 720, 440
MAX_MARKERS = 2000
"""Markers drawn at most (the rest are counted in the caption, not drawn)."""
MAX_HYPOTHESIS_LABELS = 20
GEONAMES_CREDIT = "Place names: GeoNames (geonames.org), CC BY 4.0"
SUPPLEMENT_CREDIT = "district names: resources/geo/places.csv (each row names its source)"


def basemap_credit(basemap: Basemap) -> str:
    """The basemap's source and licence, as the map credits it."""
    return f"Basemap: {basemap.source} ({basemap.license})"


def figure_points(figure: MapFigure) -> tuple[list[LatLon], int]:
    """The positions the extent must hold, and how many coordinates were not on Earth."""
    points: list[LatLon] = []
    skipped = 0
    for m in figure.markers:
        if not valid(m.lat, m.lon):
            skipped += 1
            continue
        points.extend(circle_bounds(m.lat, m.lon, m.radius_m))
        points.extend((lat, lon) for lon, lat in m.area or () if valid(lat, lon))
    for line in figure.lines:
        for lat, lon in line.points:
            if valid(lat, lon):
                points.append((lat, lon))
            else:
                skipped += 1
    return points, skipped


def draw_map(
    figure: MapFigure,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    basemap: Basemap | None = None,
    places: Sequence[LabelPlace] | None = None,
) -> DrawnMap | None:
    """Draw the figure on the basemap; None when none of its coordinates is on Earth.

    Args:
        figure: the markers and tracks to draw.
        width: map width in pixels (the SVG is taller by the caption lines under the map).
        height: map height in pixels.
        basemap: the outlines to draw (default: the shipped Natural Earth basemap).
        places: the places that may be labelled (default: the gazetteer's).
    """
    points, skipped = figure_points(figure)
    extent = extent_for(points, aspect=width / height)
    if extent is None:
        return None
    proj = Projection(extent, width, height)
    bm = basemap if basemap is not None else load_basemap()
    credits = [f"Basemap: {CREDIT}" if basemap is None else basemap_credit(bm)]
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" '
        f'height="{{total}}" viewBox="0 0 {width} {{total}}" '
        f'font-family="{FONT}" class="pwb-map">',
        f"<title>Map of {fmt_lat(extent.south)} to {fmt_lat(extent.north)}, "
        f"{fmt_lon(extent.west)} to {fmt_lon(extent.east)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{SEA}"/>',
    ]
    out += _basemap(bm, proj, detail=0.6)
    occupied = Occupied(furniture_boxes(width, height))
    out += graticule(proj, occupied)
    overlays, drawn = _overlays(figure, proj, occupied)
    out += overlays
    if places is None:
        places = label_places()
    labels = choose_labels(places, proj, occupied)
    for label in labels:
        x, y = proj.xy(label.place.lat, label.place.lon)
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="#333" class="place"/>')
        out += halo_text(label.x, label.y, label.place.name, anchor=label.anchor, size=11)
    if any(label.place.geonames for label in labels):
        credits.append(GEONAMES_CREDIT)
    if any(not label.place.geonames for label in labels):
        credits.append(SUPPLEMENT_CREDIT)
    out += legend(figure)
    out += north_arrow(width)
    out += scale_bar(proj)
    out += inset(bm, extent, width, height)
    out.append(
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" '
        'stroke="#555" stroke-width="1"/>'
    )
    omitted = len(figure.markers) - drawn
    footer = [
        f"Bounds: {fmt_lat(extent.south)} to {fmt_lat(extent.north)}, {fmt_lon(extent.west)} "
        f"to {fmt_lon(extent.east)} (WGS84, equirectangular, north up)"
        + (f"; {omitted} markers not drawn" if omitted > 0 else ""),
        *_wrap(credits, int(width / (9 * 0.55))),
    ]
    for n, line in enumerate(footer):
        out.append(svg_text(4, height + 14 + 12 * n, line, size=10 if n == 0 else 9, fill="#333"))
    out.append("</svg>")
    total = height + 8 + 12 * len(footer)
    out[0] = out[0].replace("{total}", str(total))
    return DrawnMap(
        "".join(out),
        extent.south,
        extent.west,
        extent.north,
        extent.east,
        tuple(credits),
        skipped,
    )


def _wrap(parts: Sequence[str], chars: int) -> list[str]:
    """Join the credits with "; " into lines of at most about `chars` characters."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 2 + len(part) <= chars:
            lines[-1] += "; " + part
        else:
            lines.append(part)
    return lines


def _basemap(bm: Basemap, proj: Projection, *, detail: float) -> list[str]:
    try:
        paths = basemap_paths(bm, proj, min_px=detail)
    except (TypeError, ValueError, ZeroDivisionError) as exc:  # a damaged basemap is not fatal
        log.warning("basemap not drawn: %s", exc)
        return []
    out = [
        f'<path d="{d}" fill="{LAND}" fill-rule="evenodd" stroke="none"><title>{attr(name)}'
        "</title></path>"
        for name, d in paths.land
    ]
    if paths.borders:
        out.append(
            f'<path d="{paths.borders}" fill="none" stroke="{BORDER}" stroke-width="1" '
            'stroke-dasharray="4 2" class="borders"/>'
        )
    if paths.coast:
        out.append(
            f'<path d="{paths.coast}" fill="none" stroke="{COAST}" stroke-width="0.8" '
            'class="coast"/>'
        )
    return out


def _overlays(figure: MapFigure, proj: Projection, occupied: Occupied) -> tuple[list[str], int]:
    """Uncertainty circles and areas, position dots, tracks, then hypothesis pins on top."""
    out: list[str] = []
    markers = [m for m in figure.markers if valid(m.lat, m.lon)][:MAX_MARKERS]
    hypotheses = [m for m in markers if m.kind == HYPOTHESIS]
    positions = [m for m in markers if m.kind != HYPOTHESIS]
    for m in hypotheses:
        out += _uncertainty(m, proj)
    for m in positions:
        x, y = proj.xy(m.lat, m.lon)
        colour = POSITION_COLOURS.get(m.status, "#555555")
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}" stroke="#fff" '
            f'stroke-width="1" class="position"><title>{attr(m.label)}</title></circle>'
        )
        occupied.take((x - 4, y - 4, x + 4, y + 4))
    # Tracks over the position dots: a track's first fix is a position, and a short track
    # would hide under its own dot.
    for line in figure.lines:
        for run in _valid_runs(line.points):
            px = thin([proj.xy(lat, lon) for lat, lon in run], 0.5)
            if len(px) >= 2:
                out.append(
                    f'<path d="{path_data(px)}" fill="none" stroke="{TRACK}" stroke-width="2" '
                    f'stroke-linejoin="round" class="track"><title>{attr(line.label)}</title>'
                    "</path>"
                )
    for n, m in enumerate(hypotheses):
        x, y = proj.xy(m.lat, m.lon)
        colour = STATUS_COLOURS.get(m.status, "#777777")
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}" stroke="#202020" '
            f'stroke-width="1.2" class="hypothesis"><title>{attr(m.label)} ({attr(m.status)})'
            "</title></circle>"
        )
        occupied.take((x - 7, y - 7, x + 7, y + 7))
        placed = pin_label(x, y, m.label, occupied) if n < MAX_HYPOTHESIS_LABELS else None
        if placed is not None:
            out += halo_text(
                placed.x, placed.y, placed.text, anchor=placed.anchor, size=11, fill="#111"
            )
    return out, len(markers)


def _uncertainty(m: MapMarker, proj: Projection) -> list[str]:
    colour = STATUS_COLOURS.get(m.status, "#777777")
    style = (
        f'fill="{colour}" fill-opacity="0.18" stroke="{colour}" stroke-width="1.5" '
        'stroke-dasharray="5 3"'
    )
    area = [proj.xy(lat, lon) for lon, lat in m.area or () if valid(lat, lon)]
    if len(area) >= 3:
        return [f'<path d="{path_data(area, close=True)}" {style} class="area"/>']
    if m.radius_m is not None and math.isfinite(m.radius_m) and m.radius_m > 0:
        x, y = proj.xy(m.lat, m.lon)
        rx, ry = proj.radius_px(m.lat, m.radius_m)
        # A radius far bigger than the map is drawn as a circle just past its corners.
        limit = 2.0 * (proj.width + proj.height)
        rx, ry = min(rx, limit), min(ry, limit)
        return [
            f'<ellipse cx="{x:.1f}" cy="{y:.1f}" rx="{rx:.1f}" ry="{ry:.1f}" {style} '
            'class="radius"/>'
        ]
    return []


def _valid_runs(points: Sequence[LatLon]) -> list[list[LatLon]]:
    """A track split where a fix is not a position on Earth (the gap is not bridged)."""
    runs: list[list[LatLon]] = [[]]
    for lat, lon in points:
        if valid(lat, lon):
            runs[-1].append((lat, lon))
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if len(r) >= 2]
