"""GeoJSON (RFC 7946) and KML 2.2 exports parse back, longitude first, with every field."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.store.hypotheses import SUBJECT
from geoloc.export_geo import KML_NS, write_geojson, write_kml
from geoloc.hypotheses import HypothesisDraft, HypothesisService

NS = {"k": KML_NS}


@pytest.fixture
def filled(case: Case) -> Case:
    service = HypothesisService(case)
    item = case.add_item(kind="hardware", name="footage").id
    h = service.add(
        HypothesisDraft(
            item_id=item,
            methods=("visual_landmark", "reflection"),
            lat=22.53,
            lon=113.93,
            radius_m=2000,
            place_name="Nanshan, Shenzhen",
            status="confirmed",
            confidence="strong possibility",
            notes="lanterns <&>",
        )
    )
    service.link(h.id, stance="supporting", kind="item", target_id=item)
    # Clockwise on purpose: the export must wind it counterclockwise.
    service.add(
        HypothesisDraft(
            item_id=item,
            methods="signage_language",
            area=[(113.90, 22.50), (113.90, 22.56), (113.96, 22.56), (113.96, 22.50)],
        )
    )
    return case


def _signed_area(ring: list[list[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2


def test_geojson_is_rfc7946(filled: Case, tmp_path: Path) -> None:
    out = tmp_path / "h.geojson"
    summary = write_geojson(filled, out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    point, area = doc["features"]
    assert point["geometry"] == {"type": "Point", "coordinates": [113.93, 22.53]}  # lon first
    props = point["properties"]
    assert props["status"] == "confirmed"
    assert props["methods"] == ["visual_landmark", "reflection"]
    assert props["radius_m"] == 2000.0
    assert props["supporting_clues"] == 1
    assert props["weak_support"] is True
    ring = area["geometry"]["coordinates"][0]
    assert area["geometry"]["type"] == "Polygon"
    assert ring[0] == ring[-1]
    assert _signed_area(ring) > 0  # counterclockwise exterior ring
    assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring)
    assert ring[0][0] > 100  # longitude first
    assert summary["hypotheses"] == 2
    exported = [e for e in filled.custody.entries() if e.action == "exported"]
    assert exported[-1].details["sha256"] == summary["sha256"]


def test_kml_parses_with_extended_data(filled: Case, tmp_path: Path) -> None:
    out = tmp_path / "h.kml"
    write_kml(filled, out)
    root = ET.parse(out).getroot()
    assert root.tag == f"{{{KML_NS}}}kml"
    marks = root.findall(".//k:Placemark", NS)
    assert len(marks) == 2
    first = marks[0]
    assert first.findtext("k:name", namespaces=NS) == "Nanshan, Shenzhen"
    assert first.findtext("k:description", namespaces=NS) == "lanterns <&>"
    data = {
        d.get("name"): d.findtext("k:value", namespaces=NS)
        for d in first.findall("k:ExtendedData/k:Data", NS)
    }
    assert data["status"] == "confirmed"
    assert data["confidence"] == "strong possibility"
    assert data["methods"] == "visual_landmark, reflection"
    assert data["origin"] == "analyst"
    coords = first.findtext("k:Point/k:coordinates", namespaces=NS)
    lon, lat, _alt = (float(v) for v in coords.split(","))
    assert (lon, lat) == (113.93, 22.53)
    ring = marks[1].findtext(".//k:LinearRing/k:coordinates", namespaces=NS).split()
    assert ring[0] == ring[-1]
    h_id = first.get("id").removeprefix("h-")
    assert filled.custody.entries(subject=(SUBJECT, h_id))
