"""Finding records by name for the record picker: every kind, id prefixes, paging, names."""

from __future__ import annotations

from pathlib import Path

import pytest

from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from forensics.provenance.components import add_component
from forensics.provenance.manufacturers import add_manufacturer
from forensics.provenance.sources import add_source
from forensics.store.record_search import name_of, search_records
from geoloc.hypotheses import HypothesisDraft, HypothesisService


@pytest.fixture
def case(any_case: Case) -> Case:
    """On both engines: a folder case and a server case."""
    return any_case


def test_every_kind_is_found_by_its_name_and_by_its_id(case: Case, corpus: Path) -> None:
    [still] = ingest_paths(case, [corpus / "exif-samples/jpg/Canon_40D.jpg"]).items
    drone = case.add_item(kind="hardware", name="Gerbera drone")
    camera = add_component(case, parent_id=drone.id, function="camera", name="Viewpro A40")
    viewpro = add_manufacturer(case, name="Viewpro", country="CN")
    source = add_source(case, kind="channel", title="Flash channel", grade="B2")
    nanshan = HypothesisService(case).add(
        HypothesisDraft(still.id, "visual_landmark", lat=22.53, lon=113.93, place_name="Nanshan")
    )
    svc = AnnotationService(case, actor="Analyst A")
    try:
        mark = svc.add(still.id, -1, "box", [(1, 1), (9, 9)], "vehicle", note="white car")
    finally:
        svc.close()

    def found(text: str, kind: str) -> list[str]:
        return [h.id for h in search_records(case.db, text, [kind])]

    assert found("viewpro a4", "component") == [camera.id]
    assert found("viewpro", "manufacturer") == [viewpro.id]
    assert found("nansh", "hypothesis") == [nanshan.id]
    assert found("white", "annotation") == [mark.annotation.id]
    assert found("flash", "source") == [source.id]
    assert found(camera.id[:8], "item") == [camera.id]
    assert found("zzz", "item") == []
    [hit] = search_records(case.db, "canon", ["item"])
    assert (hit.name, hit.sha256, hit.mime) == ("Canon_40D.jpg", still.sha256, "image/jpeg")
    # A LIKE wildcard typed by the user is a plain character.
    assert found("%", "item") == []
    both = search_records(case.db, "viewpro", ["manufacturer", "component"])
    assert [h.kind for h in both] == ["manufacturer", "component"]
    assert name_of(case.db, "component", camera.id) == "Viewpro A40"
    assert name_of(case.db, "hypothesis", nanshan.id) == "Nanshan"
    assert name_of(case.db, "manufacturer", "Viewpro") is None


def test_results_are_paged(case: Case) -> None:
    for n in range(25):
        case.add_item(kind="hardware", name=f"Drone {n:02d}")
    first = search_records(case.db, "drone", ["item"], limit=10)
    second = search_records(case.db, "drone", ["item"], limit=10, offset=10)
    assert [h.name for h in first] == [f"Drone {n:02d}" for n in range(10)]
    assert [h.name for h in second] == [f"Drone {n:02d}" for n in range(10, 20)]
    with pytest.raises(ValueError, match="unknown record kind"):
        search_records(case.db, "x", ["planet"])
