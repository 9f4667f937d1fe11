"""Reported figures: each with its claim and graded sources, shares told apart from amounts."""

from __future__ import annotations

import pytest

from forensics.case import Case
from forensics.provenance.figures import (
    NO_SOURCE,
    format_value,
    percentage_figures,
    reported_figures,
)
from forensics.provenance.sources import add_claim, add_figure, add_source, cite


@pytest.fixture
def figures_case(case: Case) -> Case:
    intel = add_source(
        case, kind="report", title="Intelligence assessment", grade="B3", publisher="Service"
    )
    officials = add_source(
        case, kind="document", title="Officials' briefing", grade="B2", published="2024-04"
    )
    press = add_source(case, kind="article", title="Press report", grade="C3")
    claim = add_claim(
        case,
        source_id=officials.id,
        text="About 90 % of microelectronics imports came from China.",
        claim_date="2024-04",
    )
    add_figure(
        case,
        what="microelectronics imports from China",
        value=90,
        unit="%",
        as_of="2023",
        claim_id=claim.id,
        source_ids=(officials.id,),
    )
    add_figure(
        case,
        what="components from China",
        value=80,
        unit="%",
        source_ids=(intel.id,),
    )
    money = add_figure(
        case,
        what="machine-tool imports",
        value=900_000_000,
        unit="USD",
        as_of="2023-Q4",
        claim_id=claim.id,
        source_ids=(officials.id,),
    )
    cite(case, press.id, "figure", money.id, locator="paragraph 3")
    add_figure(case, what="cable exported", value=530_000, unit="km", as_of="2025-08")
    return case


def test_figures_carry_claim_and_graded_sources(figures_case: Case) -> None:
    figures = {f.what: f for f in reported_figures(figures_case)}
    assert len(figures) == 4
    micro = figures["microelectronics imports from China"]
    assert micro.is_percentage
    assert (micro.value, micro.as_of, micro.grade) == (90.0, "2023", "B2")
    assert micro.source_title == "Officials' briefing"
    assert micro.claim_text == "About 90 % of microelectronics imports came from China."
    assert (micro.claim_date, micro.claim_source) == ("2024-04", "Officials' briefing")
    assert micro.sources[0].grade_meaning == "B2 (usually reliable; probably true)"
    assert micro.sources[0].published == "2024-04"
    assert micro.as_of_label() == "as of 2023"

    undated = figures["components from China"]
    assert undated.as_of_label() == "undated"
    assert undated.claim_text is None
    assert undated.sources[0].publisher == "Service"

    money = figures["machine-tool imports"]
    assert not money.is_percentage
    assert money.display_value() == "US$900 million"
    assert [s.title for s in money.sources] == ["Officials' briefing", "Press report"]
    assert money.sources[1].locator == "paragraph 3"
    assert money.sources_label() == "Officials' briefing [B2]; Press report [C3]"

    bare = figures["cable exported"]
    assert bare.sources == ()
    assert bare.grade is None
    assert bare.source_title == NO_SOURCE
    assert bare.display_value() == "530,000 km"


def test_percentage_figures_are_the_shares_largest_first(figures_case: Case) -> None:
    shares = percentage_figures(reported_figures(figures_case))
    assert [(f.value, f.unit) for f in shares] == [(90.0, "%"), (80.0, "%")]


def test_json_is_what_the_cli_prints(figures_case: Case) -> None:
    data = {f.what: f.to_json() for f in reported_figures(figures_case)}
    micro = data["microelectronics imports from China"]
    assert (micro["value"], micro["unit"]) == (90.0, "%")
    assert "display" not in micro, "formatted text is for people, not --json"
    assert micro["is_percentage"] is True
    assert micro["claim"]["date"] == "2024-04"
    assert micro["sources"][0]["title"] == "Officials' briefing"
    assert micro["sources"][0]["grade"] == "B2"
    assert data["components from China"]["claim"] is None


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (47_000_000, "USD", "US$47 million"),
        (1_500_000_000, "USD", "US$1.5 billion"),
        (950, "USD", "US$950"),
        (100, "drones per month", "100 drones per month"),
        (2.5, "kg", "2.5 kg"),
        (60, "percent", "60 %"),
    ],
)
def test_values_read_as_a_reader_expects(value: float, unit: str, shown: str) -> None:
    assert format_value(value, unit) == shown


def test_no_figures_is_an_empty_list(case: Case) -> None:
    assert reported_figures(case) == []
