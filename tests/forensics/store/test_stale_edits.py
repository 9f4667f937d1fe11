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
