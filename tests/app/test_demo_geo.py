"""The demo's geolocation: the Nanshan hypothesis with its independent supporting clues."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.demo.annotate_step import annotate_step
from app.demo.context import DemoContext, stable_id
from app.demo.evidence_step import footage_step, hardware_step
from app.demo.geo_step import HYPOTHESIS_KEY, geo_evidence_step, geo_step
from app.demo.provenance_step import provenance_step
from forensics.case import Case
from forensics.media import demo_footage
from forensics.verify import verify_case
from geoloc.auto import check_case
from geoloc.hypotheses import HypothesisService


@pytest.fixture(scope="module")
def generated() -> demo_footage.GeneratedFootage:
    return demo_footage.generate()


def test_nanshan_hypothesis_with_its_clues(tmp_path: Path, generated) -> None:
    case = Case.create(tmp_path / "demo", title="demo", examiner="demo")
    try:
        ctx = DemoContext(case=case, ids={}, footage=generated.manifest, files=generated.files())
        for step in (
            hardware_step,
            footage_step,
            provenance_step,
            geo_step,
            annotate_step,
            geo_evidence_step,
        ):
            step(ctx)
        service = HypothesisService(case)
        h = service.get(ctx.ids[HYPOTHESIS_KEY])
        assert h.id == stable_id(HYPOTHESIS_KEY)
        assert (h.lat, h.lon, h.status) == (22.53, 113.93, "confirmed")
        assert h.item_id == ctx.ids["footage"]
        assert h.methods == ("visual_landmark", "reported_by_source")
        links = service.links(h.id)
        kinds = {link.kind for link in links}
        assert kinds == {"source", "annotation"}
        clues = {link.clue for link in links}
        assert "red lanterns at the roadside" in clues
        assert "Viewpro camera reflected in a window" in clues
        support = service.support(h.id)
        assert support.independent_supporting >= 3
        assert not support.weak
        assert check_case(case) == []
        # Running the steps again adds nothing (idempotent build).
        before = len(case.custody.entries())
        geo_step(ctx)
        geo_evidence_step(ctx)
        assert len(case.custody.entries()) == before
        assert verify_case(case).findings == []
    finally:
        case.close()
