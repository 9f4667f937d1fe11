"""Accepting a maker suggested by a marking read off a photo.

Accepting links the component to the manufacturer with the basis "marking read from image",
makes the annotation of the region read the link's evidence (an annotation link to the
component whose note names the component link and the read), and records the decision as the
marking assistant does; everything commits in one transaction.
"""

from __future__ import annotations

import uuid

from forensics.annotations.links import AnnotationLinks
from forensics.annotations.models import TargetType
from forensics.case import Case
from forensics.errors import ValidationError
from forensics.ocr.evidence import read_annotation
from forensics.ocr.models import OcrRead
from forensics.provenance.components import link_component
from forensics.provenance.markings import ensure_manufacturer
from forensics.provenance.models import (
    Basis,
    Component,
    ComponentLink,
    Confidence,
    MarkingDecision,
)
from forensics.provenance.read_markings import ReadSuggestion
from forensics.records.provenance import Decision, ProvenanceAction
from forensics.store.db import utc_now
from forensics.store.provenance import ProvenanceRepository

MARKING_LABEL = "marking"


def accept_read_suggestion(
    case: Case,
    read: OcrRead,
    suggestion: ReadSuggestion,
    component_id: str,
    *,
    confidence: str = Confidence.PROBABLE,
    actor: str | None = None,
    reason: str | None = None,
) -> ComponentLink:
    """Link the component to the suggested maker, with the read's annotation as evidence.

    Raises:
        NotFoundError: no such component.
        ValidationError: a bad confidence.
    """
    if confidence not in Confidence.ALL:
        raise ValidationError(f"confidence must be one of: {', '.join(Confidence.ALL)}")
    ProvenanceRepository(case.db).get(Component, component_id)
    actor = case.actor(actor)
    s = suggestion.suggestion
    with case.transaction():
        annotation_id = read_annotation(case, read, MARKING_LABEL, actor=actor)
        manufacturer = ensure_manufacturer(case, s.manufacturer, actor=actor)
        note = f"read '{suggestion.read_text}' (read {read.id}, {read.engine_version}); " + (
            suggestion.explain()
        )
        link = link_component(
            case,
            component_id,
            manufacturer.id,
            basis=Basis.READ,
            confidence=confidence,
            actor=actor,
            reason=reason,
            note=note,
        )
        links = AnnotationLinks(case, actor)
        if not any(
            lk.target_type == TargetType.COMPONENT and lk.target_id == component_id
            for lk in links.repo.links_of(annotation_id)
        ):
            links.link(
                annotation_id,
                TargetType.COMPONENT,
                component_id,
                note=f"evidence of component link {link.id} ({Basis.READ}: {s.manufacturer})",
            )
        decision = MarkingDecision(
            id=str(uuid.uuid4()),
            component_id=component_id,
            pattern_id=s.pattern_id,
            manufacturer_name=s.manufacturer,
            matched_text=s.matched_text,
            decision=Decision.ACCEPTED,
            link_id=link.id,
            created_at=utc_now(),
            created_by=actor,
        )
        with case.recording(actor) as rec:
            rec.insert(
                decision,
                ProvenanceAction.MARKING_DECISION,
                item_id=component_id,
                details={
                    "decision": "accepted",
                    "pattern_id": s.pattern_id,
                    "manufacturer": s.manufacturer,
                    "ocr_read": read.id,
                    "annotation": annotation_id,
                    "assumed": [a.describe() for a in suggestion.assumed],
                },
                reason=reason,
            )
    return link
