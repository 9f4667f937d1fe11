"""Merging a team's archive back: new records added, both-sided edits become conflicts."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.errors import ArchiveError, ValidationError
from forensics.exchange.conflicts import resolve_conflict
from forensics.exchange.imported import verify_imported
from forensics.exchange.merge import merge_archive
from forensics.exchange.pack import pack_case
from forensics.exchange.unpack import unpack_archive
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.store.merges import MergeRepository
from forensics.verify import verify_case
from tests.forensics.exchange.helpers import TEAM_B, UNSIGNED, fill

OTHER_JPEG = "exif-samples/jpg/Fujifilm_FinePix_E500.jpg"


@pytest.fixture
def shared(case: Case, corpus: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Our case, and team B's edited copy of it packed as `theirs.pwbcase`."""
    filled = fill(case, corpus)
    base = pack_case(case, tmp_path / "base.pwbcase").archive
    with Case.open(unpack_archive(base, tmp_path / "team-b", limits=UNSIGNED).dest) as theirs:
        theirs.edit_item(filled.drone, {"note": "serial plate photographed"}, actor="B")
        theirs.add_item(
            kind="component",
            name="GNSS module",
            parent_id=filled.drone,
            marking="NEO-M8N",
            actor="B",
        )
        ingest_paths(
            theirs, [str(corpus / OTHER_JPEG)], IngestOptions(examiner="B", post_ingest=())
        )
        their_archive = pack_case(
            theirs, tmp_path / "theirs.pwbcase", actor="B", key=TEAM_B
        ).archive
    return filled, base, their_archive


def test_merge_into_the_original_adds_and_fast_forwards(shared, tmp_path):
    filled, _, theirs = shared
    case = filled.case
    before = set(case.items.all_ids())
    result = merge_archive(case, theirs, actor="A", limits=UNSIGNED)
    assert result.merge.added == 2
    assert result.merge.updated == 1
    assert not result.conflicts
    assert result.evidence_added == 1
    assert len(set(case.items.all_ids()) - before) == 2
    assert case.items.get(filled.drone).note == "serial plate photographed"
    assert case.custody.entries()[-1].action == "merged"
    assert verify_case(case).ok
    assert verify_imported(case, result.merge.id) == []
    head = case.custody.head()
    again = merge_archive(case, theirs, actor="A", limits=UNSIGNED)
    assert again.already_merged
    assert again.merge.id == result.merge.id
    assert case.custody.head() == head  # reported, not re-applied
    assert verify_case(case).ok


def test_merge_into_a_modified_copy_lists_the_conflict_and_keeps_ours(shared, tmp_path):
    filled, base, theirs = shared
    with Case.open(unpack_archive(base, tmp_path / "ours", limits=UNSIGNED).dest) as ours:
        ours.edit_item(filled.drone, {"note": "our note"}, actor="A")
        result = merge_archive(ours, theirs, actor="A", limits=UNSIGNED)
        assert [c.record_id for c in result.conflicts] == [filled.drone]
        conflict = result.conflicts[0]
        assert conflict.changed_columns == ["note"]
        assert ours.items.get(filled.drone).note == "our note"
        assert result.merge.added == 2
        assert verify_case(ours).ok
        resolved = resolve_conflict(ours, conflict.id, "theirs", actor="A", reason="checked")
        assert resolved.status == "took_theirs"
        assert ours.items.get(filled.drone).note == "serial plate photographed"
        with pytest.raises(ValidationError):
            resolve_conflict(ours, conflict.id, "mine")
        assert verify_case(ours).ok


def test_keep_mine_leaves_the_record(shared, tmp_path):
    filled, base, theirs = shared
    with Case.open(unpack_archive(base, tmp_path / "ours", limits=UNSIGNED).dest) as ours:
        ours.edit_item(filled.drone, {"note": "our note"}, actor="A")
        conflict = merge_archive(ours, theirs, limits=UNSIGNED).conflicts[0]
        assert resolve_conflict(ours, conflict.id, "mine").status == "kept_mine"
        assert ours.items.get(filled.drone).note == "our note"
        assert MergeRepository(ours.db).conflicts(status="open") == []
        assert verify_case(ours).ok


def test_redacted_archive_differences_are_conflicts_not_overwrites(shared, tmp_path):
    filled, _, _ = shared
    redacted = pack_case(filled.case, tmp_path / "red.pwbcase", redact="locations").archive
    result = merge_archive(filled.case, redacted, limits=UNSIGNED)
    assert filled.camera in {c.record_id for c in result.conflicts}
    assert filled.case.items.get(filled.camera).attributes["latitude"] == 22.53412
    assert verify_case(filled.case).ok


def test_imported_chain_tampering_is_found(shared, tmp_path):
    filled, _, theirs = shared
    result = merge_archive(filled.case, theirs, limits=UNSIGNED)
    path = filled.case.root / "case.db"
    with closing(sqlite3.connect(path)) as conn, conn:
        seq = conn.execute(
            "SELECT MIN(seq) FROM imported_custody WHERE action = 'item_added'"
        ).fetchone()[0]
        conn.execute("UPDATE imported_custody SET actor = 'X' WHERE seq = ?", (seq,))
    problems = verify_imported(filled.case, result.merge.id)
    assert problems == [f"imported entry {seq} (item_added) was changed"]


def test_refused_archive_leaves_the_case_untouched(shared, tmp_path):
    filled, _, theirs = shared
    data = theirs.read_bytes()
    cut = tmp_path / "cut.pwbcase"
    cut.write_bytes(data[: len(data) - 100])
    entries = len(filled.case.custody.entries())
    ids = set(filled.case.items.all_ids())
    with pytest.raises(ArchiveError):
        merge_archive(filled.case, cut, limits=UNSIGNED)
    assert len(filled.case.custody.entries()) == entries
    assert set(filled.case.items.all_ids()) == ids
    assert list((filled.case.root / "tmp").iterdir()) == []
    assert verify_case(filled.case).ok


def test_an_older_archive_after_a_newer_one_is_reported_and_not_reapplied(shared, tmp_path):
    """A replay or rollback: their older chain is a prefix of one already merged."""
    filled, _, older = shared
    case = filled.case
    with Case.open(tmp_path / "team-b") as theirs:
        theirs.edit_item(filled.drone, {"note": "plate re-read: NEO-M9N"}, actor="B")
        newer = pack_case(theirs, tmp_path / "newer.pwbcase", actor="B", key=TEAM_B).archive
    merged = merge_archive(case, newer, actor="A", limits=UNSIGNED)
    assert not merged.already_merged
    assert case.items.get(filled.drone).note == "plate re-read: NEO-M9N"
    head = case.custody.head()
    replay = merge_archive(case, older, actor="A", limits=UNSIGNED)
    assert replay.already_merged
    assert replay.merge.id == merged.merge.id
    assert case.items.get(filled.drone).note == "plate re-read: NEO-M9N"
    assert case.custody.head() == head
