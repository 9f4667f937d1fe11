"""Exports and imports: COCO and CVAT round trips land on the same pixels, MOT, PNG, bad input."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from forensics.annotations import tracks
from forensics.annotations.exchange import export_annotations, import_annotations
from forensics.annotations.models import Annotation
from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.media.video_reader import VideoReader
from forensics.models import Item
from geoloc.hypotheses import HypothesisDraft, HypothesisService
from tests.forensics.annotations.conftest import COUNTER, STILL, VFR, ingest


def _annotate(case: Case, svc: AnnotationService, counter: Item, corpus: Path) -> None:
    camera = case.add_item(kind="component", name="Viewpro A40")
    nanshan = HypothesisService(case).add(
        HypothesisDraft(counter.id, "visual_landmark", lat=22.53, lon=113.93, radius_m=500)
    )
    svc.add(
        counter.id,
        4,
        "box",
        [(100.5, 200.25), (400, 300)],
        "vehicle",
        note="white car",
        attributes={"colour": "white"},
        links=[("item", counter.id), ("hypothesis", nanshan.id)],
    )
    svc.add(counter.id, 4, "polygon", [(10, 10), (60, 10), (35, 50)], "lantern")
    svc.add(counter.id, 9, "point", [(960, 540)], "reflection", links=[("item", camera.id)])
    svc.add(counter.id, 12, "arrow", [(10, 10), (40, 30), (90, 90)], "camera")
    track = tracks.create_track(svc, counter.id, "vehicle")
    for frame, x in ((2, 0), (6, 40), (10, 80)):
        tracks.add_keyframe(svc, track.id, frame, "box", [(x, 0), (x + 50, 50)])
    tracks.end_track(svc, track.id, 14)
    still = ingest(case, corpus / STILL)
    svc.add(still.id, -1, "box", [(5, 5), (50, 60)], "marking")


def _key(a: Annotation) -> tuple[object, ...]:
    return (
        a.media_sha256,
        a.frame_index,
        a.frame_pixel_sha256,
        a.kind,
        a.points,
        a.label,
        a.note,
        a.keyframe,
        a.outside,
        a.track_id is not None,
    )


@pytest.mark.parametrize("fmt", ["coco", "cvat-video"])
def test_round_trip_into_a_fresh_case_lands_on_the_same_pixels(
    case: Case,
    svc: AnnotationService,
    counter: Item,
    corpus: Path,
    fresh_case: Case,
    tmp_path: Path,
    fmt: str,
) -> None:
    _annotate(case, svc, counter, corpus)
    out = tmp_path / "out"
    report = export_annotations(svc, fmt, out)
    assert report.files
    ingest(fresh_case, corpus / COUNTER)
    ingest(fresh_case, corpus / STILL)
    other = AnnotationService(fresh_case, actor="Analyst B")
    try:
        files = [Path(f) for f in report.files if f.endswith((".json", ".xml"))]
        warnings: list[str] = []
        for f in files:
            result = import_annotations(other, f)
            assert result.rejected == []
            warnings += result.warnings
        expected = svc.search()
        if fmt == "cvat-video":  # CVAT for video has no stills
            expected = [a for a in expected if a.frame_index >= 0]
        assert sorted(map(_key, other.search())) == sorted(map(_key, expected))
        assert len(other.repo.tracks()) == 1
        moved = {a.id: a for a in other.search()}
        first = next(a for a in expected if a.label == "vehicle" and a.track_id is None)
        assert moved[first.id].attributes == {"colour": "white"}
        # The item is found again by its content; the hypothesis is not in the fresh case,
        # so its link is left out with a warning rather than stored pointing at nothing.
        links = {(lk.target_type) for lk in other.links_of(first.id)}
        assert links == {"item"}
        assert any("link hypothesis" in w and "no hypothesis" in w for w in warnings)
    finally:
        other.close()


def test_coco_is_plain_coco_with_the_frames_beside_it(
    case: Case, svc: AnnotationService, counter: Item, corpus: Path, tmp_path: Path
) -> None:
    _annotate(case, svc, counter, corpus)
    export_annotations(svc, "coco", tmp_path / "coco")
    doc = json.loads((tmp_path / "coco" / "annotations.json").read_text())
    # keyframes 2, 6, 10 and frames 3-5, 7-9, 11-13 interpolated; singles on 4, 9, 12; a still
    indexes = sorted(i["pwb"]["frame_index"] for i in doc["images"])
    assert indexes == [-1, *range(2, 14)]
    image = next(i for i in doc["images"] if i["pwb"]["frame_index"] == 4)
    png = np.asarray(Image.open(tmp_path / "coco" / image["file_name"]).convert("RGB"))
    with VideoReader(corpus / COUNTER) as reader:
        assert np.array_equal(png, reader.read(4).rgb)
    boxes = [a for a in doc["annotations"] if a["image_id"] == image["id"]]
    assert {tuple(a["bbox"]) for a in boxes} >= {(100.5, 200.25, 299.5, 99.75)}
    names = {c["id"]: c["name"] for c in doc["categories"]}
    assert {names[a["category_id"]] for a in boxes} == {"vehicle", "lantern"}
    assert any(a["segmentation"] for a in boxes)


def test_cvat_holds_tracks_with_keyframes(
    case: Case, svc: AnnotationService, counter: Item, corpus: Path, tmp_path: Path
) -> None:
    _annotate(case, svc, counter, corpus)
    report = export_annotations(svc, "cvat-video", tmp_path / "cvat")
    assert any("still image" in w for w in report.warnings)
    root = ET.parse(tmp_path / "cvat" / f"{counter.sha256}.xml").getroot()
    assert root.findtext("version") == "1.1"
    assert root.findtext("meta/task/size") == "30"
    track = next(t for t in root.findall("track") if t.get("pwb_track_id"))
    boxes = track.findall("box")
    assert [int(b.get("frame", -1)) for b in boxes] == list(range(2, 15))
    assert [b.get("frame") for b in boxes if b.get("keyframe") == "1"] == ["2", "6", "10", "14"]
    assert boxes[-1].get("outside") == "1"
    assert float(boxes[1].get("xtl", 0)) == 10.0


def test_mot_and_png(
    case: Case, svc: AnnotationService, counter: Item, corpus: Path, tmp_path: Path
) -> None:
    _annotate(case, svc, counter, corpus)
    report = export_annotations(svc, "mot", tmp_path / "mot")
    with (tmp_path / "mot" / f"{counter.sha256}.txt").open() as fh:
        rows = list(csv.reader(fh))
    classes = dict(
        line.split(",")[::-1]
        for line in (tmp_path / "mot" / "classes.txt").read_text().splitlines()
    )
    track_rows = [r for r in rows if r[7] == classes["vehicle"] and r[4] == "50.00"]
    assert [int(r[0]) for r in track_rows] == list(range(3, 15))  # MOT counts from 1
    assert len({r[1] for r in track_rows}) == 1
    assert report.files
    report = export_annotations(svc, "png", tmp_path / "png")
    frame4 = next(f for f in svc.search() if f.frame_index == 4)
    drawn = np.asarray(Image.open(tmp_path / "png" / f"{frame4.frame_pixel_sha256}.png"))
    with VideoReader(corpus / COUNTER) as reader:
        plain = reader.read(4).rgb
    assert drawn.shape == plain.shape
    # the box's edge at y=200 from x=100 to 400 is drawn in the vehicle colour (#e6194b)
    assert tuple(drawn[200, 250]) == (0xE6, 0x19, 0x4B)
    assert not np.array_equal(drawn, plain)
    assert len(report.files) == 13
    entries = [e for e in case.custody.entries() if e.action == "exported"]
    assert [e.details["format"] for e in entries] == ["mot", "png"]


def test_vfr_round_trip_finds_the_frame_by_its_pixels(
    case: Case, svc: AnnotationService, corpus: Path, fresh_case: Case, tmp_path: Path
) -> None:
    vfr = ingest(case, corpus / VFR)
    ann = svc.add(vfr.id, 61, "box", [(10, 10), (200, 100)], "landmark").annotation
    export_annotations(svc, "coco", tmp_path / "coco")
    path = tmp_path / "coco" / "annotations.json"
    doc = json.loads(path.read_text())
    doc["images"][0]["pwb"]["frame_index"] = 55  # as another decoder would number it
    path.write_text(json.dumps(doc))
    ingest(fresh_case, corpus / VFR)
    other = AnnotationService(fresh_case)
    try:
        result = import_annotations(other, path)
        assert result.rejected == []
        assert result.imported == 1
        moved = other.get(ann.id)
        assert moved.frame_index == 61
        assert moved.frame_pixel_sha256 == ann.frame_pixel_sha256
    finally:
        other.close()


def test_bad_imports_report_each_problem_and_import_the_rest(
    case: Case,
    svc: AnnotationService,
    counter: Item,
    corpus: Path,
    fresh_case: Case,
    tmp_path: Path,
) -> None:
    svc.add(counter.id, 1, "box", [(0, 0), (10, 10)], "vehicle")
    svc.add(counter.id, 2, "box", [(0, 0), (10, 10)], "lantern")
    svc.add(counter.id, 3, "box", [(0, 0), (10, 10)], "person")
    export_annotations(svc, "coco", tmp_path / "coco")
    path = tmp_path / "coco" / "annotations.json"
    doc = json.loads(path.read_text())
    by_index = {i["pwb"]["frame_index"]: i for i in doc["images"]}
    by_index[2]["pwb"]["frame_pixel_sha256"] = "0" * 64  # a frame that is not in the media
    for a in doc["annotations"]:
        if a["pwb"]["label"] == "person":
            a["pwb"]["label"] = "unicorn"
    doc["annotations"].append({"id": 99, "image_id": 1234, "category_id": 1, "bbox": [0, 0, 1, 1]})
    path.write_text(json.dumps(doc))
    ingest(fresh_case, corpus / COUNTER)
    other = AnnotationService(fresh_case)
    try:
        result = import_annotations(other, path)
        assert result.imported == 1
        assert len(result.rejected) == 3
        text = "\n".join(result.rejected)
        assert "unknown label 'unicorn'" in text
        assert "no frame of" in text
        assert "unknown image 1234" in text
        assert [a.label for a in other.search()] == ["vehicle"]
        again = import_annotations(other, path)
        assert again.duplicates == 1
        assert again.imported == 0
    finally:
        other.close()


def test_import_into_a_case_without_the_media_rejects_everything(
    case: Case, svc: AnnotationService, counter: Item, fresh_case: Case, tmp_path: Path
) -> None:
    svc.add(counter.id, 1, "box", [(0, 0), (10, 10)], "vehicle")
    report = export_annotations(svc, "cvat-video", tmp_path / "cvat")
    other = AnnotationService(fresh_case)
    try:
        result = import_annotations(other, Path(report.files[0]))
        assert result.imported == 0
        assert "is not in this case" in result.rejected[0]
    finally:
        other.close()


def test_frames_of_interest_have_drawn_thumbnails_in_the_derived_store(
    case: Case, svc: AnnotationService, counter: Item
) -> None:
    from forensics.annotations.thumbnails import frames_of_interest

    svc.add(counter.id, 3, "box", [(0, 0), (960, 540)], "vehicle")
    svc.add(counter.id, 3, "point", [(100, 100)], "lantern")
    svc.add(counter.id, 8, "box", [(0, 0), (10, 10)], "person")
    frames = frames_of_interest(svc, size=160)
    assert [(f.frame_index, f.labels, f.count) for f in frames] == [
        (3, ("lantern", "vehicle"), 2),
        (8, ("person",), 1),
    ]
    thumb = frames[0].thumbnail
    assert thumb is not None
    assert thumb.parent.parent.parent == case.evidence.derived_dir
    with Image.open(thumb) as img:
        assert max(img.size) == 160
        drawn = np.asarray(img.convert("RGB"), dtype=np.int32)
    plain_img = Image.fromarray(svc.sources.get(counter.id).read(3)[1])
    plain_img.thumbnail((160, 160))
    plain = np.asarray(plain_img, dtype=np.int32)
    # the box's top edge (vehicle colour #e6194b) reddens the top row, even scaled down
    redness = lambda a: float((a[0, :70, 0] - a[0, :70, 1]).mean())  # noqa: E731
    assert redness(drawn) > redness(plain) + 20
