"""Accepting a maker suggested by a marking read off a photo.

Accepting links the component to the manufacturer with the basis "marking read from image",
makes the annotation of the region read the link's evidence (an annotation link to the
component whose note names the component link and the read), and records the decision as the
marking assistant does; everything commits in one transaction.
"""

from __future__ import annotations

from forensics.annotations.links import AnnotationLinks
from forensics.annotations.models import TargetType
from forensics.case import Case
from forensics.errors import ValidationError
from forensics.ocr.evidence import read_annotation
from forensics.ocr.models import OcrRead
from forensics.provenance.components import link_component
from forensics.provenance.markings import ensure_manufacturer, record_decision
from forensics.provenance.models import (
    Basis,
    Component,
    ComponentLink,
    Confidence,
)
from forensics.provenance.read_markings import ReadSuggestion
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
        record_decision(
            case,
            component_id,
            s,
            accepted=True,
            link_id=link.id,
            actor=actor,
            reason=reason,
            details={
                "ocr_read": read.id,
                "annotation": annotation_id,
                "assumed": [a.describe() for a in suggestion.assumed],
            },
        )
    return link
