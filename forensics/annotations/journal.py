"""The common ground of every annotation write: the case, its rows, the actor and the log.

Labels, links and annotations are written by separate parts of `AnnotationService`; each
part records its change through the same three calls over `case.recording()` (action
`annotated`, the record's new state chained, an `op` naming what was done), so the custody
log reads alike whoever wrote the entry.
"""

from __future__ import annotations

from typing import Any

from forensics.case import Case
from forensics.store.annotations import AnnotationRepository
from forensics.store.custody import Action


class AnnotationJournal:
    """The case being annotated, its annotation rows, and on whose behalf.

    Args:
        case: the open case.
        actor: who annotates (default: the case's examiner).
    """

    def __init__(self, case: Case, actor: str | None = None) -> None:
        self.case = case
        self.repo = AnnotationRepository(case.db)
        self.actor = case.actor(actor)

    def recorded_insert(
        self,
        record: Any,
        op: str,
        item_id: str | None,
        *,
        reason: str | None = None,
        **details: Any,
    ) -> None:
        """Insert an annotation record with its custody entry (joins an open transaction).

        Args:
            record: the new annotation, track, link or label.
            op: what was done ("create", "link", "label_create"...).
            item_id: the annotated item, when there is one.
            reason: why, as the user gave it.
            **details: more facts for the entry's details.
        """
        with self.case.recording(self.actor, reason=reason) as rec:
            rec.insert(record, Action.ANNOTATED, item_id=item_id, details={"op": op, **details})

    def recorded_update(
        self,
        before: Any,
        after: Any,
        op: str,
        item_id: str | None,
        *,
        reason: str | None = None,
        **details: Any,
    ) -> None:
        """Overwrite an annotation record with its new state and log it (`details` say what
        changed: the caller gives them, as each op words its changes)."""
        with self.case.recording(self.actor, reason=reason) as rec:
            rec.update(
                before,
                after,
                Action.ANNOTATED,
                item_id=item_id,
                details={"op": op, **details},
                log_changes=False,
            )

    def recorded_delete(
        self,
        record: Any,
        op: str,
        item_id: str | None,
        *,
        reason: str | None = None,
        **details: Any,
    ) -> None:
        """Delete an annotation record and log that it was removed on purpose."""
        with self.case.recording(self.actor, reason=reason) as rec:
            rec.delete(record, Action.ANNOTATED, item_id=item_id, details={"op": op, **details})
