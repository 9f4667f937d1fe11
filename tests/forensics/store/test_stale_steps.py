"""Source regrades, label renames, link withdrawals and track steps made from a stale copy:
the one rule of stale edits (`store.rebase`), on both engines, with a second examiner writing
through a connection of their own between my read and my write.

A part only I change goes onto the colleague's newer record; a part we both changed to
different values is refused with `EditConflictError` naming the three values, and nothing is
written. A withdrawal has nothing to clash over: it is the one change a link can get.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from forensics.annotations import tracks
from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.edits import state_at
from forensics.errors import EditConflictError, NotFoundError
from forensics.intake.ingest import ingest_paths
from forensics.provenance.components import add_component, link_component, withdraw_link
from forensics.provenance.manufacturers import add_manufacturer
from forensics.provenance.sources import add_source, regrade_source
from forensics.records.provenance import ProvenanceAction

B = "Examiner B"
COUNTER = "video/pyscenedetect/counter.mp4"


def _entries(case: Case) -> int:
    return len(case.custody.entries())


def test_a_regrade_merges_the_other_part_and_refuses_the_same_part(case_location: tuple) -> None:
    where, evidence = case_location
    with Case.create(where, title="T", examiner="A", evidence=evidence) as mine:
        shown = add_source(mine, kind="article", title="RCGroups teardown", grade="B2")
        with Case.open(where) as theirs:
            regrade_source(theirs, shown.id, "B3", actor=B, reason="second post contradicts")
        # My reliability onto their credibility.
        merged = regrade_source(mine, shown.id, "C2", based_on=shown)
        assert merged.grade == "C3"
        # Both changed the reliability: refused, naming base, theirs and mine.
        with Case.open(where) as theirs:
            regrade_source(theirs, shown.id, "D3", actor=B)
        count = _entries(mine)
        with pytest.raises(EditConflictError) as caught:
            regrade_source(mine, shown.id, "A3", based_on=merged)
        assert caught.value.clashes == [
            {"field": "reliability", "base": "C", "theirs": "D", "mine": "A"}
        ]
        assert "source 'RCGroups teardown'" in str(caught.value)
        assert _entries(mine) == count
        # The log spells each regrade field by field: the state I read can be rebuilt.
        seq = mine.custody.entries(subject=("source", shown.id))[0].seq
        stored = regrade_source(mine, shown.id, "D3")  # as stored, without a base: unchanged
        assert state_at(mine, stored, seq) == shown


def test_a_label_renamed_meanwhile_is_a_conflict_and_marks_made_meanwhile_are_renamed(
    case_location: tuple, corpus: Path
) -> None:
    where, evidence = case_location
    with Case.create(where, title="T", examiner="A", evidence=evidence) as mine:
        [photo] = ingest_paths(mine, [corpus / "synthetic" / "gps_control_eiffel.jpg"]).items
        svc = AnnotationService(mine)
        svc.add(photo.id, -1, "box", [(1, 1), (5, 5)], "person")
        listed = {label.name: label for label in svc.labels().labels}
        with Case.open(where) as other:
            theirs = AnnotationService(other, actor=B)
            late = theirs.add(photo.id, -1, "box", [(8, 8), (12, 12)], "person").annotation
            theirs.rename_label("vehicle", "car")
            theirs.close()
        # Their mark made since the list was read is renamed with mine; their other rename
        # is kept.
        renamed = svc.rename_label("person", "pedestrian", based_on=listed["person"])
        assert renamed.id == listed["person"].id
        assert svc.get(late.id).label == "pedestrian"
        assert [a.label for a in svc.search()] == ["pedestrian", "pedestrian"]
        assert "car" in svc.labels()
        # Renamed by them since: refused with the three names, nothing written.
        with Case.open(where) as other:
            AnnotationService(other, actor=B).rename_label("car", "truck")
        count = _entries(mine)
        with pytest.raises(EditConflictError) as caught:
            svc.rename_label("vehicle", "lorry", based_on=listed["vehicle"])
        assert caught.value.clashes == [
            {"field": "name", "base": "vehicle", "theirs": "truck", "mine": "lorry"}
        ]
        assert _entries(mine) == count
        assert "truck" in svc.labels()
        # The same new name on both sides is no conflict, and no second rename.
        with Case.open(where) as other:
            AnnotationService(other, actor=B).rename_label("lantern", "lamp")
        count = _entries(mine)
        same = svc.rename_label("lantern", "lamp", based_on=listed["lantern"])
        assert same.name == "lamp"
        assert _entries(mine) == count
        svc.close()


def test_a_withdrawal_made_twice_is_one_withdrawal(case_location: tuple) -> None:
    """Withdrawing is the only change a link can get, to the one value "withdrawn": the
    second examiner's withdrawal, read before the first was written, finds it done and writes
    nothing (no error, no second entry)."""
    where, evidence = case_location
    with Case.create(where, title="T", examiner="A", evidence=evidence) as mine:
        drone = mine.add_item(kind="hardware", name="drone")
        camera = add_component(mine, parent_id=drone.id, function="camera")
        maker = add_manufacturer(mine, name="Viewpro", country="CN")
        link = link_component(mine, camera.id, maker.id, basis="logo")
        with Case.open(where) as theirs:
            first = withdraw_link(theirs, link.id, actor=B, reason="wrong package")
        count = _entries(mine)
        again = withdraw_link(mine, link.id, reason="looks wrong")
        assert again == first
        assert again.status == "withdrawn"
        assert _entries(mine) == count
        withdrawals = [
            e
            for e in mine.custody.entries(subject=("component_link", link.id))
            if e.action == ProvenanceAction.LINK_WITHDRAWN
        ]
        assert [(e.actor, e.reason) for e in withdrawals] == [(B, "wrong package")]


def _keys(svc: AnnotationService, track_id: str) -> dict[int, object]:
    return {k.frame_index: k for k in svc.repo.keyframes(track_id)}


def test_track_steps_are_made_from_the_frame_as_shown(case_location: tuple, corpus: Path) -> None:
    where, evidence = case_location
    with Case.create(where, title="T", examiner="A", evidence=evidence) as mine:
        [video] = ingest_paths(mine, [corpus / COUNTER]).items
        svc = AnnotationService(mine)
        track = tracks.create_track(svc, video.id, "vehicle")
        tracks.add_keyframe(svc, track.id, 0, "box", [(10, 10), (50, 50)])
        shown = tracks.add_keyframe(svc, track.id, 10, "box", [(100, 10), (150, 50)]).annotation

        # A colleague notes the keyframe on frame 10: my correction of its box keeps the note.
        other = Case.open(where)
        theirs = AnnotationService(other, actor=B)
        theirs.edit(shown.id, {"note": "white van"})
        step = tracks.add_keyframe(
            svc, track.id, 10, "box", [(110, 10), (160, 50)], as_shown=True, based_on=shown
        )
        corrected = step.annotation
        assert (corrected.points, corrected.note) == (((110, 10), (160, 50)), "white van")

        # They move the box too: refused with theirs and mine; nothing written.
        theirs.edit(corrected.id, {"points": [(120, 10), (170, 50)]})
        count = _entries(mine)
        with pytest.raises(EditConflictError) as caught:
            tracks.add_keyframe(
                svc, track.id, 10, "box", [(90, 10), (140, 50)], as_shown=True, based_on=corrected
            )
        assert [c["field"] for c in caught.value.clashes] == ["points"]
        assert caught.value.clashes[0]["theirs"] == ((120, 10), (170, 50))
        assert _entries(mine) == count

        # Frame 5 showed an interpolated box; they made it a keyframe since: mine is refused,
        # theirs compared with the box the frame showed.
        made = theirs.add(
            video.id, 5, "box", [(70, 70), (90, 90)], "vehicle", track_id=track.id, keyframe=True
        ).annotation
        with pytest.raises(EditConflictError) as caught:
            tracks.add_keyframe(svc, track.id, 5, "box", [(60, 10), (110, 50)], as_shown=True)
        assert caught.value.record_id == made.id
        [clash] = caught.value.clashes
        assert (clash["base"], clash["theirs"]) == (((65, 10), (110, 50)), ((70, 70), (90, 90)))
        # Apply mine on top: the step made again from their keyframe.
        on_top = tracks.add_keyframe(
            svc, track.id, 5, "box", [(60, 10), (110, 50)], as_shown=True, based_on=made
        )
        assert on_top.annotation.id == made.id
        assert on_top.annotation.points == ((60, 10), (110, 50))

        # The keyframe shown was deleted since: refused, not made again.
        theirs.delete(made.id)
        with pytest.raises(EditConflictError, match="was deleted by someone else"):
            tracks.add_keyframe(
                svc, track.id, 5, "box", [(1, 1), (9, 9)], as_shown=True, based_on=on_top.annotation
            )
        assert 5 not in _keys(svc, track.id)

        # Ending the track on a frame they ended it on already, from the frame as shown
        # (no keyframe there): the same end, no conflict.
        ended = tracks.end_track(theirs, track.id, 12)
        mine_end = tracks.end_track(svc, track.id, 12, as_shown=True)
        assert mine_end.annotation.id == ended.annotation.id
        assert mine_end.annotation.outside

        # An undo of a keyframe's creation does not delete one they changed since.
        added = tracks.add_keyframe(svc, track.id, 3, "box", [(30, 10), (80, 50)]).annotation
        theirs.edit(added.id, {"note": "turning"})
        with pytest.raises(EditConflictError, match="nothing was deleted"):
            svc.delete(added.id, based_on=added)
        assert 3 in _keys(svc, track.id)
        # Putting a keyframe back (undo of its delete, redo of its creation) on a frame where
        # they marked the object since is refused: one keyframe per frame.
        removed = svc.delete(added.id)
        theirs.add(
            video.id, 3, "box", [(31, 10), (81, 50)], "vehicle", track_id=track.id, keyframe=True
        )
        with pytest.raises(EditConflictError, match="nothing was put back"):
            svc.restore(removed)
        assert [k.frame_index for k in svc.repo.keyframes(track.id)].count(3) == 1
        theirs.close()
        other.close()
        svc.close()


def test_annotation_links_are_never_doubled_and_a_removal_made_first_is_named(
    case_location: tuple, corpus: Path
) -> None:
    """A link has no fields to clash over: removing one a colleague removed first says who
    did and writes nothing; putting one back where they linked the same record since is
    refused, so the annotation never supports one record twice."""
    where, evidence = case_location
    with Case.create(where, title="T", examiner="A", evidence=evidence) as mine:
        [photo] = ingest_paths(mine, [corpus / "synthetic" / "gps_control_eiffel.jpg"]).items
        drone = mine.add_item(kind="hardware", name="drone")
        svc = AnnotationService(mine)
        ann = svc.add(photo.id, -1, "box", [(1, 1), (5, 5)], "vehicle").annotation
        link = svc.link(ann.id, "item", drone.id)
        with Case.open(where) as other:
            theirs = AnnotationService(other, actor=B)
            theirs.unlink(link.id)
            again = theirs.link(ann.id, "item", drone.id)
            theirs.close()
        count = _entries(mine)
        with pytest.raises(NotFoundError, match=f"removed already, by {B} at "):
            svc.unlink(link.id)
        with pytest.raises(EditConflictError, match="nothing was put back"):
            svc.restore_link(link)
        assert [lk.id for lk in svc.links_of(ann.id)] == [again.id]
        assert _entries(mine) == count
        svc.close()


def test_an_undo_of_a_marks_creation_keeps_one_a_colleague_linked_or_commented_on(
    case_location: tuple, corpus: Path
) -> None:
    """Deleting a mark as I made it (`based_on`, the undo of its creation) is refused once B
    linked it or commented on it: the link would go with it and the comment would be on
    nothing. Nothing is written; a mark nobody touched is deleted."""
    from forensics.comments import add_comment

    where, evidence = case_location
    with Case.create(where, title="T", examiner="A", evidence=evidence) as mine:
        [photo] = ingest_paths(mine, [corpus / "synthetic" / "gps_control_eiffel.jpg"]).items
        drone = mine.add_item(kind="hardware", name="drone")
        svc = AnnotationService(mine)
        linked = svc.add(photo.id, -1, "box", [(1, 1), (5, 5)], "vehicle").annotation
        said = svc.add(photo.id, -1, "box", [(2, 2), (6, 6)], "vehicle").annotation
        untouched = svc.add(photo.id, -1, "box", [(3, 3), (7, 7)], "vehicle").annotation
        with Case.open(where) as other:
            theirs = AnnotationService(other, actor=B)
            their_link = theirs.link(linked.id, "item", drone.id)
            add_comment(other, said.id, "the van is parked", actor=B)
            theirs.close()
        count = _entries(mine)
        with pytest.raises(EditConflictError, match=r"\(links\): nothing was deleted") as caught:
            svc.delete(linked.id, based_on=linked)
        assert caught.value.clashes[0]["theirs"] == (f"item {drone.id}",)
        with pytest.raises(EditConflictError, match=r"\(comments\): nothing was deleted"):
            svc.delete(said.id, based_on=said)
        assert _entries(mine) == count
        assert [lk.id for lk in svc.links_of(linked.id)] == [their_link.id]
        svc.delete(untouched.id, based_on=untouched)
        assert sorted(a.id for a in svc.search()) == sorted([linked.id, said.id])
        svc.close()


def test_a_redo_of_a_marks_delete_keeps_one_a_colleague_touched_since_it_was_put_back(
    case_location: tuple, corpus: Path
) -> None:
    """My delete, undone, puts the mark back with its links and under its comments; redoing
    the delete (`based_on=Removed.known`, the mark as put back) is refused once B changed,
    linked, unlinked or commented on it in between, and writes nothing. What was on the mark
    already (my link, my comment) is no change: a mark nobody touched is deleted again."""
    from forensics.comments import add_comment

    where, evidence = case_location
    with Case.create(where, title="T", examiner="A", evidence=evidence) as mine:
        [photo] = ingest_paths(mine, [corpus / "synthetic" / "gps_control_eiffel.jpg"]).items
        drone = mine.add_item(kind="hardware", name="drone")
        camera = mine.add_item(kind="hardware", name="camera")
        svc = AnnotationService(mine)
        fields = ("note", "links", "unlinked", "comments", "untouched")
        marks = {
            f: svc.add(photo.id, -1, "box", [(n + 1, n + 1), (9, 9)], "vehicle").annotation
            for n, f in enumerate(fields)
        }
        put_back = {}
        for f, ann in marks.items():
            svc.link(ann.id, "item", drone.id)
            add_comment(mine, ann.id, "boxed twice?")
            put_back[f] = svc.delete(ann.id, reason="duplicate")
            svc.restore(put_back[f])  # the undo
            assert len(put_back[f].comments) == 1
        with Case.open(where) as other:
            theirs = AnnotationService(other, actor=B)
            theirs.edit(marks["note"].id, {"note": "white van"})
            their_link = theirs.link(marks["links"].id, "item", camera.id)
            [gone] = theirs.links_of(marks["unlinked"].id)
            theirs.unlink(gone.id)
            add_comment(other, marks["comments"].id, "not a duplicate", actor=B)
            theirs.close()
        count = _entries(mine)
        for f, field in (("note", "note"), ("links", "links"), ("unlinked", "links")):
            with pytest.raises(EditConflictError, match=rf"\({field}\): nothing was deleted"):
                svc.delete(marks[f].id, reason="duplicate", based_on=put_back[f].known)
        with pytest.raises(EditConflictError, match=r"\(comments\): nothing was deleted") as caught:
            svc.delete(marks["comments"].id, reason="dup", based_on=put_back["comments"].known)
        assert caught.value.clashes == [
            {
                "field": "comments",
                "base": ("boxed twice?",),
                "theirs": ("boxed twice?", "not a duplicate"),
                "mine": None,
            }
        ]
        assert _entries(mine) == count
        assert svc.get(marks["note"].id).note == "white van"
        assert {lk.id for lk in svc.links_of(marks["links"].id)} >= {their_link.id}
        again = svc.delete(
            marks["untouched"].id, reason="duplicate", based_on=put_back["untouched"].known
        )
        assert [lk.target_id for lk in again.links] == [drone.id]
        assert sorted(a.id for a in svc.search()) == sorted(
            marks[f].id for f in fields if f != "untouched"
        )
        svc.close()
