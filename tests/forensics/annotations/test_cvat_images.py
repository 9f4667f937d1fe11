"""CVAT for images has no tracks: a track's keyframes go out as single marks, with a warning."""

from __future__ import annotations

from pathlib import Path

from forensics.annotations import tracks
from forensics.annotations.exchange import export_annotations, import_annotations
from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.models import Item
from tests.forensics.annotations.conftest import COUNTER, ingest


def test_a_track_goes_out_as_its_keyframes_and_comes_back_as_single_marks(
    svc: AnnotationService, counter: Item, corpus: Path, fresh_case: Case, tmp_path: Path
) -> None:
    track = tracks.create_track(svc, counter.id, "vehicle")
    for frame, x in ((2, 0), (6, 40)):
        tracks.add_keyframe(svc, track.id, frame, "box", [(x, 0), (x + 50, 50)])
    report = export_annotations(svc, "cvat-images", tmp_path / "out")
    assert report.shapes == 2
    assert any("has no tracks" in w and "2 keyframe(s)" in w for w in report.warnings)
    assert any("interpolated shape(s)" in w for w in report.warnings)
    ingest(fresh_case, corpus / COUNTER)
    other = AnnotationService(fresh_case, actor="Analyst B")
    try:
        result = import_annotations(other, Path(report.files[0]))
        assert (result.imported, result.rejected) == (2, [])
        marks = sorted(other.search(), key=lambda a: a.frame_index)
        assert [(a.frame_index, a.points, a.track_id) for a in marks] == [
            (2, ((0.0, 0.0), (50.0, 50.0)), None),
            (6, ((40.0, 0.0), (90.0, 50.0)), None),
        ]
        assert {a.id for a in marks}.isdisjoint({a.id for a in svc.search()})
    finally:
        other.close()
