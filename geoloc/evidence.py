"""Evidence for and against a hypothesis, and how many independent clues it makes.

A link points at an annotation, an item, a frame or a source. Links that share a `clue` label
describe one observation (the same lantern annotated on three frames is one clue, not
three), so support is counted in distinct clues; a hypothesis with fewer than two
independent supporting clues is weakly supported and shown as such. Without a label a link is
its own clue.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from forensics.case import Case
from forensics.errors import NotFoundError, ValidationError
from forensics.records.geoloc import (
    GEO_EVIDENCE,
    LINK_KINDS,
    STANCES,
    EvidenceLink,
    GeoAction,
    Hypothesis,
)
from forensics.store.db import utc_now
from forensics.store.hypotheses import HypothesisRepository
from forensics.store.recording import Recording
from geoloc.vocabulary import choice

ACTION_LINKED = GeoAction.LINKED
ACTION_UNLINKED = GeoAction.UNLINKED


@dataclass(frozen=True)
class Support:
    """How much stands behind a hypothesis."""

    supporting_links: int
    independent_supporting: int
    contradicting_links: int
    independent_contradicting: int

    @property
    def weak(self) -> bool:
        """Fewer than two independent supporting clues."""
        return self.independent_supporting < 2


def support_of(links: Sequence[EvidenceLink]) -> Support:
    """Count links and the independent clues they make (links sharing a clue are one)."""
    sup = [link for link in links if link.stance == "supporting"]
    con = [link for link in links if link.stance == "contradicting"]
    return Support(
        len(sup), len({link.clue for link in sup}), len(con), len({link.clue for link in con})
    )


class EvidenceLinks:
    """Adds and removes evidence links of one case (within the caller's transaction)."""

    def __init__(self, case: Case, repo: HypothesisRepository) -> None:
        self.case = case
        self.repo = repo

    def add(
        self,
        rec: Recording,
        h: Hypothesis,
        *,
        stance: str,
        kind: str,
        target_id: str,
        clue: str | None,
        note: str,
        link_id: str | None = None,
    ) -> EvidenceLink:
        """Validate and insert a link through the caller's recording.

        Raises:
            ValidationError: unknown stance or kind, or a target of another kind.
            NotFoundError: the target does not exist (or was deleted).
        """
        stance = choice(stance, STANCES, "stance")
        kind = choice(kind, LINK_KINDS, "evidence kind")
        target_id = self.check_target(kind, target_id)
        existing = self.repo.find_same_link(h.id, stance, kind, target_id)
        if existing is not None:
            return existing
        link = EvidenceLink(
            id=link_id or str(uuid.uuid4()),
            hypothesis_id=h.id,
            stance=stance,
            kind=kind,
            target_id=target_id,
            clue=(clue or "").strip() or f"{kind}:{target_id}",
            note=note,
            created_at=utc_now(),
            created_by=rec.actor,
        )
        rec.insert(
            link,
            ACTION_LINKED,
            item_id=h.item_id,
            details={"hypothesis_id": h.id, "stance": stance, "kind": kind, "target_id": target_id},
        )
        return link

    def remove(self, rec: Recording, link: EvidenceLink) -> None:
        """Delete a link through the caller's recording."""
        h = self.repo.find(link.hypothesis_id)
        rec.delete(
            link,
            ACTION_UNLINKED,
            item_id=h.item_id if h else None,
            details=GEO_EVIDENCE.state(link),
        )

    def check_target(self, kind: str, target_id: str) -> str:
        """The full id of the record a link points at.

        Items are looked up directly (a unique id prefix is enough); other kinds belong to
        other features, whose every record is in the custody log, so the log says whether
        the record exists and what it is without this module knowing their tables.

        Raises:
            ValidationError: empty id, or a record of another kind.
            NotFoundError: no such record, or it was deleted.
        """
        target_id = target_id.strip()
        if not target_id:
            raise ValidationError("the evidence needs the id of what it links to")
        if kind == "item":
            found = self.case.items.find(target_id)
            if found is None:
                found = self.case.items.get(self.case.items.resolve_prefix(target_id))
            return found.id
        logged = self.repo.logged_subject(target_id)
        if logged is None:
            raise NotFoundError(f"no {kind} {target_id} in this case")
        subject_type, deleted = logged
        if deleted:
            raise NotFoundError(f"{kind} {target_id} was deleted")
        if kind not in subject_type:
            raise ValidationError(f"{target_id} is a {subject_type}, not a {kind}")
        return target_id
