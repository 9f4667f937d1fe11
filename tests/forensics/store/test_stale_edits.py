"""An edit made from a stale copy is a conflict, never a silent overwrite: on both engines,
from two connections (two examiners) to one case."""

from __future__ import annotations

from dataclasses import replace

import pytest

from forensics.case import Case
from forensics.errors import EditConflictError
from forensics.provenance.manufacturers import add_manufacturer
from forensics.records.provenance import MANUFACTURER
from forensics.store import record_rows
from forensics.store.custody import Action


def test_the_same_field_changed_since_is_refused_and_other_fields_merge(
    case_location: tuple,
) -> None:
    where, evidence = case_location
    with Case.create(where, title="T", examiner="A", evidence=evidence) as mine:
        drone = mine.add_item(kind="hardware", name="drone", note="as found")
        with Case.open(where) as theirs:
            theirs.edit_item(drone.id, {"note": "wing missing"}, actor="B")
        entries = len(mine.custody.entries())
        with pytest.raises(EditConflictError) as caught:
            mine.edit_item(drone.id, {"note": "mine"}, based_on=drone)
        assert caught.value.fields == ["note"]
        assert caught.value.record_id == drone.id
        assert mine.items.get(drone.id).note == "wing missing"
        assert len(mine.custody.entries()) == entries  # nothing written, nothing logged
        # A field only this side changed goes onto the stored item; the same value on both
        # sides is no conflict either.
        merged = mine.edit_item(
            drone.id, {"serial": "SN-1", "note": "wing missing"}, based_on=drone
        )
        assert (merged.serial, merged.note) == ("SN-1", "wing missing")


def test_an_update_whose_before_is_not_the_stored_record_is_refused(any_case: Case) -> None:
    """The one write path checks every record type: `rec.update(before, after)` with a
    `before` someone has changed since (here a manufacturer)."""
    case = any_case
    maker = add_manufacturer(case, name="Viewpro", country="CN")
    stale = record_rows.find(case.db, MANUFACTURER, maker.id)
    assert stale is not None
    with case.recording("B") as rec:
        rec.update(stale, replace(stale, notes="by B"), Action.ITEM_EDITED)
    with pytest.raises(EditConflictError, match="notes"), case.recording("A") as rec:
        rec.update(stale, replace(stale, city="Shenzhen"), Action.ITEM_EDITED)
    stored = record_rows.find(case.db, MANUFACTURER, maker.id)
    assert stored is not None
    assert (stored.notes, stored.city) == ("by B", None)


def test_every_form_edit_merges_or_is_refused_the_same_way(case_location: tuple) -> None:
    """Component, manufacturer and hypothesis edits made from a form's copy: a field only
    this examiner changed goes onto the colleague's newer state; a field both changed to
    different values is refused with the three values, and nothing is written."""
    from forensics.edits import changed_since
    from forensics.provenance.components import add_component, edit_component
    from forensics.provenance.manufacturers import edit_manufacturer
    from forensics.records.provenance import COMPONENT
    from geoloc.hypotheses import HypothesisDraft, HypothesisService

    where, evidence = case_location
    with Case.create(where, title="T", examiner="A", evidence=evidence) as mine:
        drone = mine.add_item(kind="hardware", name="drone")
        camera = add_component(mine, parent_id=drone.id, function="camera", name="cam")
        maker = add_manufacturer(mine, name="Viewpro", country="CN")
        geo = HypothesisService(mine)
        h = geo.add(
            HypothesisDraft(
                item_id=drone.id,
                methods="visual_landmark",
                lat=48.8584,
                lon=2.2945,
                radius_m=200,
                place_name="Eiffel",
            )
        )
        with Case.open(where) as theirs:
            edit_component(theirs, camera.id, {"marking": "VP A40"}, actor="B", reason="read")
            edit_manufacturer(theirs, maker.id, {"city": "Shenzhen"}, actor="B")
            HypothesisService(theirs).update(h.id, {"notes": "tower seen"}, actor="B")

        merged = edit_component(
            mine, camera.id, {"part_number": "A40", "marking": None}, based_on=camera
        )
        assert (merged.part_number, merged.marking) == ("A40", "VP A40")
        with pytest.raises(EditConflictError) as caught:
            edit_component(mine, camera.id, {"marking": "VIEWPRO"}, based_on=camera)
        assert caught.value.clashes == [
            {"field": "marking", "base": None, "theirs": "VP A40", "mine": "VIEWPRO"}
        ]
        told = changed_since(mine, camera)
        assert (told[0].actor, told[0].reason) == ("B", "read")  # then my merged edit

        m = edit_manufacturer(mine, maker.id, {"country": "CN", "notes": "ok"}, based_on=maker)
        assert (m.city, m.notes, m.country_code) == ("Shenzhen", "ok", "CN")
        with pytest.raises(EditConflictError, match="city"):
            edit_manufacturer(mine, maker.id, {"city": "Beijing"}, based_on=maker)

        # The editor sends every field: the ones equal to its copy are not written back.
        form = {"notes": "", "place_name": "Eiffel tower", "lat": round(h.lat, 6)}
        saved = geo.save(h.id, form, based_on=h)
        assert (saved.notes, saved.place_name) == ("tower seen", "Eiffel tower")
        with pytest.raises(EditConflictError, match="notes"):
            geo.save(h.id, {"notes": "bridge"}, based_on=h)
        assert geo.get(h.id).notes == "tower seen"
        stored = record_rows.find(mine.db, COMPONENT, camera.id)
        assert stored is not None
        assert stored.marking == "VP A40"
