"""The report's SVG map: basemap, furniture, credits, and no crash on hostile geometry."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET

import pytest

from app.demo.geo_step import NANSHAN
from forensics.exchange.map_figure import HYPOTHESIS, POSITION, MapFigure, MapLine, MapMarker
from geoloc.basemap import Basemap, Country
from geoloc.map_labels import LabelPlace
from geoloc.svg_map import GEONAMES_CREDIT, LAND, draw_map

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg"
    return root


def _classes(root: ET.Element) -> set[str]:
    return {e.get("class", "") for e in root.iter()}


def _nanshan() -> MapFigure:
    return MapFigure(
        (MapMarker(*NANSHAN, "Nanshan District, Shenzhen", HYPOTHESIS, "confirmed", 3000.0),)
    )


def test_nanshan_is_drawn_on_land_coast_and_border_with_its_furniture() -> None:
    drawn = draw_map(_nanshan())
    assert drawn is not None
    assert drawn.south < NANSHAN[0] < drawn.north
    assert drawn.west < NANSHAN[1] < drawn.east
    root = _parse(drawn.svg)
    land = {p.findtext(f"{SVG}title") for p in root.iter(f"{SVG}path") if p.get("fill") == LAND}
    # Shenzhen and Hong Kong: the China / Hong Kong land border is in view.
    assert {"China", "Hong Kong"} <= land
    assert {"coast", "borders", "hypothesis", "radius", "scale-bar", "north-arrow", "inset"} <= (
        _classes(root)
    )
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "10 km" in texts
    assert "Bounds: 22.3300°N to 22.7300°N" in texts
    assert "Natural Earth (public domain)" in texts
    assert "Shenzhen" in texts or "Futian District" in texts
    assert GEONAMES_CREDIT in drawn.credits


def test_labels_are_credited_by_where_they_come_from() -> None:
    ours = [LabelPlace("Somewhere District", NANSHAN[0] + 0.1, NANSHAN[1] + 0.1, 10, False)]
    drawn = draw_map(_nanshan(), places=ours)
    assert drawn is not None
    assert "Somewhere District" in drawn.svg
    assert GEONAMES_CREDIT not in drawn.credits
    assert any("places.csv" in c for c in drawn.credits)
    bare = draw_map(_nanshan(), places=[])
    assert bare is not None
    assert len(bare.credits) == 1


HOSTILE = "</svg><script>alert(1)</script>\u202e\x00\x07 \ud800 & \"'"


def test_hostile_geometry_and_labels_do_not_break_the_map() -> None:
    figure = MapFigure(
        (
            MapMarker(math.nan, 1.0, "nan", POSITION, "exif"),
            MapMarker(1.0, math.inf, "inf", POSITION, "exif"),
            MapMarker(95.0, 200.0, "off Earth", HYPOTHESIS, "proposed"),
            MapMarker(*NANSHAN, HOSTILE, HYPOTHESIS, HOSTILE, 1e15),
            MapMarker(*NANSHAN, "area", HYPOTHESIS, "supported", None, ((math.nan, 1.0),)),
            MapMarker(22.6, 114.0, HOSTILE, POSITION, HOSTILE, -5.0),
        ),
        (
            MapLine((), "empty"),
            MapLine(((22.5, 113.9), (math.nan, 0.0), (22.51, 113.91), (22.52, 113.92)), HOSTILE),
            MapLine(((1000.0, 1000.0),), "one fix, off Earth"),
        ),
    )
    drawn = draw_map(figure)
    assert drawn is not None
    root = _parse(drawn.svg)
    assert "<script" not in drawn.svg
    assert "\u202e" not in drawn.svg
    assert "\x00" not in drawn.svg
    assert drawn.skipped == 5  # three markers and two fixes
    assert sum(1 for e in root.iter() if e.get("class") == "track") == 1
    assert drawn.south <= NANSHAN[0] <= drawn.north


def test_nothing_on_earth_draws_nothing() -> None:
    figure = MapFigure(
        (MapMarker(math.nan, math.nan, "x", POSITION, "exif"),),
        (MapLine(((200.0, 0.0), (0.0, 400.0)), "y"),),
    )
    assert draw_map(figure) is None
    assert draw_map(MapFigure()) is None


@pytest.mark.parametrize(
    "countries",
    [
        (),
        (Country(None, "empty", ()),),
        (Country(None, "tiny", (((113.9, 22.5),), ((113.9, 22.5), (114.0, 22.6)))),),
        (
            Country(
                None,
                "poisoned",
                (
                    ((math.nan, 22.5), (114.0, math.inf), (113.8, 22.4), (113.9, 22.7)),
                    ((113.5, 22.0), (114.5, 22.0), (114.5, 23.0), (113.5, 23.0), (113.5, 22.0)),
                ),
            ),
        ),
    ],
)
def test_a_hostile_basemap_does_not_crash(countries: tuple[Country, ...]) -> None:
    drawn = draw_map(_nanshan(), basemap=Basemap(countries, "test", "none"), places=[])
    assert drawn is not None
    _parse(drawn.svg)
    assert "test (none)" in drawn.credits[0]


def test_open_sea_and_a_continent_wide_track() -> None:
    sea = draw_map(MapFigure((MapMarker(-40.0, -120.0, "Pacific", POSITION, "exif"),)))
    assert sea is not None
    assert 'class="coast"' not in sea.svg
    wide = draw_map(MapFigure(lines=(MapLine(((48.85, 2.35), (-33.9, 151.2)), "far"),)))
    assert wide is not None
    assert wide.west <= 2.35
    assert wide.east >= 151.2
    assert 'class="inset"' not in wide.svg  # the map is its own overview
    assert len(wide.svg) < 1_500_000
    coast = next(p for p in _parse(wide.svg).iter(f"{SVG}path") if p.get("class") == "coast")
    assert _longest_jump(coast.get("d", "")) < 300  # Russia and Fiji do not cross the map


def _longest_jump(d: str) -> float:
    """The widest step between consecutive points of path data (M/L polylines)."""
    widest = 0.0
    for part in d.split("M")[1:]:
        xs = [float(v) for v in part.replace("L", " ").replace("Z", " ").split()[0::2]]
        widest = max([widest, *(abs(a - b) for a, b in itertools.pairwise(xs))])
    return widest


@pytest.mark.parametrize(("lat", "lon"), [(-17.6, 177.45), (-16.6, -179.95), (64.45, -173.2)])
def test_land_across_the_antimeridian_is_not_drawn_across_the_map(lat: float, lon: float) -> None:
    drawn = draw_map(MapFigure((MapMarker(lat, lon, "here", POSITION, "exif"),)), places=[])
    assert drawn is not None
    root = _parse(drawn.svg)
    country = "Russia" if lat > 60 else "Fiji"
    land = [p for p in root.iter(f"{SVG}path") if p.get("fill") == LAND]
    assert country in {p.findtext(f"{SVG}title") for p in land}
    coast = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "coast")
    assert _longest_jump(coast.get("d", "")) < 300
