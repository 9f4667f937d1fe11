"""A merge changes one of our records only from a state the other side is known to have had
(issue 14): their signed chain must show the change was made from our current state, and that
state must be one we exchanged (sent in a pack, received in an unpack or merge). An unsigned
archive, a re-hashed chain or a change from a state we never sent is a conflict, never an
update or a deletion."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.exchange.exchanged import RECEIVED, SENT
from forensics.exchange.merge import merge_archive
from forensics.exchange.pack import pack_case
from forensics.exchange.unpack import unpack_archive
from forensics.store import exchange as sx
from forensics.store.merges import MergeRepository
from forensics.verify import verify_case
from tests.app.cli_process import pwb
from tests.forensics.exchange.helpers import TEAM_B, UNSIGNED, Filled, fill


@pytest.fixture
def ours(case: Case, corpus: Path, tmp_path: Path) -> tuple[Filled, str, Path]:
    """Our case with an annotation, and the base archive we sent team B."""
    filled = fill(case, corpus)
    svc = AnnotationService(case, actor="A")
    try:
        ann = svc.add(filled.gps_photo, -1, "box", [[10, 10], [60, 40]], "marking").annotation.id
    finally:
        svc.close()
    base = pack_case(case, tmp_path / "base.pwbcase").archive
    return filled, ann, base


def _their_edits(root: Path, filled: Filled, ann: str) -> None:
    with Case.open(root) as theirs:
        theirs.edit_item(filled.drone, {"note": "their note"}, actor="B")
        svc = AnnotationService(theirs, actor="B")
        try:
            svc.delete(ann, reason="wrong frame")
        finally:
            svc.close()


def _snapshot(case: Case, filled: Filled, ann: str) -> tuple[str | None, bool]:
    """Our drone's note and whether our annotation is still there."""
    return case.items.get(filled.drone).note, sx.get_row(case.db, "annotations", ann) is not None


def test_pack_and_unpack_remember_the_states_they_exchanged(ours, tmp_path):
    filled, _ann, base = ours
    drone_state = [
        e.record_sha256 for e in filled.case.custody.entries() if e.subject_id == filled.drone
    ][-1]
    sent = MergeRepository(filled.case.db).exchanged_states([filled.drone])
    assert sent == {filled.drone: {drone_state}}
    with Case.open(unpack_archive(base, tmp_path / "b", limits=UNSIGNED).dest) as theirs:
        assert MergeRepository(theirs.db).exchanged_states([filled.drone]) == {
            filled.drone: {drone_state}
        }
        directions = {
            r[0] for r in theirs.db.conn.execute("SELECT direction FROM exchanged_states")
        }
    assert directions == {RECEIVED}
    assert {
        r[0] for r in filled.case.db.conn.execute("SELECT direction FROM exchanged_states")
    } == {SENT}


def test_signed_changes_from_a_state_we_sent_are_applied(ours, tmp_path):
    filled, ann, base = ours
    root = unpack_archive(base, tmp_path / "b", limits=UNSIGNED).dest
    _their_edits(root, filled, ann)
    with Case.open(root) as theirs:
        archive = pack_case(theirs, tmp_path / "t.pwbcase", actor="B", key=TEAM_B).archive
    result = merge_archive(filled.case, archive, actor="A", limits=UNSIGNED)
    assert (result.merge.updated, len(result.deleted), result.conflicts) == (1, 1, [])
    assert filled.case.items.get(filled.drone).note == "their note"
    assert verify_case(filled.case).ok


@pytest.mark.parametrize("selection", [False, True], ids=["whole", "re-hashed chain"])
def test_an_unsigned_archive_changes_none_of_our_records(selection, ours, tmp_path):
    filled, ann, base = ours
    root = unpack_archive(base, tmp_path / "b", limits=UNSIGNED).dest
    _their_edits(root, filled, ann)
    with Case.open(root) as theirs:
        # A selection re-bases (re-hashes) their chain; neither proves who made it unsigned.
        items = [filled.drone, filled.gps_photo] if selection else None
        archive = pack_case(theirs, tmp_path / "t.pwbcase", actor="B", items=items).archive
    before = _snapshot(filled.case, filled, ann)
    result = merge_archive(filled.case, archive, actor="A", limits=UNSIGNED)
    assert result.merge.updated == 0
    assert result.deleted == []
    kinds = {(c.record_id, c.kind) for c in result.conflicts}
    assert (filled.drone, "edited") in kinds
    assert (ann, "deleted_there_edited_here") in kinds
    assert _snapshot(filled.case, filled, ann) == before == (None, True)
    assert verify_case(filled.case).ok


def test_a_signed_re_hashed_chain_from_a_state_we_sent_is_applied(ours, tmp_path):
    filled, ann, base = ours
    root = unpack_archive(base, tmp_path / "b", limits=UNSIGNED).dest
    _their_edits(root, filled, ann)
    with Case.open(root) as theirs:
        items = [filled.drone, filled.gps_photo]
        archive = pack_case(
            theirs, tmp_path / "t.pwbcase", actor="B", items=items, key=TEAM_B
        ).archive
    result = merge_archive(filled.case, archive, actor="A", limits=UNSIGNED)
    assert result.merge.updated == 1
    assert filled.case.items.get(filled.drone).note == "their note"


def test_a_change_from_a_state_we_never_sent_is_a_conflict(ours, tmp_path):
    filled, ann, _base = ours
    case = filled.case
    # We change both records after packing; the new states never leave this case ...
    case.edit_item(filled.drone, {"note": "our unsent note"}, actor="A")
    svc = AnnotationService(case, actor="A")
    try:
        svc.edit(ann, {"note": "our unsent edit"})
    finally:
        svc.close()
    # ... yet a copy of our case reaches team B some other way; their signed chain shows
    # changes made from those states.
    case.close()
    shutil.copytree(case.root, tmp_path / "copy")
    _their_edits(tmp_path / "copy", filled, ann)
    with Case.open(tmp_path / "copy") as theirs:
        archive = pack_case(theirs, tmp_path / "t.pwbcase", actor="B", key=TEAM_B).archive
    with Case.open(case.root) as again:
        result = merge_archive(again, archive, actor="A", limits=UNSIGNED)
        assert result.merge.updated == 0
        assert result.deleted == []
        assert {(c.record_id, c.kind) for c in result.conflicts} == {
            (filled.drone, "edited"),
            (ann, "deleted_there_edited_here"),
        }
        assert again.items.get(filled.drone).note == "our unsent note"
        assert verify_case(again).ok


def test_pwb_merge_of_an_unsigned_archive_lists_conflicts(ours, tmp_path):
    filled, ann, base = ours
    root = unpack_archive(base, tmp_path / "b", limits=UNSIGNED).dest
    _their_edits(root, filled, ann)
    with Case.open(root) as theirs:
        archive = pack_case(theirs, tmp_path / "t.pwbcase", actor="B").archive
    filled.case.close()
    done = pwb("merge", filled.case.root, archive, "--accept-unsigned")
    assert done.returncode == 1, done.stderr
    assert "0 updated" in done.stdout
    assert "0 deleted" in done.stdout
    assert "2 conflict(s)" in done.stdout
    with Case.open(filled.case.root) as again:
        assert again.items.get(filled.drone).note is None
