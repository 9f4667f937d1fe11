"""The demo's annotation step: marks taken from the footage manifest land where drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.demo.annotate_step import TRACKED_CAR, annotate_step
from app.demo.context import DemoContext, stable_id
from app.demo.evidence_step import footage_step, hardware_step
from forensics.annotations.models import AnnotationFilter
from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.media import demo_footage
from forensics.verify import verify_case


@pytest.fixture(scope="module")
def generated() -> demo_footage.GeneratedFootage:
    return demo_footage.generate()


def test_demo_annotations_follow_the_manifest(tmp_path: Path, generated) -> None:
    case = Case.create(tmp_path / "demo", title="demo", examiner="demo")
    try:
        ctx = DemoContext(case=case, ids={}, footage=generated.manifest, files=generated.files())
        hardware_step(ctx)
        footage_step(ctx)
        annotate_step(ctx)
        svc = AnnotationService(case)
        manifest = generated.manifest
        lantern_frame = manifest.best_frame("lantern")
        lanterns = svc.search(AnnotationFilter(label="lantern"))
        assert len(lanterns) == len(
            [o for o in lantern_frame.of_label("lantern") if not o.truncated]
        )
        assert {a.frame_index for a in lanterns} == {lantern_frame.frame_index}
        track_id = ctx.ids["track:vehicle"]
        shown = {f.frame_index: f for f in svc.track_frames(track_id)}
        drawn = {
            f.frame_index: o
            for f in manifest.frames
            for o in f.objects
            if o.object_id == TRACKED_CAR
        }
        assert set(shown) == set(drawn)
        for index, obj in drawn.items():
            (x1, y1), (x2, y2) = shown[index].points
            assert abs(x1 - obj.x) <= 2.01
            assert abs(y1 - obj.y) <= 2.01
            assert abs(x2 - (obj.x + obj.w)) <= 2.01
            assert abs(y2 - (obj.y + obj.h)) <= 2.01
        assert len(svc.repo.keyframes(track_id)) < len(drawn) / 2
        reflection = svc.get(ctx.ids["annotation:reflection"])
        assert reflection.frame_index == manifest.best_frame("viewpro_reflection").frame_index
        assert reflection.label == "reflection"
        assert svc.search(AnnotationFilter(item_id=ctx.ids["still:IMG_0003.jpg"]))
        assert reflection.id == stable_id("annotation:reflection")
        svc.close()
        assert verify_case(case, record_result=False).ok
    finally:
        case.close()
