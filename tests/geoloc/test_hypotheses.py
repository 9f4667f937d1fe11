"""Recording hypotheses: validation, history, custody, evidence links and independent clues."""

from __future__ import annotations

import math

import pytest

from forensics.case import Case
from forensics.errors import NotFoundError, ValidationError
from forensics.store.hypotheses import SUBJECT
from forensics.verify import verify_case
from geoloc.gazetteer import OfflineGazetteer
from geoloc.hypotheses import HypothesisDraft, HypothesisService


@pytest.fixture
def service(case: Case, gazetteer: OfflineGazetteer) -> HypothesisService:
    return HypothesisService(case, gazetteer)


@pytest.fixture
def item_id(case: Case) -> str:
    return case.add_item(kind="hardware", name="memory card footage").id


def _count(case: Case, table: str) -> int:
    return int(case.db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_add_point_with_history_and_custody(
    case: Case, service: HypothesisService, item_id: str
) -> None:
    h = service.add(
        HypothesisDraft(
            item_id=item_id,
            methods=("visual landmark",),
            lat=22.53,
            lon=113.93,
            radius_m=500,
            status="Supported",
            confidence="strong-possibility",
            notes="lanterns",
        )
    )
    assert (h.geometry, h.lat, h.lon, h.radius_m) == ("point", 22.53, 113.93, 500.0)
    assert h.methods == ("visual_landmark",)
    assert (h.status, h.confidence, h.origin, h.version) == (
        "supported",
        "strong possibility",
        "analyst",
        1,
    )
    entries = case.custody.entries(subject=(SUBJECT, h.id))
    assert [e.action for e in entries] == ["hypothesis_added"]
    assert entries[0].item_id == item_id
    assert [e.version for e in service.history(h.id)] == [1]


def test_place_name_is_looked_up(service: HypothesisService, item_id: str) -> None:
    h = service.add(
        HypothesisDraft(
            item_id=item_id, methods="reported_by_source", place_name="Nanshan, Shenzhen"
        )
    )
    assert (round(h.lat, 2), round(h.lon, 2)) == (22.53, 113.93)
    assert h.radius_m is not None
    assert h.radius_m > 0


def test_area_is_stored_lon_first_with_centroid(service: HypothesisService, item_id: str) -> None:
    ring = [(113.90, 22.50), (113.96, 22.50), (113.96, 22.56), (113.90, 22.56)]
    h = service.add(HypothesisDraft(item_id=item_id, methods="visual_landmark", area=ring))
    assert h.geometry == "area"
    assert h.area == tuple(ring)
    assert (round(h.lat, 2), round(h.lon, 2)) == (22.53, 113.93)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"lat": 91.0, "lon": 10.0}, "latitude 91.0 is out of range"),
        ({"lat": -90.5, "lon": 10.0}, "latitude -90.5 is out of range"),
        ({"lat": 10.0, "lon": 180.5}, "longitude 180.5 is out of range"),
        ({"lat": math.nan, "lon": 10.0}, "latitude must be a finite number"),
        ({"lat": 10.0, "lon": math.inf}, "longitude must be a finite number"),
        ({"lat": 10.0, "lon": 10.0, "radius_m": -1.0}, "negative"),
        ({"lat": 10.0, "lon": 10.0, "radius_m": math.nan}, "radius must be a finite number"),
        ({"lat": 10.0}, "both a latitude and a longitude"),
        ({"place_name": "Qwxzyville"}, "does not know the place 'Qwxzyville'"),
        ({}, "give a position"),
        ({"area": [(0.0, 0.0), (1.0, 1.0)]}, "three distinct vertices"),
        ({"area": [(0.0, 0.0), (1.0, 95.0), (2.0, 0.0)]}, "vertex 2: latitude 95.0"),
        ({"lat": 1.0, "lon": 1.0, "status": "maybe"}, "status 'maybe' is not one of"),
        ({"lat": 1.0, "lon": 1.0, "confidence": "high"}, "confidence 'high' is not one of"),
        ({"lat": 1.0, "lon": 1.0, "methods": ("guesswork",)}, "method 'guesswork'"),
        ({"lat": 1.0, "lon": 1.0, "frame_start": 10, "frame_end": 5}, "frame range 10-5"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    case: Case,
    service: HypothesisService,
    item_id: str,
    fields: dict[str, object],
    message: str,
) -> None:
    before = (
        _count(case, "geo_hypotheses"),
        _count(case, "geo_hypothesis_history"),
        _count(case, "custody"),
    )
    values: dict[str, object] = {"item_id": item_id, "methods": ("exif_gps",), **fields}
    with pytest.raises(ValidationError, match=message):
        service.add(HypothesisDraft(**values))  # type: ignore[arg-type]
    after = (
        _count(case, "geo_hypotheses"),
        _count(case, "geo_hypothesis_history"),
        _count(case, "custody"),
    )
    assert after == before


def test_unknown_item_stores_nothing(case: Case, service: HypothesisService) -> None:
    with pytest.raises(NotFoundError):
        service.add(HypothesisDraft(item_id="no-such-item", methods="exif_gps", lat=1, lon=1))
    assert _count(case, "geo_hypotheses") == 0
    assert _count(case, "geo_hypothesis_history") == 0


def test_every_change_is_kept(case: Case, service: HypothesisService, item_id: str) -> None:
    h = service.add(HypothesisDraft(item_id=item_id, methods="visual_landmark", lat=1, lon=2))
    h2 = service.update(h.id, {"status": "confirmed", "notes": "seen"}, reason="new frames")
    h3 = service.update(h.id, {"lat": 1.5, "radius_m": 250})
    assert (h2.version, h3.version) == (2, 3)
    history = service.history(h.id)
    assert [e.version for e in history] == [1, 2, 3]
    assert history[0].state["status"] == "proposed"
    assert history[1].changes["status"] == {"from": "proposed", "to": "confirmed"}
    assert history[1].reason == "new frames"
    assert history[2].state["lat"] == 1.5
    assert service.update(h.id, {"notes": "seen"}).version == 3  # no change, no version
    with pytest.raises(ValidationError, match=r"latitude 100\.0"):
        service.update(h.id, {"lat": 100.0})
    assert service.get(h.id).lat == 1.5
    assert len(service.history(h.id)) == 3
    actions = [e.action for e in case.custody.entries(subject=(SUBJECT, h.id))]
    assert actions == ["hypothesis_added", "hypothesis_edited", "hypothesis_edited"]


def test_delete_keeps_history_and_logs(
    case: Case, service: HypothesisService, item_id: str
) -> None:
    h = service.add(HypothesisDraft(item_id=item_id, methods="visual_landmark", lat=1, lon=2))
    service.link(h.id, stance="supporting", kind="item", target_id=item_id)
    service.delete(h.id, reason="duplicate")
    assert service.hypotheses() == []
    assert _count(case, "geo_evidence") == 0
    assert [e.action for e in service.history(h.id)][-1] == "hypothesis_deleted"
    assert verify_case(case).findings == []


def test_independent_clues(case: Case, service: HypothesisService, item_id: str) -> None:
    other = case.add_item(kind="hardware", name="window reflection still").id
    h = service.add(HypothesisDraft(item_id=item_id, methods="visual_landmark", lat=1, lon=2))
    assert service.support(h.id).weak
    service.link(h.id, stance="supporting", kind="item", target_id=item_id, clue="lanterns")
    service.link(h.id, stance="supporting", kind="item", target_id=other, clue="lanterns")
    s = service.support(h.id)
    assert (s.supporting_links, s.independent_supporting, s.weak) == (2, 1, True)
    again = service.link(
        h.id, stance="supporting", kind="item", target_id=other[:8], clue="lanterns"
    )
    assert service.support(h.id).supporting_links == 2  # the same target is linked once
    service.unlink(again.id)
    service.link(h.id, stance="supporting", kind="item", target_id=other, clue="reflection")
    service.link(h.id, stance="contradicting", kind="item", target_id=other)
    s = service.support(h.id)
    assert (s.independent_supporting, s.independent_contradicting, s.weak) == (2, 1, False)


def test_links_to_other_features_records_are_checked(
    case: Case, service: HypothesisService, item_id: str
) -> None:
    h = service.add(HypothesisDraft(item_id=item_id, methods="visual_landmark", lat=1, lon=2))
    with pytest.raises(NotFoundError, match="no annotation"):
        service.link(h.id, stance="supporting", kind="annotation", target_id="nope")
    with pytest.raises(ValidationError, match="not a source"):
        # A hypothesis id exists in the log, but it is not a source.
        service.link(h.id, stance="supporting", kind="source", target_id=h.id)
    with pytest.raises(ValidationError, match="stance"):
        service.link(h.id, stance="neutral", kind="item", target_id=item_id)
    assert _count(case, "geo_evidence") == 0


def test_verify_finds_a_hypothesis_edited_behind_the_log(
    case: Case, service: HypothesisService, item_id: str
) -> None:
    h = service.add(HypothesisDraft(item_id=item_id, methods="visual_landmark", lat=1, lon=2))
    link = service.link(h.id, stance="supporting", kind="item", target_id=item_id)
    assert verify_case(case).findings == []
    with case.transaction():
        case.db.conn.execute("UPDATE geo_hypotheses SET status = 'confirmed' WHERE id = ?", (h.id,))
        case.db.conn.execute(
            "UPDATE geo_evidence SET stance = 'contradicting' WHERE id = ?", (link.id,)
        )
    text = " ".join(str(f) for f in verify_case(case).findings)
    assert h.id in text
    assert link.id in text
