"""The marking assistant: suggestions with their pattern, decisions recorded."""

from __future__ import annotations

import pytest

from forensics.case import Case
from forensics.errors import ValidationError
from forensics.provenance.markings import (
    decide,
    load_patterns,
    parse_patterns,
    reference_manufacturers,
    suggest,
)
from forensics.provenance.models import MarkingDecision
from forensics.store.provenance import ProvenanceRepository
from forensics.verify import verify_case
from tests.forensics.provenance.conftest import Teardown


@pytest.mark.parametrize(
    ("marking", "maker", "pattern_id", "matched"),
    [
        ("STM32F405RGT6", "STMicroelectronics", "st-stm32", "STM32F405RGT6"),
        ("ESP32-WROOM-32E", "Espressif Systems", "espressif-esp32", "ESP32-WROOM-32E"),
        ("u-blox\nNEO-M8N-0-10", "u-blox", "ublox-neo", "NEO-M8N"),
        ("GD32F405RGT6 AJ2213", "GigaDevice", "gigadevice-gd32", "GD32F405RGT6"),
        ("AT32F435CGU7", "Artery Technology", "artery-at32", "AT32F435CGU7"),
        ("ICM-42688-P", "TDK InvenSense", "invensense-icm", "ICM-42688"),
        ("BMP280 ", "Bosch Sensortec", "bosch-bmp", "BMP280"),
        ("SX1278 2142", "Semtech", "semtech-sx12", "SX1278"),
        ("CC1101", "Texas Instruments", "ti-cc1101-cc2500", "CC1101"),
        ("SI4463-C2A", "Silicon Labs", "silabs-si44", "SI4463"),
        ("Viewpro A40 Pro", "Viewpro", "viewpro-models", "A40 Pro"),
    ],
)
def test_well_known_parts_get_their_maker_and_pattern(
    marking: str, maker: str, pattern_id: str, matched: str
) -> None:
    found = [s for s in suggest(marking) if s.manufacturer == maker]
    assert found, suggest(marking)
    assert found[0].pattern_id == pattern_id
    assert found[0].matched_text == matched
    pattern = next(p for p in load_patterns() if p.pattern_id == pattern_id)
    assert found[0].pattern == pattern.regex


def test_part_family_comes_before_brand_and_country_is_known() -> None:
    found = suggest("VIEWPRO\nA40TR")
    assert [s.pattern_id for s in found] == ["viewpro-models", "viewpro-brand"]
    assert {s.country_code for s in found} == {"CN"}
    assert found[1].basis == "marking observed"
    assert found[0].basis == "external catalogue"


def test_unrelated_text_suggests_nothing() -> None:
    assert suggest("HELLO WORLD 1234") == []
    assert suggest("") == []


def test_catalogue_is_consistent() -> None:
    patterns = load_patterns()
    assert len({p.pattern_id for p in patterns}) == len(patterns)
    refs = reference_manufacturers()
    missing = {p.manufacturer for p in patterns} - {r.name for r in refs.values()}
    assert missing == set()


def test_bad_catalogue_is_refused() -> None:
    header = "pattern_id,regex,manufacturer,kind,family,function,note\n"
    with pytest.raises(ValidationError, match="duplicate"):
        parse_patterns(header + "a,X,M,brand,,,\na,Y,M,brand,,,\n")
    with pytest.raises(ValidationError, match="line 2"):
        parse_patterns(header + "a,(,M,brand,,,\n")


def test_accept_links_and_reject_only_records(teardown: Teardown) -> None:
    case: Case = teardown.case
    repo = ProvenanceRepository(case.db)
    suggestion = suggest("ESP32-S3 N8R8")[0]
    rejected = decide(case, teardown.loose.id, suggestion, accept=False)
    assert rejected.link_id is None
    assert repo.links_of(teardown.loose.id) == []
    accepted = decide(case, teardown.loose.id, suggestion, accept=True, confidence="possible")
    link = repo.links_of(teardown.loose.id)[0]
    assert accepted.link_id == link.id
    maker = repo.manufacturer_named("Espressif Systems")
    assert maker is not None
    assert maker.country_code == "CN"
    assert link.manufacturer_id == maker.id
    assert link.basis == "external catalogue"
    assert "espressif-esp32" in (link.note or "")
    decisions = repo.all(MarkingDecision)
    assert [d.decision for d in decisions] == ["rejected", "accepted"]
    assert verify_case(case, record_result=False).ok
