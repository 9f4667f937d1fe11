"""The item fields saying how a deleted item was recovered and what is known of its content,
and folder items: stored, read back, digested for verify, and absent from older records."""

from __future__ import annotations

import uuid

from forensics.case import Case
from forensics.models import ContentState, Item, ItemKind, Recovery
from forensics.records.core import ITEM
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.verify import verify_case


def _item(**fields: object) -> Item:
    return Item(
        id=str(uuid.uuid4()),
        created_at=utc_now(),
        created_by="Test Examiner",
        **fields,  # type: ignore[arg-type]
    )


def test_recovery_and_content_state_round_trip_and_verify(case: Case) -> None:
    folder = _item(kind=ItemKind.FOLDER, name="GONE", fs_path="/GONE", fs_deleted=True)
    orphan = _item(
        kind=ItemKind.FILE,
        name="_HOTO_~5.JPG",
        parent_id=folder.id,
        fs_path="/$OrphanFiles/_HOTO_~5.JPG",
        fs_deleted=True,
        recovery=Recovery.ORPHAN,
        content_state=ContentState.PARTLY_REALLOCATED,
    )
    for item in (folder, orphan):
        case.insert_item(item, Action.INGESTED, details={}, reason=None)
    back = case.items.get(orphan.id)
    assert (back.recovery, back.content_state) == ("orphan", "partly_reallocated")
    assert back.to_json()["recovery"] == "orphan"
    assert case.items.get(folder.id).kind == "folder"
    assert verify_case(case).ok
    # Changed behind the log's back: verify sees it, so the fields are in the digest.
    case.db.conn.execute("UPDATE items SET content_state = 'intact' WHERE id = ?", (orphan.id,))
    assert not verify_case(case).ok


def test_unset_fields_leave_the_record_as_older_versions_wrote_it() -> None:
    live = _item(kind=ItemKind.FILE, name="a.jpg")
    record = ITEM.state(live)
    assert "recovery" not in record
    assert "content_state" not in record
    deleted = _item(kind=ItemKind.FILE, name="b.jpg", recovery=Recovery.DELETED_ENTRY)
    assert ITEM.state(deleted)["recovery"] == "deleted_entry"
