"""A hypothesis's values from a draft or from changes, checked before anything is written."""

from __future__ import annotations

import pytest

from forensics.errors import ValidationError
from forensics.records.geoloc import Hypothesis
from geoloc.drafts import HypothesisDraft
from geoloc.gazetteer import OfflineGazetteer
from geoloc.hypothesis_values import changed_hypothesis, new_hypothesis


def _no_gazetteer() -> OfflineGazetteer:
    raise AssertionError("a position was given: no place name is looked up")


def _first() -> Hypothesis:
    draft = HypothesisDraft(
        item_id=None,
        methods="visual_landmark",
        area=[(113.90, 22.50), (113.95, 22.50), (113.92, 22.55)],
        place_name="  Nanshan  ",
    )
    return new_hypothesis(
        draft,
        hypothesis_id="h1",
        actor="A. Analyst",
        now="2026-12-05T00:00:00Z",
        gazetteer=_no_gazetteer,
    )


def test_a_draft_becomes_version_one_with_trimmed_words() -> None:
    h = _first()
    assert (h.id, h.version, h.place_name, h.analyst) == ("h1", 1, "Nanshan", "A. Analyst")
    assert h.geometry == "area"


def test_a_new_position_drops_the_old_area_and_says_what_changed() -> None:
    before = _first()
    after, diff = changed_hypothesis(
        before,
        {"lat": 22.53, "lon": 113.93},
        now="2026-12-05T01:00:00Z",
        gazetteer=_no_gazetteer,
    )
    assert after.area is None
    assert after.geometry == "point"
    assert after.version == 2
    assert after.updated_at == "2026-12-05T01:00:00Z"
    assert {"lat", "lon", "area", "geometry"} <= set(diff)
    assert diff["geometry"] == {"from": "area", "to": "point"}


def test_no_change_gives_an_empty_diff() -> None:
    before = _first()
    _after, diff = changed_hypothesis(
        before,
        {"notes": ""},
        now="later",
        gazetteer=_no_gazetteer,
    )
    assert diff == {}


def test_a_field_that_is_not_the_analysts_is_refused() -> None:
    with pytest.raises(ValidationError, match="cannot change created_by"):
        changed_hypothesis(
            _first(),
            {"created_by": "someone"},
            now="later",
            gazetteer=_no_gazetteer,
        )
