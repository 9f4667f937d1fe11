"""`verify` reads a case a batch at a time (constant memory on a million items) and finds the
same things on a folder case and on a server case: records edited, removed or added behind
the workbench's back, wherever they fall among the batches."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from forensics.case import Case
from forensics.models import Item
from forensics.store import verify_reads
from forensics.store.custody import Action
from forensics.store.db import transaction, utc_now
from forensics.verify import verify_case


def _tamper(case: Case, ids: list[str]) -> None:
    """Behind the workbench's back: an item's name edited, one removed, one added unlogged
    (three statements a person with the database open could run)."""
    with transaction(case.db):
        case.db.conn.execute("UPDATE items SET name = 'forged' WHERE id = ?", (ids[3],))
        case.db.conn.execute("DELETE FROM items WHERE id = ?", (ids[11],))
        case.db.conn.execute(
            "INSERT INTO items (id, kind, name, created_at, created_by) "
            "VALUES (?, 'hardware', 'smuggled', ?, 'nobody')",
            (ids[0][:-4] + "ffff", utc_now()),
        )


def _findings(report: Any) -> list[tuple[str, str | None]]:
    return [(f.kind, f.item_id) for f in report.findings]


@pytest.mark.parametrize("batch", [1, 4, 1000])
def test_verify_finds_the_same_in_any_batch_size_on_both_engines(
    any_case: Case, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify_reads, "BATCH", batch)
    ids = [str(uuid.UUID(int=k + 1)) for k in range(14)]
    with any_case.recording("E") as rec:
        for k, item_id in enumerate(ids):
            item = Item(
                id=item_id,
                kind="hardware",
                name=f"rotor {k}",
                created_at=utc_now(),
                created_by="E",
            )
            rec.insert(item, Action.ITEM_ADDED)
    clean = verify_case(any_case, record_result=False)
    assert clean.ok, clean.findings
    assert clean.records_checked >= len(ids)
    _tamper(any_case, ids)
    found = verify_case(any_case, record_result=False)
    assert _findings(found) == [
        ("item_changed", ids[3]),
        ("item_removed", ids[11]),
        ("item_unlogged", ids[0][:-4] + "ffff"),
    ]
    assert found.records_checked == clean.records_checked
