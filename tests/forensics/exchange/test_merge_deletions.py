"""A merge carries the other team's deletions, or asks, and never deletes evidence items."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.errors import ValidationError
from forensics.exchange.conflicts import conflicts_json, resolve_conflict
from forensics.exchange.merge import merge_archive
from forensics.exchange.merge_deletions import DELETION_NOT_APPLIED, MERGE_DELETED
from forensics.exchange.pack import pack_case
from forensics.exchange.unpack import unpack_archive
from forensics.store.merges import DELETED_THERE, MergeRepository, conflict_state
from forensics.store.subjects import FETCHERS
from forensics.verify import verify_case
from tests.forensics.exchange.deletions import Shared, diverge, make_shared
from tests.forensics.exchange.helpers import UNSIGNED, fill


@pytest.fixture
def shared(case: Case, corpus: Path, tmp_path: Path) -> Shared:
    return make_shared(case, corpus, tmp_path)


def _exists(case: Case, subject: str, record_id: str) -> bool:
    return FETCHERS[subject](case.db, record_id) is not None


def _carried(shared: Shared) -> dict[str, str]:
    return {
        shared.gone: "annotation",
        shared.mfr_link: "annotation_link",
        shared.hypothesis: "geo_hypothesis",
        shared.geo_link: "geo_evidence",
    }


def test_unchanged_records_they_deleted_are_deleted_here(shared, case):
    result = merge_archive(case, shared.theirs, actor="A", limits=UNSIGNED)
    assert not result.conflicts
    carried = {**_carried(shared), shared.edited: "annotation", shared.used: "annotation"}
    assert {d.record_id: d.subject_type for d in result.deleted} == carried
    for rid, subject in carried.items():
        assert not _exists(case, subject, rid)
        entry = case.custody.entries(subject=(subject, rid))[-1]
        assert entry.action == MERGE_DELETED
        assert entry.record_sha256 == "deleted"
        assert entry.details["merge_id"] == result.merge.id
        assert entry.details["their_entry"]["actor"] == "B"
    gone = case.custody.entries(subject=("annotation", shared.gone))[-1]
    assert gone.reason is not None
    assert "by B" in gone.reason
    assert gone.reason.endswith("wrong frame")
    assert _exists(case, "manufacturer", shared.manufacturer)
    assert verify_case(case).ok
    again = merge_archive(case, shared.theirs, actor="A", limits=UNSIGNED)
    assert (again.deleted, again.conflicts, again.deletion_notices) == ([], [], [])
    assert verify_case(case).ok


def test_an_item_they_deleted_is_kept_and_noted(shared, case):
    sha = case.items.get(shared.photo).sha256
    result = merge_archive(case, shared.theirs, actor="A", limits=UNSIGNED)
    assert [(n.subject_type, n.record_id) for n in result.deletion_notices] == [
        ("item", shared.loose_item)
    ]
    assert "never deleted" in result.deletion_notices[0].why
    assert case.items.get(shared.loose_item).name == "loose cable"
    assert case.evidence.has(str(sha))
    noted = case.custody.entries(item_id=shared.loose_item)[-1]
    assert noted.action == DELETION_NOT_APPLIED
    assert noted.details["their_entry"]["reason"] == "entered twice"
    assert verify_case(case).ok
    assert merge_archive(case, shared.theirs, limits=UNSIGNED).deletion_notices == []


def test_records_edited_or_used_here_become_conflicts(shared, tmp_path):
    with Case.open(unpack_archive(shared.base, tmp_path / "ours", limits=UNSIGNED).dest) as ours:
        our_link = diverge(ours, shared)
        svc = AnnotationService(ours, actor="A")
        try:
            ours_only = svc.add(shared.photo, -1, "point", [[5, 5]], "person").annotation.id
        finally:
            svc.close()
        result = merge_archive(ours, shared.theirs, actor="A", limits=UNSIGNED)
        assert {d.record_id for d in result.deleted} == set(_carried(shared))
        by_record = {c.record_id: c for c in result.conflicts}
        assert set(by_record) == {shared.edited, shared.used}
        assert {c.kind for c in result.conflicts} == {DELETED_THERE}
        assert by_record[shared.used].deletion is not None
        assert by_record[shared.used].deletion["used_by"] == [f"annotation_links {our_link}"]
        assert by_record[shared.edited].deletion is not None
        assert by_record[shared.edited].deletion["actor"] == "B"
        assert by_record[shared.edited].mine["note"] == "seen again on the second pass"
        for rid in (shared.edited, shared.used, ours_only):
            assert _exists(ours, "annotation", rid)
        listed = {c["record_id"]: c for c in conflicts_json(ours)}
        assert listed[shared.edited]["theirs"] is None
        assert listed[shared.edited]["deleted"]["reason"] == "wrong frame"
        assert verify_case(ours).ok


def test_take_theirs_deletes_keep_mine_keeps(shared, tmp_path):
    with Case.open(unpack_archive(shared.base, tmp_path / "ours", limits=UNSIGNED).dest) as ours:
        our_link = diverge(ours, shared)
        result = merge_archive(ours, shared.theirs, actor="A", limits=UNSIGNED)
        by_record = {c.record_id: c for c in result.conflicts}
        resolved = resolve_conflict(ours, by_record[shared.edited].id, "theirs", reason="agreed")
        assert resolved.status == "took_theirs"
        assert not _exists(ours, "annotation", shared.edited)
        entry = ours.custody.entries(subject=("annotation", shared.edited))[-1]
        assert (entry.action, entry.details["conflict_id"]) == (MERGE_DELETED, resolved.id)
        with pytest.raises(ValidationError, match="still used here"):
            resolve_conflict(ours, by_record[shared.used].id, "theirs")
        assert _exists(ours, "annotation_link", our_link)
        assert resolve_conflict(ours, by_record[shared.used].id, "mine").status == "kept_mine"
        assert _exists(ours, "annotation", shared.used)
        assert MergeRepository(ours.db).conflicts(status="open") == []
        assert verify_case(ours).ok
        again = merge_archive(ours, shared.theirs, actor="A", limits=UNSIGNED)
        assert again.conflicts == []
        assert _exists(ours, "annotation", shared.used)
        assert verify_case(ours).ok


def test_used_record_can_be_taken_once_our_link_is_gone(shared, tmp_path):
    with Case.open(unpack_archive(shared.base, tmp_path / "ours", limits=UNSIGNED).dest) as ours:
        our_link = diverge(ours, shared)
        conflict = next(
            c
            for c in merge_archive(ours, shared.theirs, limits=UNSIGNED).conflicts
            if c.record_id == shared.used
        )
        svc = AnnotationService(ours, actor="A")
        try:
            svc.unlink(our_link)
        finally:
            svc.close()
        resolve_conflict(ours, conflict.id, "theirs")
        assert not _exists(ours, "annotation", shared.used)
        assert verify_case(ours).ok


def test_a_redacted_archive_never_deletes_silently(shared, case, tmp_path):
    with Case.open(tmp_path / "team-b") as theirs:
        red = pack_case(theirs, tmp_path / "red.pwbcase", redact="people").archive
    result = merge_archive(case, red, actor="A", limits=UNSIGNED)
    assert result.deleted == []
    conflicted = {c.record_id for c in result.conflicts if c.kind == DELETED_THERE}
    assert conflicted >= {*_carried(shared), shared.edited, shared.used}
    assert _exists(case, "annotation", shared.gone)
    assert verify_case(case).ok


def test_edit_conflicts_logged_before_conflict_kinds_still_verify(case, corpus, tmp_path):
    filled = fill(case, corpus)
    base = pack_case(case, tmp_path / "base.pwbcase").archive
    with Case.open(unpack_archive(base, tmp_path / "team-b", limits=UNSIGNED).dest) as theirs:
        theirs.edit_item(filled.drone, {"note": "theirs"})
        archive = pack_case(theirs, tmp_path / "theirs.pwbcase").archive
    case.edit_item(filled.drone, {"note": "ours"})
    assert len(merge_archive(case, archive, limits=UNSIGNED).conflicts) == 1
    root = case.root
    case.close()
    # The case as the first exchange schema wrote it: conflicts without a kind.
    with closing(sqlite3.connect(root / "case.db")) as conn, conn:
        conn.execute("ALTER TABLE merge_conflicts DROP COLUMN kind")
        conn.execute("ALTER TABLE merge_conflicts DROP COLUMN deletion")
        for column in ("signer", "actor_given", "signature"):
            conn.execute(f"ALTER TABLE imported_custody DROP COLUMN {column}")
        conn.execute("DROP TABLE exchanged_states")
        conn.execute("UPDATE schema_version SET version = 1 WHERE component = 'exchange'")
    with Case.open(root) as upgraded:
        [conflict] = MergeRepository(upgraded.db).conflicts()
        assert (conflict.kind, conflict.changed_columns) == ("edited", ["note"])
        # What its custody entries digest is what the first schema's code digested.
        assert set(conflict_state(conflict)) == set(V1_CONFLICT_FIELDS)
        assert verify_case(upgraded).ok


V1_CONFLICT_FIELDS = (
    "id",
    "merge_id",
    "table_name",
    "record_id",
    "subject_type",
    "mine",
    "theirs",
    "status",
    "resolved_at",
    "resolved_by",
    "created_at",
    "created_by",
    "updated_at",
)
