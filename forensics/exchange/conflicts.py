"""Settling the conflicts a merge left: keep mine or take theirs, and listing them.

A conflict holds both sides of a record both teams changed; until the user decides, ours
stays. Taking theirs writes their row and logs it like a merged record; for a record they
deleted and we changed (`deleted_there_edited_here`), taking theirs deletes ours with a
`merge_deleted` entry (refused while our other records still point at it). Either choice
closes the conflict with its own custody entry.
"""

from __future__ import annotations

from typing import Any

from forensics.case import Case
from forensics.errors import ValidationError
from forensics.exchange.merge import log_merged_record
from forensics.exchange.merge_deletions import deleted_there, take_deletion
from forensics.exchange.merge_plan import conflict_facts, from_jsonable
from forensics.records.merges import MergeAction
from forensics.store import exchange as sx
from forensics.store.db import utc_now
from forensics.store.merges import (
    CONFLICT_SUBJECT,
    DELETED_THERE,
    KEPT_MINE,
    OPEN,
    TOOK_THEIRS,
    Conflict,
    MergeRepository,
    conflict_state,
)

CONFLICT_RESOLVED = MergeAction.CONFLICT_RESOLVED


def resolve_conflict(
    case: Case,
    conflict_id: str,
    choice: str,
    *,
    actor: str | None = None,
    reason: str | None = None,
) -> Conflict:
    """Settle a conflict: `"mine"` keeps our record, `"theirs"` takes theirs (logged).

    Raises:
        ValidationError: unknown choice, the conflict is already resolved, or (taking a
            deletion) our other records still point at the record.
        NotFoundError: no such conflict.
    """
    if choice not in ("mine", "theirs"):
        raise ValidationError("choose 'mine' or 'theirs'")
    actor = case.actor(actor)
    repo = MergeRepository(case.db)
    with case.recording(actor) as rec:
        conflict = repo.get_conflict(conflict_id)
        if conflict.status != OPEN:
            raise ValidationError(f"conflict {conflict_id} is already resolved ({conflict.status})")
        if choice == "theirs" and conflict.kind == DELETED_THERE:
            take_deletion(case, conflict, actor)
        elif choice == "theirs":
            values = from_jsonable(conflict.theirs)
            sx.update_row(
                case.db,
                conflict.table_name,
                conflict.record_id,
                {k: v for k, v in values.items() if k != "id"},
            )
            log_merged_record(
                case,
                actor,
                conflict.table_name,
                conflict.record_id,
                conflict.subject_type,
                None,
                conflict.merge_id,
            )
        status = TOOK_THEIRS if choice == "theirs" else KEPT_MINE
        new = repo.set_conflict_status(conflict_id, status, actor, utc_now())
        rec.saved(
            CONFLICT_SUBJECT,
            conflict_id,
            conflict_state(new),
            CONFLICT_RESOLVED,
            item_id=conflict.record_id if conflict.table_name == "items" else None,
            details={"choice": choice, **conflict_facts(conflict)},
            reason=reason,
        )
    return new


def conflicts_json(case: Case, *, only_open: bool = True) -> list[dict[str, Any]]:
    """Conflicts as the CLI lists them."""
    found = MergeRepository(case.db).conflicts(status=OPEN if only_open else None)
    return [_conflict_json(c) for c in found]


def _conflict_json(c: Conflict) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": c.id,
        "merge_id": c.merge_id,
        "table": c.table_name,
        "record_id": c.record_id,
        "status": c.status,
        "kind": c.kind,
        "columns": c.changed_columns,
        "mine": {k: c.mine.get(k) for k in c.changed_columns},
        "theirs": {k: c.theirs.get(k) for k in c.changed_columns},
    }
    if c.kind == DELETED_THERE and c.deletion is not None:
        # Their row is gone: show ours whole, and who deleted theirs, when and why.
        data["mine"] = dict(c.mine)
        data["theirs"] = None
        data["deleted"] = {
            "by": c.deletion.get("actor"),
            "at": c.deletion.get("at"),
            "reason": c.deletion.get("reason"),
            "entry": c.deletion.get("hash"),
            "used_by": c.deletion.get("used_by", []),
            "summary": deleted_there(c.deletion),
        }
    return data
