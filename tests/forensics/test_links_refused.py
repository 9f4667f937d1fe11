"""Every link to a record is checked in the core: a name typed where an id belongs is refused
with NotFoundError naming the kind and the value, and nothing is stored."""

from __future__ import annotations

import pytest

from forensics.case import Case
from forensics.errors import NotFoundError
from forensics.provenance.components import add_component, link_component
from forensics.provenance.manufacturers import add_manufacturer
from forensics.provenance.models import Basis, ComponentLink
from forensics.store.provenance import ProvenanceRepository
from geoloc.hypotheses import HypothesisDraft, HypothesisService


def test_component_links_name_the_missing_component_or_maker(case: Case) -> None:
    drone = case.add_item(kind="hardware", name="Drone")
    camera = add_component(case, parent_id=drone.id, function="camera")
    viewpro = add_manufacturer(case, name="Viewpro")
    with pytest.raises(NotFoundError, match=r"component.*Viewpro A40"):
        link_component(case, "Viewpro A40", viewpro.id, basis=Basis.LOGO)
    with pytest.raises(NotFoundError, match=r"manufacturer.*Viewpro"):
        link_component(case, camera.id, "Viewpro", basis=Basis.LOGO)
    with pytest.raises(NotFoundError, match=r"no item.*Gerbera drone"):
        add_component(case, parent_id="Gerbera drone", function="camera")
    assert ProvenanceRepository(case.db).all(ComponentLink) == []


def test_hypothesis_item_and_evidence_name_the_missing_record(case: Case) -> None:
    service = HypothesisService(case)
    with pytest.raises(NotFoundError, match=r"item.*footage"):
        service.add(HypothesisDraft("footage", "visual_landmark", lat=22.5, lon=113.9))
    assert service.hypotheses() == []
    item = case.add_item(kind="hardware", name="footage")
    h = service.add(HypothesisDraft(item.id, "visual_landmark", lat=22.5, lon=113.9))
    for kind in ("item", "annotation", "source", "frame"):
        with pytest.raises(NotFoundError, match=kind):
            service.link(h.id, stance="supporting", kind=kind, target_id="lantern street")
    assert service.links(h.id) == []
