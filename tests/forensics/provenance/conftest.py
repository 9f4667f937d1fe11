"""Fixtures of the provenance tests: a case with a drone, a camera and a graded source."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from forensics.case import Case
from forensics.models import ItemKind
from forensics.provenance.components import add_component, link_component
from forensics.provenance.manufacturers import add_manufacturer
from forensics.provenance.models import Basis, Component, Manufacturer, Source
from forensics.provenance.sources import add_source


@dataclass
class Teardown:
    case: Case
    drone: str
    camera: Component
    mcu: Component
    loose: Component
    viewpro: Manufacturer
    st: Manufacturer
    source: Source


@pytest.fixture
def teardown(case: Case) -> Teardown:
    """A drone holding a camera (linked to Viewpro, CN) with an MCU inside it (linked to ST,
    CH), and a radio with no link."""
    drone = case.add_item(kind=ItemKind.HARDWARE, name="Drone", exhibit="EX-1").id
    source = add_source(case, kind="channel", title="A channel", grade="B2", published="2025-07")
    viewpro = add_manufacturer(
        case, name="Viewpro", country="CN", city="Shenzhen", region="Guangdong"
    )
    st = add_manufacturer(case, name="STMicroelectronics", country="CH")
    camera = add_component(
        case, parent_id=drone, function="camera", part_number="A40 Pro", marking="VIEWPRO\nA40 PRO"
    )
    mcu = add_component(
        case,
        parent_id=camera.id,
        function="MCU",
        part_number="STM32F405RGT6",
        marking="STM32F405\nRGT6  GH22Y 93",
    )
    loose = add_component(case, parent_id=drone, function="radio", part_number="XYZ-1")
    link_component(
        case,
        camera.id,
        viewpro.id,
        basis=Basis.MARKING,
        confidence="confirmed",
        source_ids=[source.id],
    )
    link_component(case, mcu.id, st.id, basis=Basis.CATALOGUE, confidence="probable")
    return Teardown(case, drone, camera, mcu, loose, viewpro, st, source)
