"""Manufacturers, components and links: stored, logged, verified, tamper found."""

from __future__ import annotations

import pytest

from forensics.case import Case
from forensics.errors import NotFoundError, ValidationError
from forensics.models import ItemKind
from forensics.provenance.components import add_component, link_component, withdraw_link
from forensics.provenance.manufacturers import add_manufacturer, edit_manufacturer, parse_alias
from forensics.provenance.models import Alias, ComponentLink
from forensics.store.provenance import ProvenanceRepository
from forensics.verify import verify_case
from tests.forensics.provenance.conftest import Teardown


def test_manufacturer_keeps_country_aliases_and_listing(case: Case) -> None:
    maker = add_manufacturer(
        case,
        name="Espressif Systems",
        aliases=[parse_alias("乐鑫@Han"), parse_alias("Espressif")],
        country="China",
        city="Shanghai",
        listing_status="none known",
    )
    stored = ProvenanceRepository(case.db).get(type(maker), maker.id)
    assert stored.country_code == "CN"
    assert stored.country_name == "China"
    assert stored.aliases == (Alias("乐鑫", "Han"), Alias("Espressif", "Latin"))
    assert ProvenanceRepository(case.db).manufacturer_named("乐鑫") == stored
    with pytest.raises(ValidationError, match="already registered"):
        add_manufacturer(case, name="espressif")
    with pytest.raises(ValidationError, match="unknown country"):
        add_manufacturer(case, name="Nowhere Ltd", country="Atlantis")


def test_component_is_an_item_with_its_marking_exactly(teardown: Teardown) -> None:
    case = teardown.case
    item = case.items.get(teardown.mcu.id)
    assert item.kind == ItemKind.COMPONENT
    assert item.parent_id == teardown.camera.id
    assert item.marking == "STM32F405\nRGT6  GH22Y 93"
    assert teardown.mcu.marking == item.marking
    with pytest.raises(NotFoundError):
        add_component(case, parent_id="nope", function="MCU")
    with pytest.raises(ValidationError, match="not an evidence file"):
        add_component(
            case, parent_id=teardown.drone, function="MCU", photo_item_ids=[teardown.drone]
        )


def test_link_validates_and_cites_its_sources(teardown: Teardown) -> None:
    case = teardown.case
    repo = ProvenanceRepository(case.db)
    link = repo.links_of(teardown.camera.id)[0]
    cited = repo.citations_of("component_link", link.id)
    assert [s.id for _, s in cited] == [teardown.source.id]
    with pytest.raises(ValidationError, match="basis"):
        link_component(case, teardown.loose.id, teardown.st.id, basis="hunch")
    with pytest.raises(ValidationError, match="confidence"):
        link_component(case, teardown.loose.id, teardown.st.id, basis="logo", confidence="sure")


def test_every_change_is_logged_and_verifies(teardown: Teardown) -> None:
    case = teardown.case
    edit_manufacturer(case, teardown.viewpro.id, {"notes": "gimbal cameras"})
    link = ProvenanceRepository(case.db).links_of(teardown.mcu.id)[0]
    withdrawn = withdraw_link(case, link.id, reason="wrong package")
    assert withdrawn.status == "withdrawn"
    assert ProvenanceRepository(case.db).links_of(teardown.mcu.id) == []
    actions = [e.action for e in case.custody.entries(subject=("component_link", link.id))]
    assert actions == ["component_linked", "component_link_withdrawn"]
    report = verify_case(case, record_result=False)
    assert report.ok, report.findings


@pytest.mark.parametrize(
    ("table", "column", "subject"),
    [
        ("components", "part_number", "component"),
        ("manufacturers", "country_code", "manufacturer"),
        ("component_links", "confidence", "component_link"),
        ("sources", "reliability", "source"),
        ("citations", "locator", "citation"),
    ],
)
def test_rows_edited_behind_the_log_are_found(
    teardown: Teardown, table: str, column: str, subject: str
) -> None:
    case = teardown.case
    row_id = case.db.conn.execute(f"SELECT id FROM {table} LIMIT 1").fetchone()["id"]
    case.db.conn.execute(f"UPDATE {table} SET {column} = 'X' WHERE id = ?", (row_id,))
    report = verify_case(case, record_result=False)
    kinds = [(f.kind, f.message) for f in report.findings]
    assert [k for k, m in kinds if row_id in m] == [f"{subject}_changed"]


def test_links_rank_strongest_first(teardown: Teardown) -> None:
    case = teardown.case
    link_component(
        case, teardown.camera.id, teardown.st.id, basis="analyst inference", confidence="doubtful"
    )
    links = ProvenanceRepository(case.db).links_of(teardown.camera.id)
    assert [k.confidence for k in links] == ["confirmed", "doubtful"]
    assert all(isinstance(k, ComponentLink) for k in links)
