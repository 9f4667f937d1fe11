"""The map's palette and furniture: graticule, legend, north arrow, scale bar, locator inset.

Shared by the parts of the report's SVG map (geoloc/svg_map.py). The furniture sits in fixed
corners (`furniture_boxes`), which place labels keep off; the locator inset is a small
overview of the region with the map's extent outlined, so a reader of a district map sees
where on Earth it is.
"""

from __future__ import annotations

import math

from forensics.exchange.map_figure import HYPOTHESIS, MapFigure
from geoloc.basemap import Basemap
from geoloc.export_geo import STATUS_COLOURS
from geoloc.map_labels import Occupied, text_box
from geoloc.mapframe import Extent, Projection, extent_for, graticule_step, scale_bar_for
from geoloc.svg_basemap import basemap_paths
from geoloc.svg_text import fmt_lat, fmt_lon, svg_text

FONT = "DejaVu Sans, Arial, sans-serif"
SEA, LAND, COAST, BORDER = "#cfe3f2", "#f4f1e8", "#6f7f8f", "#9a8f80"
TRACK = "#d7301f"
POSITION_COLOURS = {"exif": "#6a3d9a", "container": "#b15928", "telemetry": "#fdae61"}
INSET_W, INSET_H = 150, 100


def graticule(proj: Projection, furniture: Occupied) -> list[str]:
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
            out += halo_text(3, y - 2, text, size=9, fill="#456")
        lat += step
    lon = math.ceil(e.west / step) * step
    while lon <= e.east and len(out) < 80:
        x = proj.xy(e.north, lon)[0]
        out.append(f'<path d="M{x:.1f} 0V{proj.height}" stroke="#8aa" stroke-width="0.4"/>')
        text = fmt_lon(lon, decimals)
        if furniture.free(text_box(x + 2, 10, text, "start", 9)):
            out += halo_text(x + 2, 10, text, size=9, fill="#456")
        lon += step
    return out


def halo_text(
    x: float, y: float, text: str, *, anchor: str = "start", size: float = 11, fill: str = "#222"
) -> list[str]:
    """Text with a white halo (drawn twice: SVG Tiny has no paint-order)."""
    return [
        svg_text(x, y, text, anchor=anchor, size=size, fill="#fff", halo=True),
        svg_text(x, y, text, anchor=anchor, size=size, fill=fill),
    ]


def furniture_boxes(width: int, height: int) -> list[tuple[float, float, float, float]]:
    """Where the legend, north arrow, scale bar and inset sit (labels keep off them)."""
    return [
        (0, 0, 170, 70),
        (width - 40, 0, width, 50),
        (0, height - 36, 170, height),
        (width - INSET_W - 10, height - INSET_H - 10, width, height),
    ]


def legend(figure: MapFigure) -> list[str]:
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


def north_arrow(width: int) -> list[str]:
    x = width - 20
    return [
        f'<path d="M{x} 10L{x + 7} 34L{x} 28L{x - 7} 34Z" fill="#222" stroke="#fff" '
        'stroke-width="0.8" class="north-arrow"/>',
        *halo_text(x, 46, "N", anchor="middle", size=11),
    ]


def scale_bar(proj: Projection) -> list[str]:
    bar = scale_bar_for(proj)
    if bar is None:
        return []
    px, label = bar.px, bar.label
    x0, y0 = 10.0, proj.height - 14.0
    return [
        f'<rect x="{x0 - 4}" y="{y0 - 16}" width="{px + 8 + 6 * len(label) + 8:.1f}" '
        'height="24" fill="#fff" fill-opacity="0.85"/>',
        f'<rect x="{x0}" y="{y0}" width="{px / 2:.1f}" height="5" fill="#222" class="scale-bar"/>',
        f'<rect x="{x0 + px / 2:.1f}" y="{y0}" width="{px / 2:.1f}" height="5" fill="#fff" '
        'stroke="#222" stroke-width="0.8"/>',
        svg_text(x0, y0 - 4, "0", size=9),
        svg_text(x0 + px, y0 - 4, label, anchor="middle", size=9),
    ]


def inset(bm: Basemap, extent: Extent, width: int, height: int) -> list[str]:
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
