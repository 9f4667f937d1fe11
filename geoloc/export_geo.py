"""Hypotheses and telemetry tracks as GeoJSON (RFC 7946) and KML 2.2.

GeoJSON positions are longitude first, WGS84, with no `crs` member; area outlines are closed
and wound counterclockwise (RFC 7946 section 3.1.6). KML carries every hypothesis field as
`ExtendedData`, so a reader in Google Earth or QGIS sees the status, confidence, methods and
support next to the pin. Writing an export is itself a custody event naming the file's hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.records.geoloc import HYPOTHESIS
from forensics.store.custody import Action
from geoloc.auto import TrackLine, telemetry_tracks
from geoloc.hypotheses import Hypothesis, HypothesisService, Support

KML_NS = "http://www.opengis.net/kml/2.2"
STATUS_COLOURS = {
    "proposed": "#f2a900",
    "supported": "#2b8cbe",
    "confirmed": "#1a9850",
    "refuted": "#d73027",
}
"""Pin colours by status (the map view uses the same)."""
_PRECISION = 7


@dataclass(frozen=True)
class GeoExport:
    """What an export holds."""

    hypotheses: tuple[Hypothesis, ...]
    supports: dict[str, Support]
    tracks: tuple[TrackLine, ...]
    case_title: str


def collect(case: Case, service: HypothesisService | None = None) -> GeoExport:
    """Read everything an export writes from an open case."""
    service = service or HypothesisService(case)
    return GeoExport(
        tuple(service.hypotheses()),
        service.supports(),
        tuple(telemetry_tracks(case)),
        case.info.title,
    )


def _lonlat(lon: float, lat: float) -> list[float]:
    return [round(lon, _PRECISION), round(lat, _PRECISION)]


def _ccw(ring: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    points = list(ring)
    doubled = sum(
        (points[i][0] * points[(i + 1) % len(points)][1])
        - (points[(i + 1) % len(points)][0] * points[i][1])
        for i in range(len(points))
    )
    if doubled < 0:
        points.reverse()
    return [*points, points[0]]


def properties(h: Hypothesis, support: Support | None) -> dict[str, Any]:
    """The fields an exported hypothesis carries (GeoJSON properties, KML ExtendedData)."""
    record = HYPOTHESIS.state(h)
    record.pop("area", None)
    record.pop("lat", None)
    record.pop("lon", None)
    record["feature_type"] = "hypothesis"
    record["supporting_clues"] = support.independent_supporting if support else 0
    record["contradicting_clues"] = support.independent_contradicting if support else 0
    record["weak_support"] = support.weak if support else True
    return record


def to_geojson(export: GeoExport) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection of hypotheses (points or polygons) and tracks."""
    features: list[dict[str, Any]] = []
    for h in export.hypotheses:
        if h.area:
            geometry: dict[str, Any] = {
                "type": "Polygon",
                "coordinates": [[_lonlat(lon, lat) for lon, lat in _ccw(h.area)]],
            }
        else:
            geometry = {"type": "Point", "coordinates": _lonlat(h.lon, h.lat)}
        features.append(
            {
                "type": "Feature",
                "id": h.id,
                "geometry": geometry,
                "properties": properties(h, export.supports.get(h.id)),
            }
        )
    for t in export.tracks:
        features.append(
            {
                "type": "Feature",
                "id": t.id,
                "geometry": {
                    "type": "LineString",
                    "coordinates": [_lonlat(lon, lat) for lat, lon in t.points],
                },
                "properties": {
                    "feature_type": "track",
                    "item_id": t.item_id,
                    "start_time": t.start_time,
                    "end_time": t.end_time,
                    "points": len(t.points),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _coords(points: Sequence[tuple[float, float]]) -> str:
    """KML coordinates: "lon,lat,0" tuples separated by spaces."""
    return " ".join(f"{round(lon, _PRECISION)},{round(lat, _PRECISION)},0" for lon, lat in points)


def _kml_colour(hex_rgb: str) -> str:
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"ff{b}{g}{r}"  # KML colours are aabbggrr


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_kml(export: GeoExport) -> bytes:
    """A KML 2.2 document: one Placemark per hypothesis (ExtendedData) and per track."""
    ET.register_namespace("", KML_NS)
    q = f"{{{KML_NS}}}"
    root = ET.Element(f"{q}kml")
    doc = ET.SubElement(root, f"{q}Document")
    ET.SubElement(doc, f"{q}name").text = f"{export.case_title}: geolocation hypotheses"
    for status, colour in STATUS_COLOURS.items():
        style = ET.SubElement(doc, f"{q}Style", id=f"status-{status}")
        icon = ET.SubElement(style, f"{q}IconStyle")
        ET.SubElement(icon, f"{q}color").text = _kml_colour(colour)
        poly = ET.SubElement(style, f"{q}PolyStyle")
        ET.SubElement(poly, f"{q}color").text = "66" + _kml_colour(colour)[2:]
    track_style = ET.SubElement(doc, f"{q}Style", id="track")
    line = ET.SubElement(track_style, f"{q}LineStyle")
    ET.SubElement(line, f"{q}color").text = "ff0000ff"
    ET.SubElement(line, f"{q}width").text = "2"
    for h in export.hypotheses:
        mark = ET.SubElement(doc, f"{q}Placemark", id=f"h-{h.id}")
        ET.SubElement(mark, f"{q}name").text = h.place_name or f"hypothesis {h.id[:8]}"
        ET.SubElement(mark, f"{q}description").text = h.notes
        ET.SubElement(mark, f"{q}styleUrl").text = f"#status-{h.status}"
        data = ET.SubElement(mark, f"{q}ExtendedData")
        for key, value in properties(h, export.supports.get(h.id)).items():
            field = ET.SubElement(data, f"{q}Data", name=key)
            ET.SubElement(field, f"{q}value").text = _text(value)
        if h.area:
            polygon = ET.SubElement(mark, f"{q}Polygon")
            outer = ET.SubElement(polygon, f"{q}outerBoundaryIs")
            ring = ET.SubElement(outer, f"{q}LinearRing")
            ET.SubElement(ring, f"{q}coordinates").text = _coords(_ccw(h.area))
        else:
            point = ET.SubElement(mark, f"{q}Point")
            ET.SubElement(point, f"{q}coordinates").text = _coords([(h.lon, h.lat)])
    for t in export.tracks:
        mark = ET.SubElement(doc, f"{q}Placemark", id=f"t-{t.id}")
        ET.SubElement(mark, f"{q}name").text = f"telemetry track of item {t.item_id[:8]}"
        ET.SubElement(mark, f"{q}styleUrl").text = "#track"
        data = ET.SubElement(mark, f"{q}ExtendedData")
        for key, value in (
            ("feature_type", "track"),
            ("item_id", t.item_id),
            ("start_time", t.start_time),
            ("end_time", t.end_time),
        ):
            field = ET.SubElement(data, f"{q}Data", name=key)
            ET.SubElement(field, f"{q}value").text = _text(value)
        line_string = ET.SubElement(mark, f"{q}LineString")
        ET.SubElement(line_string, f"{q}coordinates").text = _coords(
            [(lon, lat) for lat, lon in t.points]
        )
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _write(
    case: Case, out: Path, data: bytes, fmt: str, export: GeoExport, actor: str | None
) -> dict[str, Any]:
    out = Path(out)
    tmp = out.with_name(f".{out.name}.part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, out)
    summary = {
        "format": fmt,
        "path": str(out),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "hypotheses": len(export.hypotheses),
        "tracks": len(export.tracks),
    }
    if not case.readonly:
        with case.recording(case.actor(actor)) as rec:
            rec.note(
                Action.EXPORTED,
                details=summary,
                reason=f"{fmt} export of the geolocation hypotheses",
            )
    return summary


def write_geojson(case: Case, out: Path, *, actor: str | None = None) -> dict[str, Any]:
    """Write the case's hypotheses and tracks as GeoJSON; returns what was written."""
    export = collect(case)
    data = json.dumps(to_geojson(export), indent=1, ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )
    return _write(case, out, data, "geojson", export, actor)


def write_kml(case: Case, out: Path, *, actor: str | None = None) -> dict[str, Any]:
    """Write the case's hypotheses and tracks as KML 2.2; returns what was written."""
    export = collect(case)
    return _write(case, out, to_kml(export), "kml", export, actor)
