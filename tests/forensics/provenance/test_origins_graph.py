"""Origin figures traceable to their components; the provenance graph with its evidence."""

from __future__ import annotations

from forensics.provenance.graph import provenance_graph
from forensics.provenance.origins import UNKNOWN, origins
from tests.forensics.provenance.conftest import Teardown


def test_whole_case_shares_count_every_component(teardown: Teardown) -> None:
    report = origins(teardown.case)
    assert report.total == 3
    by_country = {s.key: s for s in report.by_country}
    assert set(by_country) == {"CN", "CH", UNKNOWN}
    assert by_country["CN"].component_ids == (teardown.camera.id,)
    assert by_country["CH"].component_ids == (teardown.mcu.id,)
    assert by_country[UNKNOWN].component_ids == (teardown.loose.id,)
    assert abs(sum(s.share for s in report.by_country) - 1.0) < 1e-9
    assert report.by_country[-1].key == UNKNOWN
    assert {s.label: s.count for s in report.by_function} == {"camera": 1, "MCU": 1, "radio": 1}


def test_each_component_names_its_country_and_source(teardown: Teardown) -> None:
    report = origins(teardown.case)
    camera = next(c for c in report.components if c.component_id == teardown.camera.id)
    assert (camera.country_code, camera.country_name, camera.manufacturer) == (
        "CN",
        "China",
        "Viewpro",
    )
    assert [s.grade for s in camera.sources] == ["B2"]
    assert camera.basis == "marking observed"


def test_item_scope_is_recursive(teardown: Teardown) -> None:
    report = origins(teardown.case, teardown.camera.id)
    assert {c.component_id for c in report.components} == {teardown.camera.id, teardown.mcu.id}
    assert origins(teardown.case, teardown.mcu.id).total == 1


def test_graph_has_item_component_maker_country_with_evidence(teardown: Teardown) -> None:
    graph = provenance_graph(teardown.case)
    kinds = {n.kind for n in graph.nodes}
    assert kinds == {"item", "component", "manufacturer", "country"}
    drone = f"item:{teardown.drone}"
    camera = f"component:{teardown.camera.id}"
    viewpro = f"manufacturer:{teardown.viewpro.id}"
    edge = next(e for e in graph.edges if (e.source, e.target) == (camera, viewpro))
    assert edge.kind == "made_by"
    assert edge.evidence[0].sources[0].id == teardown.source.id
    assert "VIEWPRO" in edge.evidence[0].summary
    assert any((e.source, e.target) == (drone, camera) for e in graph.edges)
    assert any(
        (e.source, e.target, e.kind) == (viewpro, "country:CN", "located_in") for e in graph.edges
    )
    mcu = f"component:{teardown.mcu.id}"
    assert any((e.source, e.target) == (camera, mcu) for e in graph.edges)
    assert graph.node("country:CN").label == "China"
