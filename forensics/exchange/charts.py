"""Bar charts for reports, drawn as HTML tables: the labels are the page's own text.

A chart is a table of three aligned columns, label, bar and value; the bar is a one-pixel PNG
stretched to its length. So the labels are set in the report's font at its size, line up with
their bars, can be searched and copied, and print sharp in the PDF: a raster chart drawn with
Pillow's bitmap font came out too small to read and misaligned once scaled onto a page.
Both a browser and Qt's rich-text engine (the PDF) lay such a table out the same way.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from functools import lru_cache

from PIL import Image

from forensics.textsafe import shown

BAR_COLOUR = "#2f6fb5"
BAR_WIDTH = 300
"""Pixels (CSS px) of the longest bar."""
BAR_HEIGHT = 14


@lru_cache(maxsize=4)
def _pixel(colour: str) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (1, 1), colour).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def bar_chart(
    rows: Sequence[tuple[str, float]],
    label: str = "",
    measure: str = "",
    *,
    unit: str = "%",
) -> str:
    """Horizontal bars, one per row, in the order given, longest scaled to `BAR_WIDTH`.

    Args:
        rows: (label, value) pairs; labels are case text (escaped here).
        label: the title of the label column.
        measure: what the bars measure (the bar column's title).
        unit: printed after each value.

    Returns:
        An HTML table (class `chart`).
    """
    if not rows:
        return "<p>Nothing to chart.</p>"
    top = max((v for _, v in rows), default=1.0) or 1.0
    bar = _pixel(BAR_COLOUR)
    body = "".join(
        "<tr>"
        f'<td class="chart-label" align="right">{html.escape(shown(name))}</td>'
        f'<td class="chart-bar"><img src="{bar}" width="{max(1, round(BAR_WIDTH * v / top))}"'
        f' height="{BAR_HEIGHT}"></td>'
        f'<td class="chart-value" align="right">{v:.0f}{html.escape(unit)}</td>'
        "</tr>"
        for name, v in rows
    )
    head = (
        f"<tr><th align='right'>{html.escape(label)}</th><th align='left' "
        f"width='{BAR_WIDTH + 8}'>{html.escape(measure)}</th><th></th></tr>"
    )
    return (
        '<table class="chart" border="0" cellspacing="0" cellpadding="3">'
        f"<thead>{head}</thead><tbody>{body}</tbody></table>"
    )
