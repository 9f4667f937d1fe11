"""The recorded-write path: each record change and its custody entry, written together.

`case.recording()` writes a declared record's row and appends its custody entry (subject and
state digest) in one transaction; a failure inside it leaves neither. The changes are
published once, after the outermost transaction commits, to every listener of the case
folder, whichever `Case` object (connection) wrote them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.errors import ValidationError
from forensics.records.declare import ChangeSet, RecordChange, record_digest
from forensics.records.provenance import MANUFACTURER, Manufacturer, ProvenanceAction
from forensics.store.provenance import ProvenanceRepository
from forensics.verify import verify_case

NOW = "2026-01-02T03:04:05.000000Z"


def _maker(name: str = "Acme") -> Manufacturer:
    return Manufacturer(
        id="00000000-0000-4000-8000-000000000001",
        name=name,
        created_at=NOW,
        created_by="A",
        updated_at=NOW,
    )


def _listen(case: Case) -> list[ChangeSet]:
    heard: list[ChangeSet] = []
    case.changes.subscribe(heard.append)
    return heard


def test_insert_update_delete_write_the_row_and_its_entry(case: Case) -> None:
    before = _maker()
    after = replace(before, name="Acme Ltd", updated_at="2026-01-03T00:00:00.000000Z")
    with case.recording("A", reason="seen on the board") as rec:
        added = rec.insert(before, ProvenanceAction.MANUFACTURER_ADDED)
    with case.recording("B") as rec:
        edited = rec.update(before, after, ProvenanceAction.MANUFACTURER_EDITED)
    repo = ProvenanceRepository(case.db)
    assert repo.get(Manufacturer, before.id) == after
    assert (added.subject_type, added.subject_id) == ("manufacturer", before.id)
    assert added.record_sha256 == record_digest(MANUFACTURER.state(before))
    assert added.actor == "A"
    assert added.reason == "seen on the board"
    assert edited.record_sha256 == record_digest(MANUFACTURER.state(after))
    assert edited.details["changes"] == {"name": {"from": "Acme", "to": "Acme Ltd"}}
    with case.recording("B") as rec:
        gone = rec.delete(after, ProvenanceAction.MANUFACTURER_EDITED)
    assert repo.find(Manufacturer, before.id) is None
    assert gone.record_sha256 == "deleted"
    assert verify_case(case, record_result=False).ok


def test_a_failure_inside_a_recording_leaves_neither_row_nor_entry(case: Case) -> None:
    heard = _listen(case)
    entries = len(case.custody.entries())

    def add_then_fail() -> None:
        with case.recording("A") as rec:
            rec.insert(_maker(), ProvenanceAction.MANUFACTURER_ADDED)
            raise ValidationError("the analyst's check failed")

    with pytest.raises(ValidationError):
        add_then_fail()
    assert ProvenanceRepository(case.db).find(Manufacturer, _maker().id) is None
    assert len(case.custody.entries()) == entries
    assert heard == []


def test_changes_are_published_once_after_the_outer_commit(case: Case) -> None:
    heard = _listen(case)
    with case.transaction():
        with case.recording("A") as rec:
            rec.insert(_maker(), ProvenanceAction.MANUFACTURER_ADDED)
        assert heard == []  # not before the commit
        item = case.add_item(kind="hardware", name="drone")
    (changes,) = heard
    assert [(c.subject, c.record_id, c.change) for c in changes.changes] == [
        ("manufacturer", _maker().id, RecordChange.INSERTED),
        ("item", item.id, RecordChange.INSERTED),
    ]
    assert changes.touches("item")
    assert not changes.touches("annotation")


def test_another_connection_to_the_case_reaches_the_same_listeners(
    case: Case, tmp_path: Path
) -> None:
    heard = _listen(case)
    with Case.open(case.root) as other:
        item = other.add_item(kind="hardware", name="camera module")
        other.edit_item(item.id, {"serial": "SN-1"})
    assert [c.changes[0].change for c in heard] == [RecordChange.INSERTED, RecordChange.UPDATED]
    assert heard[1].ids("item") == [item.id]
    assert heard[1].changes[0].item_id == item.id


def test_a_listener_that_fails_does_not_fail_the_writer(case: Case) -> None:
    def broken(_changes: ChangeSet) -> None:
        raise RuntimeError("a view went away")

    unsubscribe = case.changes.subscribe(broken)
    heard = _listen(case)
    case.add_item(kind="hardware", name="drone")
    unsubscribe()
    assert len(heard) == 1


def test_an_entry_about_an_item_reaches_the_views_of_that_item(case: Case) -> None:
    item = case.add_item(kind="hardware", name="drone")
    heard = _listen(case)
    with case.recording("A") as rec:
        rec.note("exported", item_id=item.id, details={"what": "frame"})
    (changes,) = heard
    assert changes.changes == ()
    assert changes.concerns(item.id)
    assert not changes.concerns("another item")
