"""Sources graded with the Admiralty system, the claims they make and the figures they give.

A source's grade is two parts judged separately: how reliable the source has been (A-F) and
how credible this information is (1-6). Any item, component link, hypothesis, claim or figure
can cite sources; a claim keeps the date it refers to.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Any

from forensics.case import Case
from forensics.errors import NotFoundError, ValidationError
from forensics.provenance.models import (
    CITATION_TARGETS,
    CREDIBILITY,
    RELIABILITY,
    SOURCE_KINDS,
    Citation,
    Claim,
    Figure,
    Source,
    SourceRef,
)
from forensics.provenance.recording import (
    derived_id,
    new_id,
    require_sources,
)
from forensics.records.provenance import SOURCE, ProvenanceAction
from forensics.store.db import utc_now
from forensics.store.provenance import ProvenanceRepository
from forensics.store.rebase import rebase

_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$|^\d{4}-Q[1-4]$")


def parse_grade(grade: str) -> tuple[str, int]:
    """("B", 2) from "B2".

    Raises:
        ValidationError: not a letter A-F followed by a digit 1-6.
    """
    text = grade.strip().upper()
    if (
        len(text) != 2
        or text[0] not in RELIABILITY
        or not text[1].isdigit()
        or int(text[1]) not in CREDIBILITY
    ):
        raise ValidationError(f"grade '{grade}': reliability A-F then credibility 1-6, e.g. B2")
    return text[0], int(text[1])


def check_date(value: str | None, what: str) -> str | None:
    """A date as ISO "YYYY", "YYYY-MM", "YYYY-MM-DD" or "YYYY-Qn", or None.

    Raises:
        ValidationError: any other spelling.
    """
    if value is None or value == "":
        return None
    if not _DATE.match(value):
        raise ValidationError(f"{what} '{value}': use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-Qn")
    return value


def describe_grade(source: Source) -> str:
    """ "B2 (usually reliable; probably true)"."""
    return f"{source.grade} ({RELIABILITY[source.reliability]}; {CREDIBILITY[source.credibility]})"


def add_source(
    case: Case,
    *,
    kind: str,
    title: str,
    author: str | None = None,
    publisher: str | None = None,
    url: str | None = None,
    published: str | None = None,
    grade: str = "F6",
    notes: str | None = None,
    actor: str | None = None,
    record_id: str | None = None,
    reason: str | None = None,
) -> Source:
    """Register a source with its Admiralty grade.

    Raises:
        ValidationError: unknown kind, empty title, bad grade or date.
    """
    if kind not in SOURCE_KINDS:
        raise ValidationError(f"source kind must be one of: {', '.join(SOURCE_KINDS)}")
    if not title.strip():
        raise ValidationError("a source needs a title")
    reliability, credibility = parse_grade(grade)
    actor = case.actor(actor)
    now = utc_now()
    source = Source(
        id=new_id(record_id),
        kind=kind,
        title=title.strip(),
        author=author,
        publisher=publisher,
        url=url,
        published=check_date(published, "publication date"),
        reliability=reliability,
        credibility=credibility,
        notes=notes,
        created_at=now,
        created_by=actor,
        updated_at=now,
    )
    with case.recording(actor) as rec:
        rec.insert(
            source,
            ProvenanceAction.SOURCE_ADDED,
            details={"title": source.title, "grade": source.grade},
            reason=reason,
        )
    return source


def regrade_source(
    case: Case,
    source_id: str,
    grade: str,
    *,
    actor: str | None = None,
    reason: str | None = None,
    based_on: Source | None = None,
) -> Source:
    """Change a source's grade; the old and new grades go into the log.

    The two parts of the grade are separate fields (a source's reliability is judged apart
    from this information's credibility), so each is merged on its own.

    Args:
        case: the case.
        source_id: the source.
        grade: the new grade, e.g. "B2".
        actor: who (default: the case's actor).
        reason: why.
        based_on: the source as the form (or `pwb source grade --as-of`) showed it: only the
            part of the grade that differs from it is changed, and a part someone else
            changed since is a conflict.

    Raises:
        ValidationError: a grade that is not A-F then 1-6.
        EditConflictError: a part of the grade this changes was changed since `based_on`.
    """
    reliability, credibility = parse_grade(grade)
    with case.recording(actor, reason=reason) as rec:
        # Read inside the write transaction (it holds the case's write lock): what is
        # compared with `based_on` is what gets overwritten.
        before = ProvenanceRepository(case.db).get(Source, source_id)
        values: dict[str, Any] = {"reliability": reliability, "credibility": credibility}
        if based_on is not None:
            values = rebase(based_on, before, values, label=source_label(before))
            if not values:
                return before  # the grade shown, unchanged: nothing to log
        after = replace(before, **values, updated_at=utc_now())
        rec.update(
            before,
            after,
            ProvenanceAction.SOURCE_EDITED,
            # Every field's change is logged, its time stamp too: `pwb source grade --as-of`
            # rebuilds an older state of the source from them (checked by its digest).
            details={
                "grade": {"from": before.grade, "to": after.grade},
                "changes": SOURCE.changes(before, after),
            },
        )
    return after


def source_label(source: Source) -> str:
    """A source in words, as a conflict names it ("source 'Viewpro catalogue 2024'")."""
    return f"source '{source.title}'"


def add_claim(
    case: Case,
    *,
    source_id: str,
    text: str,
    claim_date: str | None = None,
    actor: str | None = None,
    record_id: str | None = None,
    reason: str | None = None,
) -> Claim:
    """Record what a source stated, with its date.

    Raises:
        ValidationError: empty text or bad date.
        NotFoundError: no such source.
    """
    if not text.strip():
        raise ValidationError("a claim needs its text")
    ProvenanceRepository(case.db).get(Source, source_id)
    actor = case.actor(actor)
    claim = Claim(
        id=new_id(record_id),
        source_id=source_id,
        text=text.strip(),
        claim_date=check_date(claim_date, "claim date"),
        created_at=utc_now(),
        created_by=actor,
    )
    with case.recording(actor) as rec:
        rec.insert(
            claim,
            ProvenanceAction.CLAIM_ADDED,
            details={"source_id": source_id, "claim_date": claim.claim_date},
            reason=reason,
        )
    return claim


def add_figure(
    case: Case,
    *,
    what: str,
    value: float,
    unit: str,
    as_of: str | None = None,
    claim_id: str | None = None,
    source_ids: tuple[str, ...] = (),
    actor: str | None = None,
    record_id: str | None = None,
    reason: str | None = None,
) -> Figure:
    """Record a figure a source gave, citing its sources (and the claim it comes from).

    Raises:
        ValidationError: a value that is not a finite number, empty `what` or unit, bad date.
        NotFoundError: the claim or a source does not exist.
    """
    if not what.strip() or not unit.strip():
        raise ValidationError("a figure needs what it measures and a unit")
    if not math.isfinite(value):
        raise ValidationError(f"figure value {value} is not a finite number")
    repo = ProvenanceRepository(case.db)
    if claim_id is not None:
        repo.get(Claim, claim_id)
    require_sources(repo, source_ids)
    actor = case.actor(actor)
    figure = Figure(
        id=new_id(record_id),
        what=what.strip(),
        value=float(value),
        unit=unit.strip(),
        as_of=check_date(as_of, "as-of date"),
        claim_id=claim_id,
        created_at=utc_now(),
        created_by=actor,
    )
    with case.transaction():
        with case.recording(actor) as rec:
            rec.insert(
                figure,
                ProvenanceAction.FIGURE_ADDED,
                details={"what": figure.what, "value": figure.value, "unit": figure.unit},
                reason=reason,
            )
        for source_id in source_ids:
            cite(
                case,
                source_id,
                "figure",
                figure.id,
                actor=actor,
                record_id=derived_id(figure.id, source_id),
            )
    return figure


def cite(
    case: Case,
    source_id: str,
    target_type: str,
    target_id: str,
    *,
    locator: str | None = None,
    note: str | None = None,
    actor: str | None = None,
    record_id: str | None = None,
    reason: str | None = None,
) -> Citation:
    """Record that a record (item, component link, hypothesis, figure...) cites a source.

    Raises:
        ValidationError: a target type that cannot cite.
        NotFoundError: the source or the target does not exist.
    """
    if target_type not in CITATION_TARGETS:
        raise ValidationError(f"citing record must be one of: {', '.join(CITATION_TARGETS)}")
    repo = ProvenanceRepository(case.db)
    repo.get(Source, source_id)
    if not repo.target_exists(target_type, target_id):
        raise NotFoundError(f"no {target_type.replace('_', ' ')} with id {target_id}")
    actor = case.actor(actor)
    citation = Citation(
        id=new_id(record_id),
        source_id=source_id,
        target_type=target_type,
        target_id=target_id,
        locator=locator,
        note=note,
        created_at=utc_now(),
        created_by=actor,
    )
    with case.recording(actor) as rec:
        rec.insert(
            citation,
            ProvenanceAction.CITED,
            item_id=target_id if target_type == "item" else None,
            details={"target_type": target_type, "target_id": target_id},
            reason=reason,
        )
    return citation


def source_refs(case: Case, target_type: str, target_id: str) -> tuple[SourceRef, ...]:
    """The sources a record cites, as shown beside it."""
    repo = ProvenanceRepository(case.db)
    return tuple(
        SourceRef(s.id, s.title, s.grade, s.published, c.locator)
        for c, s in repo.citations_of(target_type, target_id)
    )


def source_json(case: Case, source: Source) -> dict[str, Any]:
    """A source with its grade explained, its claims, what cites it and the custody entry
    it was last changed at."""
    repo = ProvenanceRepository(case.db)
    claims = repo.claims_of(source.id)
    logged = case.custody.entries(subject=("source", source.id))
    return {
        **source.record(),
        # The newest custody entry about it: what `pwb source grade --as-of` takes.
        "custody_seq": logged[-1].seq if logged else None,
        "grade": source.grade,
        "grade_meaning": describe_grade(source),
        "claims": [c.record() for c in claims],
        "cited_by": [{"type": c.target_type, "id": c.target_id} for c in repo.citing(source.id)],
    }
