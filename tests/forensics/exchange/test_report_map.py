"""The report's map section: positions and tracks from metadata, no map without positions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.exchange.report import build_report
from forensics.exchange.report_map import NO_MAP
from forensics.intake.ingest import ingest_paths
from geoloc.svg_map import draw_map

extract = pytest.importorskip("forensics.media.extract")

EIFFEL = "synthetic/gps_control_eiffel.jpg"
MAVIC = "video/dji-srt/mavic_pro.SRT"
PLAIN = "exif-samples/jpg/Canon_40D.jpg"


def _map_section(html: str) -> str:
    start = html.index('<h2 id="map">')
    return html[start : html.index("<h2", start + 1)]


def _bounds(section: str) -> tuple[float, float, float, float]:
    found = re.search(
        r"Bounds: (-?[\d.]+) to (-?[\d.]+) latitude, (-?[\d.]+) to (-?[\d.]+) longitude", section
    )
    assert found is not None, section[-800:]
    south, north, west, east = (float(v) for v in found.groups())
    return south, west, north, east


def test_a_case_without_positions_gets_no_map_and_says_so(case: Case) -> None:
    case.add_item(kind="hardware", name="drone")
    section = _map_section(build_report(case, map_drawer=draw_map))
    assert NO_MAP in section
    assert "<svg" not in section


def test_positions_and_tracks_from_metadata_are_on_the_map(case: Case, corpus: Path) -> None:
    report = ingest_paths(case, [corpus / EIFFEL, corpus / MAVIC, corpus / PLAIN])
    ids = {}
    for outcome in report.outcomes:
        assert outcome.item is not None, outcome
        ids[outcome.item.name] = outcome.item.id
        extract.extract_metadata(case, outcome.item.id)
    expected = corpus / "expected"
    eiffel = json.loads((expected / "gps_expected_exifread-3.5.1.json").read_text())[EIFFEL]
    fixes = {
        e["file"]: e for e in json.loads((expected / "dji-srt/first_fix_summary.json").read_text())
    }
    first_fix = fixes["mavic_pro.SRT"]["first_latlon_if_lon_lat"]

    section = _map_section(build_report(case, map_drawer=draw_map))
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in section
    assert 'class="track"' in section
    assert section.count('class="position"') == 2  # the photo and the track's first fix
    south, west, north, east = _bounds(section)
    for lat, lon in (eiffel["gps"], first_fix):
        assert south <= lat <= north
        assert west <= lon <= east
    assert "0 geolocation hypotheses, 2 positions from metadata, 1 telemetry tracks" in section
    assert "Natural Earth" in section

    only_track = _map_section(build_report(case, items=[ids["mavic_pro.SRT"]], map_drawer=draw_map))
    south, west, north, east = _bounds(only_track)
    assert not (south <= eiffel["gps"][0] <= north and west <= eiffel["gps"][1] <= east)
    assert south <= first_fix[0] <= north

    plain = _map_section(build_report(case, items=[ids["Canon_40D.jpg"]], map_drawer=draw_map))
    assert NO_MAP in plain

    undrawn = _map_section(build_report(case))
    assert "the map was not drawn" in undrawn
    assert "<svg" not in undrawn
