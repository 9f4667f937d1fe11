"""Makers from markings read off images: look-alike characters, line breaks, accepting."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.demo.ocr_sets import MARKINGS, markings
from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.models import ItemKind
from forensics.ocr.engines import engine_named
from forensics.ocr.makers import accept_read_suggestion
from forensics.ocr.reading import ReadRequest, read_text
from forensics.provenance.components import add_component
from forensics.provenance.markings import load_patterns, suggest
from forensics.provenance.models import Basis
from forensics.provenance.read_markings import suggest_from_read, tolerant_regex
from forensics.store.provenance import ProvenanceRepository
from forensics.verify import verify_case


def test_every_catalogue_pattern_has_a_tolerant_form_that_still_matches_what_it_did() -> None:
    for pattern in load_patterns():
        tolerant = re.compile(tolerant_regex(pattern.regex), re.IGNORECASE)
        for lines, _maker in MARKINGS:
            text = " ".join(lines)
            if pattern.compiled.search(text):
                assert tolerant.search(text), (pattern.pattern_id, text)


@pytest.mark.parametrize(
    ("read", "maker", "assumed"),
    [
        ("STM32F405RGT6\nGH22V 93", "STMicroelectronics", []),
        ("5TM32F4O5RGT6", "STMicroelectronics", [("5", "S")]),
        ("V1EWPR0 A40", "Viewpro", [("1", "I"), ("0", "O")]),
        ("$X1276\nTW 2247", "Semtech", [("$", "S")]),
        ("lCM-42688P", "TDK InvenSense", [("l", "I")]),
        ("BMP28O", "Bosch Sensortec", [("O", "0")]),
        ("MPU-6O5O", "TDK InvenSense", [("O", "0"), ("O", "0")]),
        ("CH34OG", "WCH (Nanjing Qinheng Microelectronics)", [("O", "0")]),
        ("W25QI28JV", "Winbond Electronics", [("I", "1")]),
        ("RP2O4O", "Raspberry Pi", [("O", "0"), ("O", "0")]),
        ("NRF528\n40", "Nordic Semiconductor", [("", "line break")]),
        ("GH22V 93 CHN\nSTM32F103C8T6", "STMicroelectronics", []),
    ],
)
def test_look_alikes_and_line_breaks_are_assumed_and_said(
    read: str, maker: str, assumed: list[tuple[str, str]]
) -> None:
    found = suggest_from_read(read)
    assert found, read
    first = found[0]
    assert first.manufacturer == maker
    assert [(a.read, a.assumed) for a in first.assumed] == assumed
    assert first.suggestion.pattern in first.explain()
    for a in first.assumed:
        assert a.describe() in first.explain()


def test_exact_matches_rank_before_guesses_and_nothing_is_invented() -> None:
    # "B0" could be "80"; the exact ST match must still come first.
    found = suggest_from_read("STM32F405RGT6\nB0 2236")
    assert found[0].manufacturer == "STMicroelectronics"
    assert not found[0].assumed
    assert suggest_from_read("GH22V 93\nCHN 536") == []
    assert suggest_from_read("") == []


def test_the_generated_markings_lead_to_their_makers() -> None:
    """The truth of the set: every drawn marking, read perfectly, names its maker first."""
    for lines, maker in MARKINGS:
        found = suggest_from_read("\n".join(lines))
        assert found, lines
        assert found[0].manufacturer == maker, (lines, found[0].explain())


def test_a_small_set_of_generated_chip_photos_read_by_tesseract() -> None:
    """A handful of the bench's degraded chip photos, read for real (bench/ocr.py: all)."""
    engine = engine_named("tesseract")
    right = plain = 0
    sample = list(markings(12, seed=5))
    for m in sample:
        text = "\n".join(
            line.text for line in engine.recognise(np.asarray(m.image.convert("RGB")), ("eng",))
        )
        found = suggest_from_read(text)
        right += bool(found) and found[0].manufacturer == m.maker
        base = suggest(text)
        plain += bool(base) and base[0].manufacturer == m.maker
    assert right >= 10
    assert right >= plain


def test_accepting_links_the_component_with_the_annotation_as_evidence(
    case: Case, chip_photo
) -> None:
    item, box = chip_photo
    drone = case.add_item(kind=ItemKind.HARDWARE, name="Drone").id
    mcu = add_component(case, parent_id=drone, function="MCU", name="flight MCU")
    read = read_text(case, ReadRequest(item_id=item.id, box=box))
    suggestion = suggest_from_read(read.text)[0]
    link = accept_read_suggestion(case, read, suggestion, mcu.id)
    assert link.basis == Basis.READ == "marking read from image"
    repo = ProvenanceRepository(case.db)
    maker = repo.manufacturer_named("STMicroelectronics")
    assert maker is not None
    assert maker.country_code == "CH"
    assert link.manufacturer_id == maker.id
    assert read.id in (link.note or "")
    svc = AnnotationService(case)
    try:
        marks = svc.search()
        assert len(marks) == 1
        mark = marks[0]
        assert mark.label == "marking"
        assert mark.attributes["ocr_read"] == read.id
        box_points = ((box[0], box[1]), (box[0] + box[2], box[1] + box[3]))
        assert mark.points == box_points
        links = svc.repo.links_of(mark.id)
        assert [(lk.target_type, lk.target_id) for lk in links] == [("component", mcu.id)]
        assert link.id in (links[0].note or "")
    finally:
        svc.close()
    actions = [e.action for e in case.custody.entries()]
    assert "marking_suggestion_decided" in actions
    assert verify_case(case).findings == []


def test_a_second_acceptance_reuses_the_box_drawn_for_the_read(case: Case, chip_photo) -> None:
    item, _box = chip_photo
    drone = case.add_item(kind=ItemKind.HARDWARE, name="Drone").id
    first = add_component(case, parent_id=drone, function="MCU", name="MCU A")
    second = add_component(case, parent_id=drone, function="MCU", name="MCU B")
    read = read_text(case, ReadRequest(item_id=item.id))  # the whole photo: no box given
    assert read.region is None
    suggestion = suggest_from_read(read.text)[0]
    accept_read_suggestion(case, read, suggestion, first.id)
    accept_read_suggestion(case, read, suggestion, second.id)
    svc = AnnotationService(case)
    try:
        marks = svc.search()
        assert len(marks) == 1
        targets = {lk.target_id for lk in svc.repo.links_of(marks[0].id)}
    finally:
        svc.close()
    assert targets == {first.id, second.id}
    assert verify_case(case).findings == []
