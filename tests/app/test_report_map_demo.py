"""`pwb report` of the demo case: the Nanshan hypothesis on the basemap around Shenzhen."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.cli import main
from app.demo.geo_step import NANSHAN
from forensics.case import Case
from forensics.store.hypotheses import HypothesisRepository
from geoloc.svg_map import LAND

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "demo-case"
    assert main(["demo", str(root)]) == 0
    return root


def test_demo_report_maps_nanshan_on_the_shenzhen_basemap(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(demo), str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)
    assert len(svgs) == 1
    root = ET.fromstring(svgs[0])
    land = {p.findtext(f"{SVG}title") for p in root.iter(f"{SVG}path") if p.get("fill") == LAND}
    assert {"China", "Hong Kong"} <= land
    classes = {e.get("class") for e in root.iter()}
    assert {"coast", "borders", "hypothesis", "scale-bar", "north-arrow"} <= classes
    bounds = re.search(
        r"Bounds: ([\d.]+) to ([\d.]+) latitude, ([\d.]+) to ([\d.]+) longitude", html
    )
    assert bounds is not None
    south, north, west, east = (float(v) for v in bounds.groups())
    with Case.open(demo, readonly=True) as case:
        seeded = [(h.lat, h.lon) for h in HypothesisRepository(case.db).hypotheses()]
    assert NANSHAN in seeded
    for lat, lon in seeded:
        assert south < lat < north
        assert west < lon < east
    # Nanshan is in the middle third: the map is about it, not beside it.
    assert south + (north - south) / 3 < NANSHAN[0] < north - (north - south) / 3
    assert "Natural Earth (public domain)" in html
    assert "GeoNames" in html
    assert 'src="http' not in html


def test_demo_pdf_report_is_written(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    assert main(["report", str(demo), str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
