"""A report's map as inline SVG: the offline basemap under the case's positions and tracks.

`draw_map` is the `MapDrawer` the report is given (forensics/exchange/map_figure.py). It
draws, with no network and no external file: land, coastlines and borders from Natural Earth
(geoloc/svg_basemap.py), the largest place names in view (geoloc/map_labels.py), hypotheses
as pins with their uncertainty circle or area, metadata positions as dots, telemetry tracks
as lines, then a legend, a north arrow, a scale bar, a locator inset showing where on Earth
the map is, and under it the bounds in degrees and the data's credits. Any coordinate that is
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
from geoloc.map_labels import LabelPlace, Occupied, choose_labels, label_places, text_box
from geoloc.mapframe import (
    Extent,
    LatLon,
    Projection,
    circle_bounds,
    extent_for,
    graticule_step,
    nice_length,
    thin,
    valid,
)
from geoloc.svg_basemap import basemap_paths, path_data
from geoloc.svg_text import attr, fmt_lat, fmt_lon, svg_text

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 720, 440
MAX_MARKERS = 2000
"""Markers drawn at most (the rest are counted in the caption, not drawn)."""
MAX_HYPOTHESIS_LABELS = 20
FONT = "DejaVu Sans, Arial, sans-serif"
SEA, LAND, COAST, BORDER = "#cfe3f2", "#f4f1e8", "#6f7f8f", "#9a8f80"
TRACK = "#d7301f"
POSITION_COLOURS = {"exif": "#6a3d9a", "container": "#b15928", "telemetry": "#fdae61"}
GEONAMES_CREDIT = "Place names: GeoNames (geonames.org), CC BY 4.0"
SUPPLEMENT_CREDIT = "district names: resources/geo/places.csv (each row names its source)"
INSET_W, INSET_H = 150, 100


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
    occupied = Occupied(_furniture_boxes(width, height))
    out += _graticule(proj, occupied)
    overlays, drawn = _overlays(figure, proj, occupied)
    out += overlays
    if places is None:
        places = label_places()
    labels = choose_labels(places, proj, occupied)
    for label in labels:
        x, y = proj.xy(label.place.lat, label.place.lon)
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="#333" class="place"/>')
        out += _halo_text(label.x, label.y, label.place.name, anchor=label.anchor, size=11)
    if any(label.place.geonames for label in labels):
        credits.append(GEONAMES_CREDIT)
    if any(not label.place.geonames for label in labels):
        credits.append(SUPPLEMENT_CREDIT)
    out += _legend(figure)
    out += _north_arrow(width)
    out += _scale_bar(proj)
    out += _inset(bm, extent, width, height)
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


def _graticule(proj: Projection, furniture: Occupied) -> list[str]:
    """Lines every round number of degrees, labelled on the top and left edges."""
    e = proj.extent
    step = graticule_step(min(e.north - e.south, e.east - e.west))
    decimals = max(0, -math.floor(math.log10(step)))
    out: list[str] = []
    lat = math.ceil(e.south / step) * step
    while lat <= e.north and len(out) < 40:
        y = proj.xy(lat, e.west)[1]
        out.append(f'<path d="M0 {y:.1f}H{proj.width}" stroke="#8aa" stroke-width="0.4"/>')
        text = fmt_lat(lat, decimals)
        if y > 12 and furniture.free(text_box(3, y - 2, text, "start", 9)):
            out += _halo_text(3, y - 2, text, size=9, fill="#456")
        lat += step
    lon = math.ceil(e.west / step) * step
    while lon <= e.east and len(out) < 80:
        x = proj.xy(e.north, lon)[0]
        out.append(f'<path d="M{x:.1f} 0V{proj.height}" stroke="#8aa" stroke-width="0.4"/>')
        text = fmt_lon(lon, decimals)
        if furniture.free(text_box(x + 2, 10, text, "start", 9)):
            out += _halo_text(x + 2, 10, text, size=9, fill="#456")
        lon += step
    return out


def _halo_text(
    x: float, y: float, text: str, *, anchor: str = "start", size: float = 11, fill: str = "#222"
) -> list[str]:
    """Text with a white halo (drawn twice: SVG Tiny has no paint-order)."""
    return [
        svg_text(x, y, text, anchor=anchor, size=size, fill="#fff", halo=True),
        svg_text(x, y, text, anchor=anchor, size=size, fill=fill),
    ]


def _furniture_boxes(width: int, height: int) -> list[tuple[float, float, float, float]]:
    """Where the legend, north arrow, scale bar and inset sit (labels keep off them)."""
    return [
        (0, 0, 170, 70),
        (width - 40, 0, width, 50),
        (0, height - 36, 170, height),
        (width - INSET_W - 10, height - INSET_H - 10, width, height),
    ]


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
        if n < MAX_HYPOTHESIS_LABELS and m.label:
            text = m.label if len(m.label) <= 48 else m.label[:47] + "\u2026"
            for anchor, tx in (("start", x + 9), ("end", x - 9)):
                box = text_box(tx, y - 6, text, anchor, 11)
                if occupied.free(box) or anchor == "end":
                    occupied.take(box)
                    out += _halo_text(tx, y - 6, text, anchor=anchor, size=11, fill="#111")
                    break
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


def _legend(figure: MapFigure) -> list[str]:
    """What the symbols mean: one row per hypothesis status, position source and tracks."""
    rows: list[tuple[str, str]] = []
    for status in sorted({m.status for m in figure.markers if m.kind == HYPOTHESIS}):
        colour = STATUS_COLOURS.get(status, "#777777")
        rows.append(
            (
                f'<circle cx="14" cy="{{y}}" r="5" fill="{colour}" stroke="#202020"/>',
                f"hypothesis ({status})",
            )
        )
    for source in sorted({m.status for m in figure.markers if m.kind != HYPOTHESIS}):
        colour = POSITION_COLOURS.get(source, "#555555")
        rows.append((f'<circle cx="14" cy="{{y}}" r="3.5" fill="{colour}"/>', f"{source} position"))
    if any(len(line.points) >= 2 for line in figure.lines):
        rows.append(
            (f'<path d="M6 {{y}}H22" stroke="{TRACK}" stroke-width="2"/>', "telemetry track")
        )
    rows = rows[:5]
    if not rows:
        return []
    out = [
        f'<rect x="4" y="4" width="160" height="{10 + 13 * len(rows)}" fill="#fff" '
        'fill-opacity="0.85" stroke="#999" stroke-width="0.5" class="legend"/>'
    ]
    for n, (symbol, text) in enumerate(rows):
        y = 16 + 13 * n
        out.append(symbol.format(y=y))
        out.append(svg_text(28, y + 4, text[:26], size=10))
    return out


def _north_arrow(width: int) -> list[str]:
    x = width - 20
    return [
        f'<path d="M{x} 10L{x + 7} 34L{x} 28L{x - 7} 34Z" fill="#222" stroke="#fff" '
        'stroke-width="0.8" class="north-arrow"/>',
        *_halo_text(x, 46, "N", anchor="middle", size=11),
    ]


def _scale_bar(proj: Projection) -> list[str]:
    mpp = proj.metres_per_pixel()
    length = nice_length(mpp * proj.width / 4)
    if length <= 0 or not math.isfinite(mpp) or mpp <= 0:
        return []
    px = length / mpp
    x0, y0 = 10.0, proj.height - 14.0
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    return [
        f'<rect x="{x0 - 4}" y="{y0 - 16}" width="{px + 8 + 6 * len(label) + 8:.1f}" '
        'height="24" fill="#fff" fill-opacity="0.85"/>',
        f'<rect x="{x0}" y="{y0}" width="{px / 2:.1f}" height="5" fill="#222" class="scale-bar"/>',
        f'<rect x="{x0 + px / 2:.1f}" y="{y0}" width="{px / 2:.1f}" height="5" fill="#fff" '
        'stroke="#222" stroke-width="0.8"/>',
        svg_text(x0, y0 - 4, "0", size=9),
        svg_text(x0 + px, y0 - 4, label, anchor="middle", size=9),
    ]


def _inset(bm: Basemap, extent: Extent, width: int, height: int) -> list[str]:
    """A small overview map, the main map's extent outlined in red (skipped for big maps)."""
    if extent.north - extent.south > 30:
        return []
    lat, lon = extent.center
    around = extent_for([(lat, lon)], aspect=INSET_W / INSET_H, pad=0, min_span_deg=24)
    if around is None:
        return []
    proj = Projection(around, INSET_W, INSET_H)
    x0, y0 = width - INSET_W - 6, height - INSET_H - 6
    paths = basemap_paths(bm, proj, min_px=1.0)
    x1, y1 = proj.xy(extent.north, extent.west)
    x2, y2 = proj.xy(extent.south, extent.east)
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    w, h = max(x2 - x1, 5.0), max(y2 - y1, 5.0)
    return [
        f'<g transform="translate({x0},{y0})" class="inset">',
        f'<rect x="0" y="0" width="{INSET_W}" height="{INSET_H}" fill="{SEA}" stroke="#555"/>',
        *(f'<path d="{d}" fill="{LAND}" fill-rule="evenodd"/>' for _, d in paths.land),
        f'<path d="{paths.coast}" fill="none" stroke="{COAST}" stroke-width="0.5"/>'
        if paths.coast
        else "",
        f'<path d="{paths.borders}" fill="none" stroke="{BORDER}" stroke-width="0.5"/>'
        if paths.borders
        else "",
        f'<rect x="{cx - w / 2:.1f}" y="{cy - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" '
        'fill="none" stroke="#d7301f" stroke-width="1.5"/>',
        f'<rect x="0" y="0" width="{INSET_W}" height="{INSET_H}" fill="none" stroke="#555"/>',
        "</g>",
    ]
