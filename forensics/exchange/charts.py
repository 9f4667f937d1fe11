"""Small raster figures for reports (bar charts), drawn with Pillow.

PNG data URIs, which both a browser and Qt's rich-text engine (the PDF) show as they are.
The report's map is inline SVG drawn by geoloc (geoloc/svg_map.py) on the offline basemap.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


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
