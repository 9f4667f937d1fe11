"""Every version of a hypothesis: a snapshot in its history and an entry in the custody log.

Each add, edit and delete stores the hypothesis's whole state as a numbered version, so any
earlier answer stays readable, and appends the custody entry that chains the change (with the
state's digest, except for a deletion). Both are written in the caller's transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from forensics.case import Case
from forensics.records.geoloc import HYPOTHESIS, GeoAction, HistoryEntry, Hypothesis
from forensics.store.db import utc_now
from forensics.store.hypotheses import HypothesisRepository

ACTION_ADDED = GeoAction.ADDED
ACTION_EDITED = GeoAction.EDITED
ACTION_DELETED = GeoAction.DELETED


def _add_history(
    repo: HypothesisRepository,
    h: Hypothesis,
    *,
    version: int,
    action: str,
    changes: dict[str, Any],
    reason: str | None,
    at: str,
    actor: str,
) -> str:
    history_id = str(uuid.uuid4())
    repo.add_history(
        HistoryEntry(
            id=history_id,
            hypothesis_id=h.id,
            version=version,
            action=action,
            state=HYPOTHESIS.state(h),
            changes=changes,
            reason=reason,
            created_at=at,
            created_by=actor,
        )
    )
    return history_id


def record_version(
    case: Case,
    repo: HypothesisRepository,
    h: Hypothesis,
    action: str,
    actor: str,
    reason: str | None,
    changes: dict[str, Any],
) -> None:
    """Store `h` as a new version and log it (after an add or an edit).

    Args:
        case: the open case.
        repo: its hypothesis rows.
        h: the hypothesis as just stored.
        action: `ACTION_ADDED` or `ACTION_EDITED`.
        actor: who changed it.
        reason: why, as the user gave it.
        changes: field -> {"from", "to"} (empty for an add).
    """
    history_id = _add_history(
        repo,
        h,
        version=h.version,
        action=action,
        changes=changes,
        reason=reason,
        at=h.updated_at,
        actor=actor,
    )
    details: dict[str, Any] = {
        "version": h.version,
        "history_id": history_id,
        "place_name": h.place_name,
        "status": h.status,
    }
    if changes:
        details["changes"] = changes
    case.custody.append(
        action,
        actor,
        item_id=h.item_id,
        subject=(HYPOTHESIS.subject, h.id),
        record=HYPOTHESIS.state(h),
        details=details,
        reason=reason,
    )


def record_deletion(
    case: Case, repo: HypothesisRepository, h: Hypothesis, actor: str, reason: str | None
) -> None:
    """Keep the last state of a deleted hypothesis as a final version and log the deletion."""
    _add_history(
        repo,
        h,
        version=h.version + 1,
        action=ACTION_DELETED,
        changes={},
        reason=reason,
        at=utc_now(),
        actor=actor,
    )
    case.custody.append(
        ACTION_DELETED,
        actor,
        item_id=h.item_id,
        subject=(HYPOTHESIS.subject, h.id),
        deleted=True,
        reason=reason,
        details={"place_name": h.place_name},
    )
