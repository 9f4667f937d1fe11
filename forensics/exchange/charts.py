"""Small raster figures for reports (a pin map, a bar chart), drawn with Pillow.

PNG rather than SVG because the same report is printed to PDF by Qt's rich-text engine, which
shows images but not inline SVG; PNG data URIs work in both.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

STATUS_COLOURS = {
    "confirmed": "#1b7f3b",
    "supported": "#2f6fb5",
    "proposed": "#c98a00",
    "refuted": "#b3261e",
}


@dataclass(frozen=True)
class Pin:
    """One place on the map."""

    lat: float
    lon: float
    label: str
    radius_m: float | None = None
    colour: str = "#2f6fb5"


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def pin_map(pins: Sequence[Pin], width: int = 720, height: int = 420) -> bytes:
    """An equirectangular map around the pins with a graticule, circles and labels."""
    img = Image.new("RGB", (width, height), "#eef3f7")
    pen = ImageDraw.Draw(img)
    if not pins:
        pen.text((10, 10), "no positions", fill="#555555")
        return _png(img)
    lats = [p.lat for p in pins]
    lons = [p.lon for p in pins]
    span = max(max(lats) - min(lats), max(lons) - min(lons), 0.02) * 1.6
    clat, clon = (max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2
    ky = height / span
    kx = ky * math.cos(math.radians(clat))

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return width / 2 + (lon - clon) * kx, height / 2 - (lat - clat) * ky

    step = 10 ** math.floor(math.log10(span / 2))
    lat0 = math.floor((clat - span) / step) * step
    lon0 = math.floor((clon - span * 2) / step) * step
    for i in range(80):
        y = xy(lat0 + i * step, clon)[1]
        x = xy(clat, lon0 + i * step)[0]
        if 0 <= y <= height:
            pen.line([(0, y), (width, y)], fill="#d5dde5")
            pen.text((2, y + 1), f"{lat0 + i * step:.4g}", fill="#8899aa")
        if 0 <= x <= width:
            pen.line([(x, 0), (x, height)], fill="#d5dde5")
            pen.text((x + 2, height - 12), f"{lon0 + i * step:.4g}", fill="#8899aa")
    for p in pins:
        x, y = xy(p.lat, p.lon)
        if p.radius_m:
            r = p.radius_m / 111_320.0 * ky
            pen.ellipse([x - r, y - r, x + r, y + r], outline=p.colour, width=2)
        pen.ellipse([x - 5, y - 5, x + 5, y + 5], fill=p.colour, outline="#ffffff")
        pen.text((x + 8, y - 6), p.label[:40], fill="#222222")
    return _png(img)


def bar_chart(rows: Sequence[tuple[str, float]], *, width: int = 640, unit: str = "%") -> bytes:
    """Horizontal bars, one per row, longest first as given."""
    bar_h, gap, left = 22, 8, 200
    height = max(1, len(rows)) * (bar_h + gap) + gap
    img = Image.new("RGB", (width, height), "#ffffff")
    pen = ImageDraw.Draw(img)
    top = max((v for _, v in rows), default=1.0) or 1.0
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        pen.text((6, y + 5), label[:30], fill="#222222")
        length = (width - left - 70) * value / top
        pen.rectangle([left, y, left + length, y + bar_h], fill="#2f6fb5")
        pen.text((left + length + 6, y + 5), f"{value:.0f}{unit}", fill="#222222")
    return _png(img)
