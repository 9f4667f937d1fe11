"""Hypotheses from metadata positions (EXIF GPS, DJI telemetry), and broken telemetry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from forensics.verify import verify_case
from geoloc.auto import check_case, hypotheses_from_metadata, telemetry_tracks
from geoloc.hypotheses import HypothesisDraft, HypothesisService

extract = pytest.importorskip("forensics.media.extract")


def _ingest(case: Case, *paths: Path) -> dict[str, str]:
    report = ingest_paths(case, paths)
    ids = {}
    for outcome in report.outcomes:
        assert outcome.item is not None, outcome
        ids[outcome.item.name] = outcome.item.id
        extract.extract_metadata(case, outcome.item.id)
    return ids


def test_metadata_positions_become_hypotheses_once(case: Case, corpus: Path) -> None:
    expected_gps = json.loads(
        (corpus / "expected" / "gps_expected_exifread-3.5.1.json").read_text()
    )["synthetic/gps_control_eiffel.jpg"]["gps"]
    fixes = {
        e["file"]: e
        for e in json.loads(
            (corpus / "expected" / "dji-srt" / "first_fix_summary.json").read_text()
        )
    }
    ids = _ingest(
        case,
        corpus / "synthetic" / "gps_control_eiffel.jpg",
        corpus / "video" / "dji-srt" / "mavic_pro.SRT",
    )
    result = hypotheses_from_metadata(case)
    assert result.problems == []
    by_item = {h.item_id: h for h in result.created}
    eiffel = by_item[ids["gps_control_eiffel.jpg"]]
    assert (eiffel.lat, eiffel.lon) == pytest.approx(tuple(expected_gps), abs=1e-5)
    assert (eiffel.origin, eiffel.methods, eiffel.status) == ("metadata", ("exif_gps",), "proposed")
    drone = by_item[ids["mavic_pro.SRT"]]
    assert drone.methods == ("drone_telemetry",)
    assert (drone.lat, drone.lon) == pytest.approx(
        tuple(fixes["mavic_pro.SRT"]["first_latlon_if_lon_lat"]), abs=1e-4
    )
    tracks = telemetry_tracks(case)
    assert [t.item_id for t in tracks] == [ids["mavic_pro.SRT"]]
    assert len(tracks[0].points) > 100
    again = hypotheses_from_metadata(case)
    assert (again.created, again.existing) == ([], 2)
    assert verify_case(case).findings == []


@pytest.mark.parametrize("name", ["broken_empty.SRT", "broken_empty2.SRT"])
def test_broken_telemetry_gives_a_message_not_a_hypothesis(
    case: Case, corpus: Path, name: str
) -> None:
    ids = _ingest(case, corpus / "video" / "dji-srt" / name)
    result = hypotheses_from_metadata(case, ids[name])
    assert result.created == []
    assert len(result.problems) == 1
    assert name in result.problems[0]
    assert "no position" in result.problems[0]
    assert HypothesisService(case).hypotheses() == []
    assert telemetry_tracks(case) == []


def test_hypothesis_far_from_metadata_is_flagged(case: Case, corpus: Path) -> None:
    ids = _ingest(case, corpus / "synthetic" / "gps_control_eiffel.jpg")
    hypotheses_from_metadata(case)
    service = HypothesisService(case)
    near = service.add(
        HypothesisDraft(
            item_id=ids["gps_control_eiffel.jpg"],
            lat=48.8584,
            lon=2.2945,
            radius_m=200,
            methods="visual_landmark",
        )
    )
    far = service.add(
        HypothesisDraft(
            item_id=ids["gps_control_eiffel.jpg"],
            lat=-22.95,
            lon=-43.21,
            radius_m=200,
            methods="visual_landmark",
        )
    )
    flags = [f for f in check_case(case) if f.kind == "far_from_metadata"]
    assert [f.hypothesis_ids for f in flags] == [(far.id,)]
    assert flags[0].distance_m == pytest.approx(9_180_000, rel=0.01)
    assert near.id not in flags[0].hypothesis_ids
