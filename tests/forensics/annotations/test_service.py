"""Annotating real media: anchors, edits, links both ways, tracks, custody and verify."""

from __future__ import annotations

from pathlib import Path

import pytest

from forensics.annotations import tracks
from forensics.annotations.models import AnnotationFilter
from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.errors import NotFoundError, ValidationError
from forensics.media.video_reader import VideoReader
from forensics.models import Item
from forensics.provenance.components import add_component
from forensics.provenance.manufacturers import add_manufacturer
from forensics.verify import verify_case
from geoloc.hypotheses import HypothesisDraft, HypothesisService
from tests.forensics.annotations.conftest import COUNTER, STILL, ingest


def test_a_box_is_anchored_to_the_decoded_frame(
    svc: AnnotationService, counter: Item, corpus: Path
) -> None:
    saved = svc.add(counter.id, 7, "box", [(100, 100), (300, 250)], "vehicle", note="car")
    ann = saved.annotation
    with VideoReader(corpus / COUNTER) as reader:
        frame = reader.read(7)
    assert ann.media_sha256 == counter.sha256
    assert ann.frame_index == 7
    assert ann.frame_pixel_sha256 == frame.pixel_sha256
    assert ann.pts == pytest.approx(frame.pts)
    assert (ann.frame_width, ann.frame_height) == (1920, 1080)
    assert saved.warnings == ()


def test_clipping_warns_and_unknown_labels_are_refused(
    svc: AnnotationService, counter: Item
) -> None:
    saved = svc.add(counter.id, 0, "box", [(1800, 1000), (2100, 1200)], "lantern")
    assert saved.annotation.points == ((1800.0, 1000.0), (1920.0, 1080.0))
    assert "clipped" in saved.warnings[0]
    with pytest.raises(ValidationError, match="unknown label"):
        svc.add(counter.id, 0, "box", [(0, 0), (5, 5)], "spaceship")
    svc.add_label("spaceship")
    assert svc.add(counter.id, 0, "box", [(0, 0), (5, 5)], "spaceship").annotation


def test_links_are_followed_both_ways_and_edits_are_logged(
    case: Case, svc: AnnotationService, counter: Item
) -> None:
    camera = case.add_item(kind="component", name="Viewpro A40")
    nanshan = HypothesisService(case).add(
        HypothesisDraft(counter.id, "visual_landmark", lat=22.53, lon=113.93, radius_m=500)
    )
    ann = svc.add(
        counter.id,
        3,
        "point",
        [(10, 20)],
        "reflection",
        links=[("item", camera.id), ("hypothesis", nanshan.id)],
    ).annotation
    assert {(lk.target_type, lk.target_id) for lk in svc.links_of(ann.id)} == {
        ("item", camera.id),
        ("hypothesis", nanshan.id),
    }
    assert [a.id for a in svc.supporting("item", camera.id)] == [ann.id]
    assert [a.id for a in svc.search(AnnotationFilter(link=("hypothesis", None)))] == [ann.id]
    with pytest.raises(ValidationError, match="already supports"):
        svc.link(ann.id, "item", camera.id)
    svc.edit(ann.id, {"note": "Viewpro in the pane", "attributes": {"confidence": "high"}})
    removed = svc.delete(ann.id)
    assert svc.search() == []
    svc.restore(removed)
    assert svc.get(ann.id).note == "Viewpro in the pane"
    assert len(svc.links_of(ann.id)) == 2
    ops = [
        e.details["op"]
        for e in case.custody.entries()
        if e.action == "annotated" and e.subject_type == "annotation"
    ]
    assert ops == ["create", "edit", "delete", "restore"]
    assert all(e.actor == "Analyst A" for e in case.custody.entries() if e.action == "annotated")
    report = verify_case(case, record_result=False)
    assert report.ok, report.to_json()


@pytest.mark.parametrize("kind", ["item", "component", "manufacturer", "hypothesis"])
def test_a_link_to_a_record_that_does_not_exist_is_refused(
    case: Case, svc: AnnotationService, counter: Item, kind: str
) -> None:
    with pytest.raises(NotFoundError, match=f"no {kind} 'Viewpro A40'"):
        svc.add(counter.id, 2, "box", [(0, 0), (9, 9)], "vehicle", links=[(kind, "Viewpro A40")])
    assert svc.search() == []
    ann = svc.add(counter.id, 2, "box", [(0, 0), (9, 9)], "vehicle").annotation
    with pytest.raises(NotFoundError, match=f"no {kind} 'Viewpro A40'"):
        svc.link(ann.id, kind, "Viewpro A40")
    assert svc.links_of(ann.id) == []


def test_links_to_every_kind_of_record_that_exists_are_kept(
    case: Case, svc: AnnotationService, counter: Item
) -> None:
    drone = case.add_item(kind="hardware", name="Drone")
    camera = add_component(case, parent_id=drone.id, function="camera", name="Viewpro A40")
    viewpro = add_manufacturer(case, name="Viewpro")
    nanshan = HypothesisService(case).add(
        HypothesisDraft(counter.id, "visual_landmark", lat=22.53, lon=113.93, radius_m=500)
    )
    targets = {
        ("item", drone.id),
        ("component", camera.id),
        ("manufacturer", viewpro.id),
        ("hypothesis", nanshan.id),
    }
    ann = svc.add(counter.id, 4, "box", [(0, 0), (9, 9)], "vehicle", links=sorted(targets))
    assert {(lk.target_type, lk.target_id) for lk in svc.links_of(ann.annotation.id)} == targets


def test_verify_finds_an_annotation_edited_behind_the_logs_back(
    case: Case, svc: AnnotationService, counter: Item
) -> None:
    ann = svc.add(counter.id, 1, "box", [(0, 0), (10, 10)], "vehicle").annotation
    with case.transaction():
        case.db.conn.execute("UPDATE annotations SET label = 'person' WHERE id = ?", (ann.id,))
    report = verify_case(case, record_result=False)
    assert not report.ok
    assert any(ann.id in f.message or f.expected for f in report.findings)


def test_track_interpolates_and_a_corrected_frame_becomes_a_keyframe(
    svc: AnnotationService, counter: Item
) -> None:
    track = tracks.create_track(svc, counter.id, "vehicle")
    tracks.add_keyframe(svc, track.id, 0, "box", [(0, 0), (100, 100)])
    tracks.add_keyframe(svc, track.id, 10, "box", [(200, 0), (300, 100)])
    tracks.add_keyframe(svc, track.id, 20, "box", [(200, 200), (300, 300)])
    shown = {s.annotation.track_id: s for s in svc.on_frame(counter.id, 5)}
    assert shown[track.id].interpolated
    assert shown[track.id].points == ((100.0, 0.0), (200.0, 100.0))
    tracks.add_keyframe(svc, track.id, 5, "box", [(90, 10), (190, 110)])
    assert len(svc.repo.keyframes(track.id)) == 4
    tracks.end_track(svc, track.id, 25)
    frames = svc.track_frames(track.id)
    assert frames[-1].frame_index == 24
    assert svc.on_frame(counter.id, 26) == []


def test_still_images_use_frame_minus_one(case: Case, svc: AnnotationService, corpus: Path) -> None:
    still = ingest(case, corpus / STILL)
    ann = svc.add(still.id, 0, "polygon", [(0, 0), (50, 0), (50, 50)], "marking").annotation
    assert ann.frame_index == -1
    assert ann.pts is None
    assert ann.frame_width > 0
    assert len(ann.frame_pixel_sha256) == 64


def test_an_annotation_on_media_later_found_damaged_stays_flagged(
    case: Case, svc: AnnotationService, counter: Item
) -> None:
    ann = svc.add(counter.id, 2, "box", [(0, 0), (10, 10)], "vehicle").annotation
    assert svc.flags(ann) == ()
    with case.transaction():
        case.db.conn.execute(
            "UPDATE items SET errors = ? WHERE id = ?", ('["pixel data truncated"]', counter.id)
        )
    assert svc.get(ann.id).id == ann.id
    assert "damaged" in svc.flags(ann)[0]
