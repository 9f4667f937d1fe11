"""The store on both engines: a folder case (SQLite) and a server case (PostgreSQL), one test.

Each test takes `any_case` (tests/conftest.py), so it runs once per engine, the server one
against the suite's own PostgreSQL.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from forensics.case import Case
from forensics.errors import CaseError, DuplicateItemError, NotFoundError
from forensics.intake.ingest import ingest_paths
from forensics.models import Item
from forensics.store.custody import GENESIS_HASH, Action, row_hash
from forensics.store.db import utc_now
from forensics.verify import verify_case
from tests.pg_server import PgServer


def test_items_edits_and_their_custody_chain(any_case: Case) -> None:
    case = any_case
    drone = case.add_item(kind="hardware", name="Gerbera drone", tags=("seized",))
    motor = case.add_item(kind="component", name="rotor motor", parent_id=drone.id)
    case.edit_item(motor.id, {"note": "scorched", "tags": ["burnt", "motor"]})
    assert case.items.get(motor.id).note == "scorched"
    assert [i.id for i in case.items.children(drone.id)] == [motor.id]
    assert case.items.all_tags() == ["burnt", "motor", "seized"]
    assert case.items.resolve_prefix(motor.id[:8]) == motor.id
    with pytest.raises(NotFoundError):
        case.items.get(str(uuid.uuid4()))

    rows = list(case.custody.stored_rows())
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    prev = GENESIS_HASH
    for row in rows:
        assert row["prev_hash"] == prev
        assert row_hash(row) == row["hash"]
        prev = row["hash"]
    assert case.custody.head() == (len(rows), prev)
    edit = case.custody.entries(item_id=motor.id)[-1]
    assert edit.action == Action.ITEM_EDITED
    assert edit.details["changes"]["note"] == {"from": None, "to": "scorched"}
    assert verify_case(case).ok


def test_values_come_back_as_stored(any_case: Case) -> None:
    """Sizes past 2**31, bytes that are not UTF-8, floats, JSON and booleans round-trip."""
    case = any_case
    item = Item(
        id=str(uuid.uuid4()),
        kind="file",
        name="big.bin",
        sha256="ab" * 32,
        size=5 * 2**30,
        source_path="/card/\\xff.bin",
        source_path_raw=b"/card/\xff.bin",
        fs_deleted=True,
        attributes={"k": [1, 2.5, "é"]},
        created_at=utc_now(),
        created_by="E",
    )
    case.insert_item(item, Action.INGESTED, details={}, reason=None)
    assert case.items.get(item.id) == item
    back = case.items.get(item.id)
    assert back.size == 5 * 2**30
    assert back.source_path_raw == b"/card/\xff.bin"
    assert back.fs_deleted is True


def test_a_refused_duplicate_leaves_the_transaction_usable(any_case: Case) -> None:
    """The second copy of a source is refused by the database's rule, and the writes around
    it in the same transaction still commit (PostgreSQL would abort the whole transaction)."""
    case = any_case
    folder = case.add_item(kind="hardware", name="card")
    base = Item(
        id=str(uuid.uuid4()),
        kind="file",
        name="a.jpg",
        parent_id=folder.id,
        sha256="cd" * 32,
        source_path="/card/a.jpg",
        source_path_raw=b"/card/a.jpg",
        created_at=utc_now(),
        created_by="E",
    )
    with case.recording("E") as rec:
        rec.insert(base, Action.INGESTED)
        with pytest.raises(DuplicateItemError):
            rec.insert(replace(base, id=str(uuid.uuid4())), Action.INGESTED)
        rec.insert(
            replace(base, id=str(uuid.uuid4()), name="b.jpg", sha256="ef" * 32), Action.INGESTED
        )
    assert sorted(i.name for i in case.items.children(folder.id)) == ["a.jpg", "b.jpg"]
    ingested = [e for e in case.custody.entries() if e.action == Action.INGESTED]
    assert len(ingested) == 2  # the refused copy left no entry


def test_ingested_files_verify_and_a_changed_record_is_found(any_case: Case, corpus: Path) -> None:
    case = any_case
    result = ingest_paths(case, [corpus / "exif-samples/jpg/Canon_40D.jpg"])
    [item] = result.items
    assert case.evidence.has(item.sha256)
    assert verify_case(case).ok
    # Edited behind the log's back: verify finds it on either engine.
    with case.transaction():
        case.db.conn.execute("UPDATE items SET name = ? WHERE id = ?", ("renamed.jpg", item.id))
    report = verify_case(case, record_result=False)
    assert not report.ok
    assert any(item.id in f.message for f in report.findings)


def test_reopening_finds_the_case_and_its_evidence(case_location: tuple) -> None:
    where, evidence = case_location
    with Case.create(where, title="Reopened", examiner="E", evidence=evidence) as case:
        drone = case.add_item(kind="hardware", name="drone")
        root = case.root
    with Case.open(where) as case:
        assert case.info.title == "Reopened"
        assert case.root == root
        assert case.items.get(drone.id).name == "drone"
    with Case.open(where, readonly=True) as case:
        assert case.items.get(drone.id).name == "drone"
        with pytest.raises(CaseError):
            case.add_item(kind="hardware", name="refused")


def test_a_server_case_needs_an_empty_database_and_an_evidence_folder(
    pg_server: PgServer, tmp_path: Path
) -> None:
    url = pg_server.new_database()
    try:
        with pytest.raises(CaseError, match="--evidence"):
            Case.create(url, title="T")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE other_app (x int)")
        with pytest.raises(CaseError, match="not empty"):
            Case.create(url, title="T", evidence=tmp_path / "ev")
        with pytest.raises(CaseError, match="not a case"):
            Case.open(url)
    finally:
        pg_server.drop_database(url)
    with pytest.raises(CaseError, match="cannot connect"):
        Case.open(pg_server.url("no_such_database"))


def test_a_long_chain_is_read_a_page_at_a_time_in_one_snapshot(any_case: Case) -> None:
    """Verify reads the chain inside one snapshot; on a server through a server-side cursor
    (pages of 2000), which must still give every entry, in order."""
    from forensics.store.db import snapshot

    case = any_case
    with case.recording("E") as rec:
        for k in range(2100):
            rec.note("noted", details={"k": k})
    with snapshot(case.db):
        rows = list(case.custody.stored_rows())
        digests = case.custody.latest_digests()
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert len(rows) > 2100
    assert ("case", case.info.case_id) in digests
    assert verify_case(case).ok
