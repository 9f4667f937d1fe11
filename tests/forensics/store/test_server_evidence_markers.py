"""A server case's in-flight markers are rows of its database (store/inflight_db.py): two
writers on one shared evidence folder, each with its own connection, decide under the
database's lock, never by flock; a writer whose session ended is recovered by a live one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.errors import EvidenceError
from forensics.verify import verify_case
from tests.pg_server import PgServer


@pytest.fixture
def server_case(pg_server: PgServer, tmp_path: Path) -> Iterator[str]:
    url = pg_server.new_database()
    Case.create(url, title="shared", examiner="A. Analyst", evidence=tmp_path / "share").close()
    try:
        yield url
    finally:
        pg_server.drop_database(url)


def _rows(case: Case) -> list[tuple[str, str | None]]:
    rows = case.db.conn.execute(
        "SELECT sha256, batch FROM evidence_inflight ORDER BY sha256"
    ).fetchall()
    return [(str(r[0]), r[1]) for r in rows]


def test_markers_are_rows_and_no_file_is_made_in_the_share(server_case: str) -> None:
    with Case.open(server_case) as case:
        copies = [case.evidence.copy_in([b"photo %d" % n], 7, sync=False) for n in range(3)]
        shas = sorted(blob.sha256 for _tmp, blob in copies)
        marker = case.evidence.batch_marker()
        case.evidence.commit_blobs([(tmp, blob.sha256) for tmp, blob in copies], marker)
        assert all(case.evidence.has(s) and case.evidence.in_flight(s) for s in shas)
        assert [s for s, _b in _rows(case)] == shas
        assert not list(case.evidence.tmp_dir.iterdir())  # no marker file on the share
        case.evidence.clear_batch(marker)
        assert _rows(case) == []
        assert not any(case.evidence.in_flight(s) for s in shas)


def test_a_blob_another_writer_holds_is_kept_until_the_last_lets_go(server_case: str) -> None:
    with Case.open(server_case) as one, Case.open(server_case) as two:
        tmp1, blob = one.evidence.copy_in([b"the same content"], 16)
        tmp2, _ = two.evidence.copy_in([b"the same content"], 16)
        assert one.evidence.commit_blob(tmp1, blob.sha256)
        assert not two.evidence.commit_blob(tmp2, blob.sha256)  # stored already: shared
        # One writer's insert failed: the other still holds the blob.
        assert not one.evidence.release_blob(blob.sha256, one.items.has_content)
        assert two.evidence.has(blob.sha256)
        assert two.evidence.in_flight(blob.sha256)
        assert two.evidence.release_blob(blob.sha256, two.items.has_content)
        assert not two.evidence.has(blob.sha256)
        assert _rows(two) == []


def test_a_dead_writers_blobs_are_reclaimed_by_a_live_process_with_the_case_open(
    server_case: str,
) -> None:
    """A writer whose session ended (here: its connection closed without clearing, as a
    killed process's is) holds nothing: the next process to open the case removes its blob
    and its partial copy, though another examiner has the case open (not alone), and keeps
    the live writer's."""
    with Case.open(server_case) as live:
        tmp, kept = live.evidence.copy_in([b"a live writer's blob"], 20)
        live.evidence.commit_blob(tmp, kept.sha256)
        dead = Case.open(server_case)
        tmp, lost = dead.evidence.copy_in([b"a killed writer's blob"], 22)
        dead.evidence.commit_blob(tmp, lost.sha256)
        tmp, both = dead.evidence.copy_in([b"held by both"], 12)
        dead.evidence.commit_blob(tmp, both.sha256)
        tmp, _ = live.evidence.copy_in([b"held by both"], 12)
        live.evidence.commit_blob(tmp, both.sha256)
        dead_part, _ = dead.evidence.copy_in([b"a copy the killed writer was making"], 35)
        live_part, _ = live.evidence.copy_in([b"a copy the live writer is making"], 32)
        dead.evidence.close()  # its session, and with it its writer lock, ends
        dead.db.close()
        with Case.open(server_case) as third:
            assert not third.evidence.has(lost.sha256)
            assert not dead_part.exists()
            assert live_part.exists()
            assert third.evidence.has(kept.sha256)
            assert third.evidence.has(both.sha256)
            entry = third.custody.entries()[-1]
            assert entry.action == "recovered_interrupted_ingest"
            assert entry.details["unreferenced_blobs_removed"] == [lost.sha256]
            assert entry.details["partial_copies_removed"] == 1
            assert sorted(s for s, _b in _rows(third)) == sorted([kept.sha256, both.sha256])
        # The live writer's inserts fail: it lets go of both, and the case verifies clean.
        live.evidence.discard(live_part)
        assert live.evidence.release_blob(kept.sha256, live.items.has_content)
        assert live.evidence.release_blob(both.sha256, live.items.has_content)
        assert _rows(live) == []
        assert not list(live.evidence.stored_hashes())
        assert not verify_case(live).findings


def test_items_and_their_markers_commit_together_or_not_at_all(server_case: str) -> None:
    """`settle_marker` deletes the writer's row inside the items' transaction; when recovery
    took the row (the writer's session was lost), that transaction fails: no item is left
    referring to a blob a recovery may have removed."""
    with Case.open(server_case) as case:
        tmp, blob = case.evidence.copy_in([b"content"], 7)
        case.evidence.commit_blob(tmp, blob.sha256)
        with case.transaction():
            case.add_item(kind="hardware", name="committed with its marker")
            case.evidence.settle_marker(blob.sha256)
            assert _rows(case) == []  # gone in this transaction...
        assert _rows(case) == []  # ...and committed with the item
        tmp, lost = case.evidence.copy_in([b"other"], 5)
        case.evidence.commit_blob(tmp, lost.sha256)
        case.db.conn.execute("DELETE FROM evidence_inflight")  # as a recovery would

        def commit_item() -> None:
            with case.transaction():
                case.add_item(kind="hardware", name="never committed")
                case.evidence.settle_marker(lost.sha256)

        with pytest.raises(EvidenceError, match="taken by a recovery"):
            commit_item()
        assert [i.name for i in case.items.children(None)] == ["committed with its marker"]


def test_a_batch_whose_transaction_rolls_back_keeps_its_rows_until_released(
    server_case: str,
) -> None:
    """`settle_batch` deletes the rows inside the items' transaction: when that transaction
    rolls back they are back, the blobs stay marked, and the release after the failure
    (intake's `_release`) removes the blobs and the rows."""
    with Case.open(server_case) as case:
        copies = [case.evidence.copy_in([b"page %d" % n], 6, sync=False) for n in range(2)]
        shas = sorted(blob.sha256 for _tmp, blob in copies)
        marker = case.evidence.batch_marker()
        case.evidence.commit_blobs([(tmp, blob.sha256) for tmp, blob in copies], marker)

        def failed_commit() -> None:
            with case.transaction():
                case.add_item(kind="hardware", name="rolled back")
                case.evidence.settle_batch(marker)
                raise OSError("the disk is full")

        with pytest.raises(OSError, match="disk is full"):
            failed_commit()
        assert [s for s, _b in _rows(case)] == shas
        assert all(case.evidence.in_flight(s) for s in shas)
        for sha in shas:
            assert case.evidence.release_blob(sha, case.items.has_content, batch=marker)
        case.evidence.clear_batch(marker)
        assert _rows(case) == []
        assert not list(case.evidence.stored_hashes())
        assert case.items.children(None) == []
