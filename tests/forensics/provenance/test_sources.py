"""Sources with Admiralty grades, claims with dates, figures citing their sources."""

from __future__ import annotations

import math

import pytest

from forensics.errors import NotFoundError, ValidationError
from forensics.provenance.models import Figure
from forensics.provenance.sources import (
    add_claim,
    add_figure,
    add_source,
    cite,
    describe_grade,
    parse_grade,
    regrade_source,
    source_json,
    source_refs,
)
from forensics.store.provenance import ProvenanceRepository
from tests.forensics.provenance.conftest import Teardown


@pytest.mark.parametrize("grade", ["G1", "A7", "A0", "B", "2B", ""])
def test_bad_grades_are_refused(grade: str) -> None:
    with pytest.raises(ValidationError):
        parse_grade(grade)


def test_grade_is_two_judgements(teardown: Teardown) -> None:
    assert parse_grade("c3") == ("C", 3)
    assert describe_grade(teardown.source) == "B2 (usually reliable; probably true)"
    regraded = regrade_source(teardown.case, teardown.source.id, "C3", reason="re-assessed")
    assert regraded.grade == "C3"
    entry = teardown.case.custody.entries(subject=("source", teardown.source.id))[-1]
    assert entry.details["grade"] == {"from": "B2", "to": "C3"}


def test_claims_keep_their_date_and_figures_cite_sources(teardown: Teardown) -> None:
    case = teardown.case
    claim = add_claim(
        case, source_id=teardown.source.id, text="Most parts came from X.", claim_date="2025-07"
    )
    figure = add_figure(
        case,
        what="share of parts from X",
        value=80,
        unit="%",
        as_of="2025",
        claim_id=claim.id,
        source_ids=(teardown.source.id,),
    )
    assert ProvenanceRepository(case.db).get(Figure, figure.id).value == 80.0
    assert [s.id for s in source_refs(case, "figure", figure.id)] == [teardown.source.id]
    doc = source_json(case, teardown.source)
    assert doc["claims"][0]["claim_date"] == "2025-07"
    assert {"type": "figure", "id": figure.id} in doc["cited_by"]
    with pytest.raises(ValidationError, match="claim date"):
        add_claim(case, source_id=teardown.source.id, text="x", claim_date="July 2025")
    with pytest.raises(ValidationError, match="finite"):
        add_figure(case, what="x", value=math.nan, unit="%")
    with pytest.raises(NotFoundError):
        add_claim(case, source_id="missing", text="x")


def test_citations_check_their_target(teardown: Teardown) -> None:
    case = teardown.case
    cite(case, teardown.source.id, "item", teardown.drone, locator="post 1234")
    refs = source_refs(case, "item", teardown.drone)
    assert [(r.id, r.locator) for r in refs] == [(teardown.source.id, "post 1234")]
    with pytest.raises(NotFoundError):
        cite(case, teardown.source.id, "item", "no-such-item")
    with pytest.raises(ValidationError):
        cite(case, teardown.source.id, "planet", teardown.drone)
    with pytest.raises(ValidationError):
        add_source(case, kind="rumour", title="x")
