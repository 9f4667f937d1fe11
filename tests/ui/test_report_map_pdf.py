"""The PDF printer draws the report's inline SVG map: sea where there is sea, land on land."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor

from forensics.exchange.map_figure import HYPOTHESIS, MapFigure, MapMarker
from geoloc.mapframe import Extent, Projection
from geoloc.svg_map import HEIGHT, LAND, SEA, WIDTH, draw_map
from ui.exchange.pdf import SVG_SCALE, html_to_pdf, render_svg, svg_as_images

NANSHAN = (22.53, 113.93)
INLAND = (22.67, 114.04)
"""North of Shenzhen, on land at any scale."""
OPEN_WATER = (22.43, 113.66)
"""The Pearl River estuary, west of Tuen Mun."""


def _pixel(image, drawn, lat: float, lon: float) -> str:  # type: ignore[no-untyped-def]
    proj = Projection(Extent(drawn.south, drawn.west, drawn.north, drawn.east), WIDTH, HEIGHT)
    x, y = proj.xy(lat, lon)
    return QColor(image.pixel(int(x * SVG_SCALE), int(y * SVG_SCALE))).name()


def test_the_map_svg_renders_with_sea_and_land(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    drawn = draw_map(
        MapFigure((MapMarker(*NANSHAN, "Nanshan", HYPOTHESIS, "confirmed", 3000.0),)), places=[]
    )
    assert drawn is not None
    html = f"<p>before</p><div>{drawn.svg}</div><p>after</p>"
    converted = svg_as_images(html)
    assert "<svg" not in converted
    assert 'src="data:image/svg+xml;base64,' in converted
    assert f'width="{WIDTH}"' in converted
    image = render_svg(drawn.svg.encode("utf-8"))
    assert image.width() == WIDTH * SVG_SCALE
    assert _pixel(image, drawn, *INLAND) == LAND
    assert _pixel(image, drawn, *OPEN_WATER) == SEA
    pdf = html_to_pdf(html, tmp_path / "map.pdf")
    bare = html_to_pdf("<p>before</p><p>after</p>", tmp_path / "bare.pdf")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > len(bare) + 20_000  # the map's picture is in it


def test_not_an_svg_renders_as_an_empty_image(qapp) -> None:  # type: ignore[no-untyped-def]
    assert render_svg(b"<svg").isNull()
    assert render_svg(b"\x00\xff").isNull()
