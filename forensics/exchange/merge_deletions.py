"""Carrying the other team's deletions into our case when their archive is merged.

A record they deleted leaves two traces in what they send: their custody chain ends the
record's history with a deletion entry (`record_sha256` = `DELETED`), and their database no
longer holds the row. A record they never had leaves neither (a selection drops the entries of
what it leaves out), so it is never mistaken for a deletion. For each record they deleted that
we still hold:

- our record is a state they had before deleting it (its digest is one their signed chain
  logged for it, and one we exchanged with another party: `exchanged.py`): nobody changed it
  here since, so the deletion is carried: our row is deleted in the merge transaction with our
  own custody entry (`merge_deleted`, naming the merge and their entry: who, when, why, its
  hash), and `pwb verify` stays clean;
- we changed it since, the archive is unsigned or redacted (its chain proves nothing, or its
  digests cannot be compared), our state is not one we exchanged, or our other records still
  point at it: a conflict of kind `deleted_there_edited_here`, settled like the
  others (keep mine; take theirs = delete, refused while our records still point at it);
- it is an evidence item: never deleted by a merge. An item is an exhibit received under chain
  of custody, its file is in the content-addressed store and every other record hangs off it;
  the workbench itself never deletes items, so a conflict would offer a choice that does not
  exist. The deletion becomes a recorded *notice* instead: a `merge_deletion_not_applied`
  custody entry on the item, listed in the merge result.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forensics.case import Case
from forensics.errors import ValidationError
from forensics.exchange.merge_plan import jsonable
from forensics.records.declare import RecordChange
from forensics.records.merges import MergeAction
from forensics.store import exchange as sx
from forensics.store.custody import DELETED, record_digest
from forensics.store.merges import DELETED_THERE, OPEN, Conflict, MergeRepository
from forensics.store.subjects import FETCHERS

MERGE_DELETED = MergeAction.DELETED
"""Our custody action for a record deleted because they deleted it."""
DELETION_NOT_APPLIED = MergeAction.DELETION_NOT_APPLIED
"""Our custody action for a deletion of theirs a merge does not apply (an evidence item)."""
ITEM_SUBJECT = "item"
_ENTRY_FACTS = ("seq", "entry_id", "hash", "at", "actor", "action", "reason", "item_id")


@dataclass(frozen=True)
class TheirDeletion:
    """A record their chain deleted and their database no longer holds, still in ours.

    `facts` are those of their deletion entry (seq, entry_id, hash, at, actor, action, reason,
    item_id), kept in our custody entry and in a conflict.
    """

    subject_type: str
    record_id: str
    table: str
    facts: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """As `pwb merge --json` lists it."""
        return {
            "table": self.table,
            "record_id": self.record_id,
            "subject": self.subject_type,
            "deleted_by": self.facts["actor"],
            "deleted_at": self.facts["at"],
            "reason": self.facts["reason"],
            "their_entry": self.facts["hash"],
        }


@dataclass(frozen=True)
class DeletionNotice:
    """A deletion of theirs the merge did not apply, and why."""

    subject_type: str
    record_id: str
    why: str
    facts: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """As `pwb merge --json` lists it."""
        return {
            "subject": self.subject_type,
            "record_id": self.record_id,
            "why": self.why,
            "deleted_by": self.facts["actor"],
            "deleted_at": self.facts["at"],
            "their_entry": self.facts["hash"],
        }


@dataclass
class DeletionPlan:
    """Their deletions sorted against our records."""

    carried: list[TheirDeletion] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    notices: list[DeletionNotice] = field(default_factory=list)
    already_kept: int = 0
    """Deletions we already declined (keep mine) at an earlier merge."""


def _deleted_subjects(
    chain: list[dict[str, Any]],
) -> list[tuple[str, str, dict[str, Any], set[str]]]:
    """Subjects whose last digest in `chain` is a deletion: type, id, that entry, prior digests."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    history: dict[tuple[str, str], set[str]] = {}
    for e in chain:
        if not (e["subject_type"] and e["subject_id"]) or e["record_sha256"] is None:
            continue
        key = (str(e["subject_type"]), str(e["subject_id"]))
        latest[key] = e
        if e["record_sha256"] != DELETED:
            history.setdefault(key, set()).add(str(e["record_sha256"]))
    return [
        (t, i, e, history.get((t, i), set()))
        for (t, i), e in latest.items()
        if e["record_sha256"] == DELETED
    ]


def _table_of(
    case: Case, theirs: Case, tables: list[str], subject_type: str, record_id: str
) -> list[str]:
    """The tables holding the record here but not there (items only for an item subject)."""
    return [
        t
        for t in tables
        if (t == "items") == (subject_type == ITEM_SUBJECT)
        and sx.get_row(case.db, t, record_id) is not None
        and sx.get_row(theirs.db, t, record_id) is None
    ]


def _noted(case: Case, item_id: str) -> set[str]:
    """Hashes of their deletion entries about an item that an earlier merge already noted."""
    return {
        str(e.details.get("their_entry", {}).get("hash"))
        for e in case.custody.entries(item_id=item_id)
        if e.action == DELETION_NOT_APPLIED
    }


def plan_deletions(
    case: Case,
    theirs: Case,
    their_chain: list[dict[str, Any]],
    *,
    merge_id: str,
    redacted: bool,
    signed: bool,
    actor: str,
    now: str,
) -> DeletionPlan:
    """Sort the records they deleted against ours (reads only).

    Args:
        case: our case.
        theirs: the received case.
        their_chain: their custody entries, oldest first.
        merge_id: the merge the conflicts belong to.
        redacted: the archive was redacted (its older digests are blanked: always a conflict).
        signed: the archive carries a valid signature (unsigned: always a conflict).
        actor: who merges.
        now: the merge's time.
    """
    plan = DeletionPlan()
    their_tables = set(sx.record_tables(theirs.db))
    tables = [
        t for t in sx.record_tables(case.db) if t in their_tables and t not in sx.EXCHANGE_TABLES
    ]
    kept = MergeRepository(case.db)
    pending: dict[str, TheirDeletion] = {}
    changed: dict[str, TheirDeletion] = {}
    for subject_type, record_id, entry, history in _deleted_subjects(their_chain):
        fetch = FETCHERS.get(subject_type)
        mine = fetch(case.db, record_id) if fetch is not None else None
        if fetch is None or mine is None or fetch(theirs.db, record_id) is not None:
            continue  # unknown kind, already gone here, or not gone there
        facts = {k: entry[k] for k in _ENTRY_FACTS}
        found = _table_of(case, theirs, tables, subject_type, record_id)
        if subject_type == ITEM_SUBJECT:
            if entry["hash"] not in _noted(case, record_id):
                why = "evidence items are never deleted by a merge"
                plan.notices.append(DeletionNotice(subject_type, record_id, why, facts))
            continue
        if len(found) != 1:
            why = f"the record is not in exactly one table here ({', '.join(found) or 'none'})"
            plan.notices.append(DeletionNotice(subject_type, record_id, why, facts))
            continue
        if entry["hash"] in kept.kept_deletions(record_id):
            plan.already_kept += 1
            continue
        deletion = TheirDeletion(subject_type, record_id, found[0], facts)
        digest = record_digest(mine)
        same = (
            signed
            and not redacted
            and digest in history
            and digest in kept.exchanged_states([record_id]).get(record_id, set())
        )
        (pending if same else changed)[record_id] = deletion
    for deletion in changed.values():
        plan.conflicts.append(deletion_conflict(case, deletion, merge_id, actor, now))
    # A deletion carried must not leave our other records pointing at nothing.
    fks = sx.foreign_keys_to_ids(case.db)
    users = {rid: sx.referencing_rows(case.db, d.table, rid, fks) for rid, d in pending.items()}
    settled = False
    while not settled:
        settled = True
        for rid, deletion in list(pending.items()):
            used = [f"{t} {i}" for t, i in users[rid] if i not in pending]
            if used:
                del pending[rid]
                plan.conflicts.append(
                    deletion_conflict(case, deletion, merge_id, actor, now, used_by=used)
                )
                settled = False
    plan.carried = list(pending.values())
    return plan


def deletion_conflict(
    case: Case,
    deletion: TheirDeletion,
    merge_id: str,
    actor: str,
    now: str,
    *,
    used_by: list[str] | None = None,
) -> Conflict:
    """The conflict of a record they deleted and we changed (or still use) since."""
    facts = {**deletion.facts, **({"used_by": used_by} if used_by else {})}
    return Conflict(
        id=str(uuid.uuid4()),
        merge_id=merge_id,
        table_name=deletion.table,
        record_id=deletion.record_id,
        subject_type=deletion.subject_type,
        mine=jsonable(sx.get_row(case.db, deletion.table, deletion.record_id) or {}),
        theirs={},
        status=OPEN,
        resolved_at=None,
        resolved_by=None,
        created_at=now,
        created_by=actor,
        updated_at=None,
        kind=DELETED_THERE,
        deletion=facts,
    )


def deleted_there(facts: Mapping[str, Any]) -> str:
    """Who deleted it there, when, and why, in a sentence."""
    said = f"deleted in their case by {facts['actor']} at {facts['at']}"
    return f"{said}: {facts['reason']}" if facts.get("reason") else said


def carry_deletion(
    case: Case,
    deletion: TheirDeletion,
    *,
    actor: str,
    merge_id: str,
    conflict_id: str | None = None,
) -> bool:
    """Delete our record as they did, with our custody entry (call inside the transaction).

    Returns:
        False when the record is not wholly gone after its row is deleted (its reader finds
        it elsewhere): nothing is changed then.
    """
    fetch = FETCHERS[deletion.subject_type]
    sx.savepoint(case.db, "carry_deletion")
    sx.delete_ids(case.db, deletion.table, [deletion.record_id])
    whole = fetch(case.db, deletion.record_id) is None
    sx.release(case.db, "carry_deletion", undo=not whole)
    if not whole:
        return False
    details: dict[str, Any] = {
        "merge_id": merge_id,
        "table": deletion.table,
        "their_entry": {k: v for k, v in deletion.facts.items() if k != "used_by"},
    }
    if conflict_id is not None:
        details["conflict_id"] = conflict_id
    with case.recording(actor) as rec:
        rec.saved(
            deletion.subject_type,
            deletion.record_id,
            None,
            MERGE_DELETED,
            change=RecordChange.DELETED,
            item_id=deletion.facts.get("item_id"),
            details=details,
            reason=deleted_there(deletion.facts),
        )
    return True


def log_notice(case: Case, notice: DeletionNotice, *, actor: str, merge_id: str) -> None:
    """Record a deletion of theirs that was not applied (call inside the transaction)."""
    with case.recording(actor) as rec:
        rec.note(
            DELETION_NOT_APPLIED,
            item_id=notice.record_id
            if notice.subject_type == ITEM_SUBJECT
            else notice.facts.get("item_id"),
            details={
                "merge_id": merge_id,
                "subject": [notice.subject_type, notice.record_id],
                "their_entry": notice.facts,
                "why": notice.why,
            },
            reason=f"{deleted_there(notice.facts)}; not applied: {notice.why}",
        )


def apply_deletions(
    case: Case, plan: DeletionPlan, *, actor: str, merge_id: str
) -> list[TheirDeletion]:
    """Carry the planned deletions and log the notices (inside the merge transaction).

    Returns:
        The deletions carried; one that could not be (see `carry_deletion`) becomes a notice.
    """
    carried: list[TheirDeletion] = []
    for deletion in plan.carried:
        if carry_deletion(case, deletion, actor=actor, merge_id=merge_id):
            carried.append(deletion)
        else:
            why = "the record is stored in more than one table here"
            plan.notices.append(
                DeletionNotice(deletion.subject_type, deletion.record_id, why, deletion.facts)
            )
    plan.carried = carried
    for notice in plan.notices:
        log_notice(case, notice, actor=actor, merge_id=merge_id)
    return carried


def take_deletion(case: Case, conflict: Conflict, actor: str) -> None:
    """Settle a deletion conflict their way: delete our record (inside the transaction).

    Raises:
        ValidationError: our other records still point at it, or it cannot be deleted whole.
    """
    facts = dict(conflict.deletion or {})
    if sx.get_row(case.db, conflict.table_name, conflict.record_id) is None:
        return  # already gone here
    used = sx.referencing_rows(case.db, conflict.table_name, conflict.record_id)
    if used:
        names = ", ".join(f"{t} {i}" for t, i in used)
        raise ValidationError(
            f"{conflict.table_name} {conflict.record_id} is still used here by {names}: "
            "keep mine, or remove those first"
        )
    deletion = TheirDeletion(
        str(conflict.subject_type), conflict.record_id, conflict.table_name, facts
    )
    if not carry_deletion(
        case, deletion, actor=actor, merge_id=conflict.merge_id, conflict_id=conflict.id
    ):
        raise ValidationError(
            f"{conflict.table_name} {conflict.record_id} is stored in more than one table here"
        )
