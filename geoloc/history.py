"""Every version of a hypothesis: a snapshot in its history and an entry in the custody log.

Each add, edit and delete stores the hypothesis's whole state as a numbered version, so any
earlier answer stays readable, and writes the change through the caller's recording, which
chains it in the custody log (with the state's digest, except for a deletion).
"""

from __future__ import annotations

import uuid
from typing import Any

from forensics.records.geoloc import HYPOTHESIS, GeoAction, HistoryEntry, Hypothesis
from forensics.store.db import utc_now
from forensics.store.hypotheses import HypothesisRepository
from forensics.store.recording import Recording

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
    rec: Recording,
    repo: HypothesisRepository,
    h: Hypothesis,
    *,
    before: Hypothesis | None = None,
    changes: dict[str, Any],
) -> None:
    """Store `h` (a new hypothesis, or `before` edited) with a new version, and log it.

    Args:
        rec: the recording the change belongs to (actor, reason, transaction).
        repo: the hypothesis rows (for the history).
        h: the hypothesis's new state.
        before: its state before an edit; None for an add.
        changes: field -> {"from", "to"} (empty for an add).
    """
    action = ACTION_ADDED if before is None else ACTION_EDITED
    history_id = _add_history(
        repo,
        h,
        version=h.version,
        action=action,
        changes=changes,
        reason=rec.reason,
        at=h.updated_at,
        actor=rec.actor,
    )
    details: dict[str, Any] = {
        "version": h.version,
        "history_id": history_id,
        "place_name": h.place_name,
        "status": h.status,
    }
    if changes:
        details["changes"] = changes
    if before is None:
        rec.insert(h, action, item_id=h.item_id, details=details)
    else:
        rec.update(before, h, action, item_id=h.item_id, details=details, log_changes=False)


def record_deletion(rec: Recording, repo: HypothesisRepository, h: Hypothesis) -> None:
    """Keep the last state of a deleted hypothesis as a final version, delete it, log it."""
    _add_history(
        repo,
        h,
        version=h.version + 1,
        action=ACTION_DELETED,
        changes={},
        reason=rec.reason,
        at=utc_now(),
        actor=rec.actor,
    )
    rec.delete(h, ACTION_DELETED, item_id=h.item_id, details={"place_name": h.place_name})
