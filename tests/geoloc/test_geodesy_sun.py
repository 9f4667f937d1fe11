"""Geodesic distances, consistency flags and the sun's position against published values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from forensics.case import Case
from forensics.errors import ValidationError
from geoloc.auto import check_case
from geoloc.geodesy import distance_m
from geoloc.hypotheses import HypothesisDraft, HypothesisService
from geoloc.sun import check_shadow, sun_position


def test_geodesic_distance_known_values() -> None:
    # geopy's own documented example: Newport, RI to Cleveland, OH is 538.39 miles.
    assert distance_m((41.49008, -71.312796), (41.499498, -81.695391)) / 1609.344 == (
        pytest.approx(538.39, abs=0.01)
    )
    # A quarter meridian on WGS84 is 10,001,965.729 m.
    assert distance_m((0.0, 0.0), (90.0, 0.0)) == pytest.approx(10_001_965.729, abs=0.01)


def test_sun_matches_the_nrel_spa_reference() -> None:
    # Reda & Andreas (2004), NREL/TP-560-34302, the SPA's worked example:
    # 2003-10-17 12:30:30 local (UTC-7), 39.742476 N 105.1786 W -> azimuth 194.34024,
    # topocentric zenith 50.11162 (with refraction).
    when = datetime(2003, 10, 17, 12, 30, 30, tzinfo=timezone(timedelta(hours=-7)))
    sun = sun_position(when, 39.742476, -105.1786)
    assert sun.azimuth == pytest.approx(194.34024, abs=0.05)
    assert 90.0 - sun.elevation == pytest.approx(50.11162, abs=0.05)
    assert sun.shadow_azimuth == pytest.approx(14.34, abs=0.05)


def test_sun_below_horizon_at_night_and_high_at_tropical_noon() -> None:
    night = sun_position(
        datetime(2025, 3, 1, 0, 0, tzinfo=timezone(timedelta(hours=8))), 22.53, 113.93
    )
    assert not night.is_up
    # June solstice, local solar noon at the Tropic of Cancer: the sun is nearly overhead.
    noon = sun_position(
        datetime(2025, 6, 21, 12, 0, tzinfo=UTC) - timedelta(hours=113.93 / 15), 23.44, 113.93
    )
    assert noon.elevation > 88.0


def test_sun_refuses_a_time_without_offset() -> None:
    with pytest.raises(ValidationError, match="no UTC offset"):
        sun_position(datetime(2025, 3, 1, 10, 0), 22.53, 113.93)
    with pytest.raises(ValidationError, match="latitude"):
        sun_position(datetime(2025, 3, 1, 10, 0, tzinfo=UTC), 95.0, 113.93)


def test_shadow_check() -> None:
    when = datetime(2003, 10, 17, 12, 30, 30, tzinfo=timezone(timedelta(hours=-7)))
    sun = sun_position(when, 39.742476, -105.1786)
    assert check_shadow(sun, 20.0).consistent
    far = check_shadow(sun, 200.0)
    assert not far.consistent
    assert far.difference == pytest.approx(174.3, abs=0.1)
    assert check_shadow(sun, 360 + 14.3).difference < 0.1


def test_flags_confirmed_disagreement_with_distance(case: Case) -> None:
    service = HypothesisService(case)
    footage = case.add_item(kind="hardware", name="footage").id
    a = service.add(
        HypothesisDraft(
            item_id=footage,
            methods="visual_landmark",
            lat=22.53,
            lon=113.93,
            radius_m=1000,
            status="confirmed",
        )
    )
    b = service.add(
        HypothesisDraft(
            item_id=footage,
            methods="sun_shadow",
            lat=34.26,
            lon=108.93,
            radius_m=1000,
            status="confirmed",
        )
    )
    flags = [f for f in check_case(case) if f.kind == "confirmed_disagree"]
    assert len(flags) == 1
    assert set(flags[0].hypothesis_ids) == {a.id, b.id}
    assert flags[0].distance_m == pytest.approx(distance_m((22.53, 113.93), (34.26, 108.93)))
    assert "km apart" in flags[0].message
    # Different frame ranges of the same footage may be in different places.
    service.update(a.id, {"frame_start": 0, "frame_end": 100})
    service.update(b.id, {"frame_start": 200, "frame_end": 300})
    assert not [f for f in check_case(case) if f.kind == "confirmed_disagree"]


def test_overlapping_circles_are_not_flagged(case: Case) -> None:
    service = HypothesisService(case)
    footage = case.add_item(kind="hardware", name="footage").id
    for lon in (113.93, 113.95):  # about 2 km apart, 3 km radius each
        service.add(
            HypothesisDraft(
                item_id=footage,
                methods="visual_landmark",
                lat=22.53,
                lon=lon,
                radius_m=3000,
                status="confirmed",
            )
        )
    assert not [f for f in check_case(case) if f.kind == "confirmed_disagree"]


def test_weak_support_flag(case: Case) -> None:
    service = HypothesisService(case)
    footage = case.add_item(kind="hardware", name="footage").id
    h = service.add(
        HypothesisDraft(
            item_id=footage, methods="visual_landmark", lat=1, lon=1, status="supported"
        )
    )
    assert [f.kind for f in check_case(case)] == ["weak_support"]
    service.link(h.id, stance="supporting", kind="item", target_id=footage, clue="a")
    other = case.add_item(kind="hardware", name="still").id
    service.link(h.id, stance="supporting", kind="item", target_id=other, clue="b")
    assert check_case(case) == []
