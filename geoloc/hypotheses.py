"""Geolocation hypotheses: the rules for recording, changing and weighing them.

An analyst keeps several competing answers to "where was this filmed?" at once. Each change
is validated in full before anything is written (`hypothesis_values.py`), stored with a
snapshot in the hypothesis's history and a custody entry carrying the digest of the new state
(`history.py`), all in one transaction, so a bad value stores nothing and every version stays
readable. Where a hypothesis points is checked (and a place name looked up) in `placement.py`.

Evidence for and against is linked as annotations, items, frames and sources. Links that
share a `clue` label describe one observation (the same lantern on three frames), so a
hypothesis's support is counted in independent clues; fewer than two is weak.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from forensics.case import Case
from forensics.errors import NotFoundError
from forensics.records.geoloc import (
    CONFIDENCES,
    LINK_KINDS,
    METHODS,
    STANCES,
    STATUSES,
    EvidenceLink,
    HistoryEntry,
    Hypothesis,
)
from forensics.store.db import utc_now
from forensics.store.hypotheses import HypothesisRepository
from forensics.store.rebase import rebase
from geoloc.drafts import HypothesisDraft, LinkDraft, SunCheckDraft
from geoloc.evidence import EvidenceLinks, Support, support_of
from geoloc.history import (
    SUN_CHECK,
    as_edited,
    record_deletion,
    record_sun_check,
    record_version,
    sun_check_result,
)
from geoloc.hypothesis_values import changed_hypothesis, check_editable, new_hypothesis
from geoloc.vocabulary import choice

if TYPE_CHECKING:
    from forensics.store.recording import Recording
    from geoloc.gazetteer import OfflineGazetteer

log = logging.getLogger(__name__)

__all__ = [
    "CONFIDENCES",
    "LINK_KINDS",
    "METHODS",
    "STANCES",
    "STATUSES",
    "EvidenceLink",
    "HistoryEntry",
    "Hypothesis",
    "HypothesisDraft",
    "HypothesisService",
    "LinkDraft",
    "SunCheckDraft",
    "Support",
]


class HypothesisService:
    """Records, changes and weighs the hypotheses of one open case.

    Args:
        case: the open case (its connection is used on the calling thread).
        gazetteer: where place names are looked up (default: the shared offline one).
    """

    def __init__(self, case: Case, gazetteer: OfflineGazetteer | None = None) -> None:
        self.case = case
        self.repo = HypothesisRepository(case.db)
        self._gazetteer = gazetteer
        self._links = EvidenceLinks(case, self.repo)

    @property
    def gazetteer(self) -> OfflineGazetteer:
        """The gazetteer place names are resolved with."""
        if self._gazetteer is None:
            # The gazetteer stands on geopy: load it when a place is first looked up.
            from geoloc.gazetteer import default_gazetteer

            self._gazetteer = default_gazetteer()
        return self._gazetteer

    # reading ------------------------------------------------------------------------------
    def get(self, hypothesis_id: str) -> Hypothesis:
        """A hypothesis by id or unique id prefix.

        Raises:
            NotFoundError: none, or several, match.
        """
        found = self.repo.find(hypothesis_id)
        return (
            found if found is not None else self.repo.get(self.repo.resolve_prefix(hypothesis_id))
        )

    def hypotheses(self, item_id: str | None = None) -> list[Hypothesis]:
        """Hypotheses of one item, or of the whole case."""
        return self.repo.hypotheses(item_id)

    def links(self, hypothesis_id: str) -> list[EvidenceLink]:
        """The evidence linked to a hypothesis."""
        return self.repo.links(hypothesis_id)

    def history(self, hypothesis_id: str) -> list[HistoryEntry]:
        """Every version of a hypothesis, oldest first."""
        return self.repo.history(hypothesis_id)

    def support(self, hypothesis_id: str) -> Support:
        """Supporting and contradicting links, and how many independent clues they make."""
        return support_of(self.repo.links(hypothesis_id))

    def supports(self) -> dict[str, Support]:
        """`support` for every hypothesis of the case, in one query."""
        by_h: dict[str, list[EvidenceLink]] = {}
        for link in self.repo.links():
            by_h.setdefault(link.hypothesis_id, []).append(link)
        return {h.id: support_of(by_h.get(h.id, [])) for h in self.repo.hypotheses()}

    def _check_item(self, item_id: str | None) -> None:
        if item_id is not None:
            self.case.items.get(item_id)

    # writing ------------------------------------------------------------------------------
    def add(
        self,
        draft: HypothesisDraft,
        *,
        actor: str | None = None,
        reason: str | None = None,
        hypothesis_id: str | None = None,
        link: Sequence[LinkDraft] = (),
        sun: SunCheckDraft | None = None,
    ) -> Hypothesis:
        """Validate and record a new hypothesis (with its first history entry), and its first
        evidence and sun check when given, as one recorded change (`save` does the same for
        an existing one).

        `hypothesis_id` fixes the new record's id (the demo builder uses stable ids);
        otherwise a new uuid4 is drawn.

        Raises:
            ValidationError: a value is out of range, NaN, unknown or missing.
            NotFoundError: the item does not exist.
        """
        actor = self.case.actor(actor)
        h = new_hypothesis(
            draft,
            hypothesis_id=hypothesis_id or str(uuid.uuid4()),
            actor=actor,
            now=utc_now(),
            gazetteer=lambda: self.gazetteer,
        )
        with self.case.recording(actor, reason=reason) as rec:
            self._check_item(h.item_id)
            record_version(rec, self.repo, h, changes={})
            h = self._evidence_and_sun(rec, h, link, sun)
        return h

    def update(
        self,
        hypothesis_id: str,
        changes: Mapping[str, Any],
        *,
        actor: str | None = None,
        reason: str | None = None,
    ) -> Hypothesis:
        """Change fields of a hypothesis; the new state is validated whole before saving.

        Raises:
            ValidationError: an unknown field or a bad value (nothing is stored).
            NotFoundError: no such hypothesis or item.
        """
        with self.case.recording(actor, reason=reason) as rec:
            return self._update(rec, hypothesis_id, changes)

    def _update(
        self,
        rec: Recording,
        hypothesis_id: str,
        changes: Mapping[str, Any],
        based_on: Hypothesis | None = None,
    ) -> Hypothesis:
        check_editable(changes)
        before = self.get(hypothesis_id)
        if based_on is not None:
            label = f"hypothesis '{before.place_name or before.id}'"
            changes = rebase(based_on, before, changes, view=as_edited, label=label)
        after, diff = changed_hypothesis(
            before, changes, now=utc_now(), gazetteer=lambda: self.gazetteer
        )
        if not diff:
            return before
        self._check_item(after.item_id)
        record_version(rec, self.repo, after, before=before, changes=diff)
        return after

    def save(
        self,
        hypothesis_id: str,
        changes: Mapping[str, Any] | None = None,
        *,
        link: Sequence[LinkDraft] = (),
        unlink: Sequence[str] = (),
        sun: SunCheckDraft | None = None,
        actor: str | None = None,
        reason: str | None = None,
        based_on: Hypothesis | None = None,
    ) -> Hypothesis:
        """Everything an editor changed, as one recorded change (all of it or nothing).

        With `based_on` (the hypothesis as the editor showed it) only the fields that differ
        from it change, and a field someone else changed since is an `EditConflictError`.

        The field changes, the evidence links removed (`unlink`, link ids) and added
        (`link`), then the sun check, each with its custody entry, in one transaction: a
        bad value anywhere stores nothing, and a dialog that is cancelled calls nothing.

        Raises:
            ValidationError: a bad value, link or time.
            NotFoundError: no such hypothesis, link or linked record.
        """
        with self.case.recording(actor, reason=reason) as rec:
            h = self._update(rec, hypothesis_id, changes or {}, based_on)
            for link_id in unlink:
                found = self.repo.find_link(link_id)
                if found is None or found.hypothesis_id != h.id:
                    raise NotFoundError(f"no evidence link {link_id} on this hypothesis")
                self._links.remove(rec, found)
            h = self._evidence_and_sun(rec, h, link, sun)
        return h

    def _evidence_and_sun(
        self, rec: Recording, h: Hypothesis, link: Sequence[LinkDraft], sun: SunCheckDraft | None
    ) -> Hypothesis:
        for d in link:
            self._links.add(
                rec,
                h,
                stance=d.stance,
                kind=d.kind,
                target_id=d.target_id,
                clue=d.clue,
                note=d.note,
            )
        return h if sun is None else self._sun(rec, h, sun)

    def check_sun(
        self,
        hypothesis_id: str,
        sun: SunCheckDraft,
        *,
        actor: str | None = None,
        reason: str | None = None,
    ) -> tuple[Hypothesis, dict[str, Any]]:
        """Check the sun at a hypothesis and keep the result in its history.

        Returns:
            The hypothesis at its new version, and the result (as `--json` shows it).

        Raises:
            ValidationError: a time without UTC offset, or a shadow direction that is no number.
            NotFoundError: no such hypothesis.
        """
        with self.case.recording(actor, reason=reason) as rec:
            h = self._sun(rec, self.get(hypothesis_id), sun)
        return h, self.repo.history(h.id)[-1].changes[SUN_CHECK]

    def _sun(self, rec: Recording, h: Hypothesis, sun: SunCheckDraft) -> Hypothesis:
        result = sun_check_result(h, sun.when, sun.shadow_azimuth, sun.tolerance)
        return record_sun_check(rec, self.repo, h, result)

    def delete(
        self, hypothesis_id: str, *, actor: str | None = None, reason: str | None = None
    ) -> None:
        """Remove a hypothesis and its evidence links (its history stays)."""
        with self.case.recording(actor, reason=reason) as rec:
            h = self.get(hypothesis_id)
            for link in self.repo.links(h.id):
                self._links.remove(rec, link)
            record_deletion(rec, self.repo, h)

    def link(
        self,
        hypothesis_id: str,
        *,
        stance: str,
        kind: str,
        target_id: str,
        clue: str | None = None,
        note: str = "",
        actor: str | None = None,
        reason: str | None = None,
        link_id: str | None = None,
    ) -> EvidenceLink:
        """Attach supporting or contradicting evidence (idempotent per target).

        Args:
            hypothesis_id: the hypothesis (id or unique prefix).
            stance: "supporting" or "contradicting".
            kind: "annotation", "item", "frame" or "source".
            target_id: the record's id (an item id, annotation id, source id...).
            clue: a label for the observation; links with the same label count as one clue.
            note: why this evidence bears on the place.
            actor: who links it (default: the case's examiner).
            reason: why, for the custody log.
            link_id: a fixed id for the new link (stable demo ids); default a new uuid4.

        Raises:
            ValidationError: an unknown stance or kind, or a target of another kind.
            NotFoundError: no such hypothesis or target.
        """
        with self.case.recording(actor, reason=reason) as rec:
            h = self.get(hypothesis_id)
            return self._links.add(
                rec,
                h,
                stance=stance,
                kind=kind,
                target_id=target_id,
                clue=clue,
                note=note,
                link_id=link_id,
            )

    def check_link(self, draft: LinkDraft) -> LinkDraft:
        """The draft with its target's full id, checked as `link` would check it (no write)."""
        kind = choice(draft.kind, LINK_KINDS, "evidence kind")
        target_id = self._links.check_target(kind, draft.target_id)
        return replace(
            draft, stance=choice(draft.stance, STANCES, "stance"), kind=kind, target_id=target_id
        )

    def unlink(self, link_id: str, *, actor: str | None = None, reason: str | None = None) -> None:
        """Remove an evidence link.

        Raises:
            NotFoundError: no such link.
        """
        with self.case.recording(actor, reason=reason) as rec:
            link = self.repo.find_link(link_id)
            if link is None:
                raise NotFoundError(f"no evidence link {link_id}")
            self._links.remove(rec, link)
