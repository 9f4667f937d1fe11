"""The common ground of every annotation write: the case, its rows, the actor and the log.

Labels, links and annotations are written by separate parts of `AnnotationService`; each
part records its change the same way (action `annotated`, the record's new state chained,
an `op` naming what was done), so the custody log reads alike whoever wrote the entry.
"""

from __future__ import annotations

from collections.abc import Mapping
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

    def record_change(
        self,
        op: str,
        subject: str,
        record: Mapping[str, Any] | None,
        record_id: str,
        item_id: str | None,
        *,
        deleted: bool = False,
        reason: str | None = None,
        **details: Any,
    ) -> None:
        """Append the custody entry of one annotation write (call inside its transaction).

        Args:
            op: what was done ("create", "edit", "link", "track_delete"...).
            subject: the record type ("annotation", "annotation_link", "track"...).
            record: the record's new state (ignored for a deletion).
            record_id: the record's id.
            item_id: the annotated item, when there is one.
            deleted: the record was removed.
            reason: why, as the user gave it.
            **details: more facts for the entry's details.
        """
        self.case.custody.append(
            Action.ANNOTATED,
            self.actor,
            item_id=item_id,
            subject=(subject, record_id),
            record=None if deleted else record,
            deleted=deleted,
            details={"op": op, **details},
            reason=reason,
        )
