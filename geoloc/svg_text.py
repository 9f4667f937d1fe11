"""Text in the SVG maps: escaped for XML, cleaned of what would break or mislead a reader.

Labels come from case data (place names typed by an analyst, file names from seized media):
control, format (bidi overrides, zero-width) and unpaired surrogate characters become U+FFFD,
so the SVG is always well-formed XML and no label can reverse or hide the text around it.
"""

from __future__ import annotations

import html
import math
import unicodedata

REPLACEMENT = "\ufffd"


def clean(text: object, limit: int = 200) -> str:
    """One printable line: other characters (categories C*) replaced, at most `limit` long."""
    value = "" if text is None else str(text)
    value = value[:limit]
    return "".join(REPLACEMENT if unicodedata.category(ch)[0] == "C" else ch for ch in value)


def attr(text: object, limit: int = 200) -> str:
    """Cleaned text escaped for an XML attribute value or element content."""
    return html.escape(clean(text, limit), quote=True)


def svg_text(
    x: float,
    y: float,
    text: object,
    *,
    anchor: str = "start",
    size: float = 11,
    fill: str = "#222",
    halo: bool = False,
) -> str:
    """A `<text>` element; `halo` draws it as a white outline to lay under the same text."""
    stroke = ' stroke="#fff" stroke-width="3" stroke-linejoin="round"' if halo else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}" '
        f'text-anchor="{anchor}"{stroke}>{attr(text)}</text>'
    )


def _decimals(value: float, decimals: int | None) -> int:
    if decimals is not None:
        return decimals
    return 4 if math.isfinite(value) else 0


def fmt_lat(lat: float, decimals: int | None = None) -> str:
    """A latitude such as 22.5300°N (4 decimals unless told: about 10 m)."""
    hemisphere = "N" if lat >= 0 else "S"
    return f"{abs(lat):.{_decimals(lat, decimals)}f}\u00b0{hemisphere}"


def fmt_lon(lon: float, decimals: int | None = None) -> str:
    """A longitude such as 113.9300°E (4 decimals unless told)."""
    hemisphere = "E" if lon >= 0 else "W"
    return f"{abs(lon):.{_decimals(lon, decimals)}f}\u00b0{hemisphere}"
