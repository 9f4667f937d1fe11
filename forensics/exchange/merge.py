"""`pwb merge`: bring a team's archive into an existing case without losing either side.

The archive is checked like an unpack, then its records are sorted against ours
(`merge_plan.py`): added, taken as newer (logged like any edit), left, or stored as a
*conflict* for the user to resolve (`conflicts.py`: keep mine / take theirs), never
overwritten. Records they deleted are carried, become conflicts, or (evidence items) are
recorded as not applied (`merge_deletions.py`). The records are sorted and written in one
transaction, under the case's write lock (on a server, PostgreSQL's advisory lock: another
examiner's change cannot come between the sorting and the writing); the same on a folder case
and a server case.

Their custody chain is stored verbatim in `imported_custody`, linked to the merge, and can be
re-verified on its own; our chain gets one entry per record added or changed and one for the
merge itself. Evidence files they hold that we lack are moved into our store; a file we hold
under another item id is reported as the same content.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.exchange.archive_checks import Limits
from forensics.exchange.exchanged import RECEIVED, last_states
from forensics.exchange.merge_deletions import (
    DeletionNotice,
    DeletionPlan,
    TheirDeletion,
    apply_deletions,
    plan_deletions,
)
from forensics.exchange.merge_plan import MergePlan, conflict_facts, plan_merge, plan_same_content
from forensics.exchange.unpack import Received, receive
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.records.declare import RecordChange
from forensics.records.merges import MergeAction, merge_state
from forensics.store import exchange as sx
from forensics.store.custody import GENESIS_HASH
from forensics.store.db import utc_now
from forensics.store.merges import (
    MERGE_SUBJECT,
    Conflict,
    MergeRecord,
    MergeRepository,
)
from forensics.store.subjects import FETCHERS

MERGED = MergeAction.MERGED


@dataclass
class MergeResult:
    """What a merge did."""

    merge: MergeRecord
    conflicts: list[Conflict] = field(default_factory=list)
    same_content: list[dict[str, str]] = field(default_factory=list)
    evidence_added: int = 0
    received: Received | None = None
    deleted: list[TheirDeletion] = field(default_factory=list)
    """Records they deleted that were deleted here too."""
    deletion_notices: list[DeletionNotice] = field(default_factory=list)
    """Deletions of theirs not applied (evidence items), each with the reason."""
    already_merged: bool = False
    """The archive's chain is a prefix of one merged before (`merge` is that earlier merge):
    a replay or a rollback, and nothing was applied."""

    def to_json(self) -> dict[str, Any]:
        """As `pwb merge --json` prints it."""
        return {
            "merge_id": self.merge.id,
            "already_merged": self.already_merged,
            "archive": self.merge.archive_name,
            "added": self.merge.added,
            "updated": self.merge.updated,
            "unchanged": self.merge.unchanged,
            "conflicts": [
                {
                    "id": c.id,
                    "table": c.table_name,
                    "record_id": c.record_id,
                    "kind": c.kind,
                    "columns": c.changed_columns,
                }
                for c in self.conflicts
            ],
            "deleted": [d.to_json() for d in self.deleted],
            "deletions_not_applied": [n.to_json() for n in self.deletion_notices],
            "same_content": self.same_content,
            "evidence_added": self.evidence_added,
            "signature": None
            if self.received is None or self.received.signature is None
            else self.received.signature.to_json(),
        }


def merge_archive(
    case: Case,
    archive: Path,
    *,
    limits: Limits | None = None,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> MergeResult:
    """Check `archive` like an unpack, then merge it into `case` in one transaction.

    `cancel` is checked in every stage (inflating, reading the records, sorting them against
    ours, moving files in, writing); a cancelled merge leaves the case as it was.

    Raises:
        ArchiveError: the archive was refused; the case is unchanged.
        CancelledError: `cancel` was set; the case is unchanged.
    """
    limits = limits or Limits()
    cancel = cancel or CancelToken()
    archive = Path(archive)
    work = Path(tempfile.mkdtemp(prefix="merge-", dir=case.evidence.tmp_dir))
    try:
        received = receive(archive, work / "case", limits=limits, progress=progress, cancel=cancel)
        with Case.open(work / "case") as theirs:
            earlier = _already_merged(case, theirs)
            if earlier is not None:
                result = MergeResult(earlier, already_merged=True)
            else:
                result = _merge(case, theirs, archive, received, case.actor(actor), cancel)
        result.received = received
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _already_merged(case: Case, theirs: Case) -> MergeRecord | None:
    """The earlier merge whose imported chain holds their whole chain, if any.

    Their chain was verified on unpack and every entry's hash covers the one before it, so
    their head being in a chain we imported means their chain is a prefix of it: merging it
    again would re-apply old states (bring back what a later archive deleted).
    """
    chain = sx.custody_rows(theirs.db)
    if not chain:
        return None
    return MergeRepository(case.db).merge_holding(str(chain[-1]["hash"]))


def _merge(
    case: Case,
    theirs: Case,
    archive: Path,
    received: Received,
    actor: str,
    cancel: CancelToken,
) -> MergeResult:
    redacted = received.manifest.redaction.get("profile", "none") != "none"
    merge_id = str(uuid.uuid4())
    now = utc_now()
    # Only a signed chain can show which of our states their changes were made from.
    signed = received.signature is not None and received.signature.valid
    # Their files first, outside the write transaction (long work; content-addressed, so a
    # file another examiner adds meanwhile is the same file).
    blobs = sorted(
        {
            str(i.sha256)
            for i in theirs.items.content_items()
            if not case.evidence.has(str(i.sha256))
        }
    )
    committed: list[str] = []
    moved: list[Path] = []
    try:
        for sha in blobs:
            cancel.raise_if_cancelled()
            case.evidence.commit_blob(theirs.evidence.path_of(sha), sha)
            committed.append(sha)
        _copy_derived(theirs, case, moved, cancel)
        # The records are sorted against ours and written in one transaction, under the case's
        # write lock: on a server another examiner's change cannot come between the two.
        with case.transaction():
            plan = plan_merge(
                case,
                theirs,
                merge_id=merge_id,
                redacted=redacted,
                signed=signed,
                actor=actor,
                now=now,
                cancel=cancel,
            )
            cancel.raise_if_cancelled()
            gone = plan_deletions(
                case,
                theirs,
                plan.their_chain,
                merge_id=merge_id,
                redacted=redacted,
                signed=signed,
                actor=actor,
                now=now,
            )
            plan.conflicts.extend(gone.conflicts)
            merge = _merge_record(merge_id, archive, received, plan, actor, now)
            same_content = plan_same_content(case, theirs, plan.added)
            _write(case, theirs, plan, merge, actor, cancel)
            apply_deletions(case, gone, actor=actor, merge_id=merge.id)
            _log_merge(case, plan, gone, merge, received, actor, evidence_added=len(blobs))
            for sha in blobs:  # a server case's marker rows go with the records
                case.evidence.settle_marker(sha)
            cancel.raise_if_cancelled()  # the last moment a Ctrl-C undoes everything
    except BaseException:
        for sha in committed:
            case.evidence.release_blob(sha, case.items.has_content)
        for path in moved:  # derived files new to our store, no committed record uses them
            path.unlink(missing_ok=True)
        raise
    for sha in blobs:
        case.evidence.clear_marker(sha)
    return MergeResult(
        merge,
        plan.conflicts,
        same_content,
        len(blobs),
        deleted=gone.carried,
        deletion_notices=gone.notices,
    )


def _merge_record(
    merge_id: str, archive: Path, received: Received, plan: MergePlan, actor: str, now: str
) -> MergeRecord:
    info = received.manifest
    return MergeRecord(
        id=merge_id,
        archive_name=archive.name,
        manifest_sha256=received.manifest_sha256,
        origin_case_id=info.case_id,
        origin_title=info.case_title,
        packed_by=info.packed_by,
        packed_at=info.packed_at,
        signer=None
        if received.signature is None
        else f"{received.signature.signer} ({received.signature.fingerprint})",
        redaction=str(info.redaction.get("profile", "none")),
        added=len(plan.added),
        updated=len(plan.updates),
        unchanged=plan.unchanged,
        conflicts=len(plan.conflicts),
        created_at=now,
        created_by=actor,
    )


def _write(
    case: Case,
    theirs: Case,
    plan: MergePlan,
    merge: MergeRecord,
    actor: str,
    cancel: CancelToken,
) -> None:
    """Store the merge, their chain, the added and updated rows and the conflicts, logged."""
    repo = MergeRepository(case.db)
    sx.defer_foreign_keys(case.db)
    repo.insert_merge(merge)
    repo.insert_imported_custody(merge.id, plan.their_chain)
    repo.record_exchanged(merge.manifest_sha256, RECEIVED, last_states(plan.their_chain))
    # Their new records, in their order, a batch per statement (on a server one round trip
    # per record was most of a merge's time).
    for table, refs in itertools.groupby(plan.added, key=lambda ref: ref[0]):
        theirs_cols = set(sx.columns(theirs.db, table))
        common = [c for c in sx.columns(case.db, table) if c in theirs_cols]
        record_ids = [rid for _, rid in refs]
        for start in range(0, len(record_ids), sx.BATCH):
            cancel.raise_if_cancelled()
            chunk = record_ids[start : start + sx.BATCH]
            found = sx.get_rows(theirs.db, table, chunk)
            values = [[found.get(rid, {}).get(c) for c in common] for rid in chunk]
            sx.insert_rows(case.db, table, common, values)
    for table, row in plan.updates:
        sx.update_row(case.db, table, str(row["id"]), {k: v for k, v in row.items() if k != "id"})
    added = {rid for _, rid in plan.added}
    changed = [*plan.added, *((table, str(row["id"])) for table, row in plan.updates)]
    for n, (table, rid) in enumerate(changed):
        if n % 256 == 0:
            cancel.raise_if_cancelled()
        log_merged_record(
            case,
            actor,
            table,
            rid,
            plan.subjects.get(rid),
            plan.their_latest.get(rid),
            merge.id,
            change=RecordChange.INSERTED if rid in added else RecordChange.UPDATED,
        )
    with case.recording(actor) as rec:
        for conflict in plan.conflicts:
            rec.insert(
                conflict,
                MergeAction.CONFLICT,
                item_id=conflict.record_id if conflict.table_name == "items" else None,
                details={"merge_id": merge.id, **conflict_facts(conflict)},
            )


def _log_merge(
    case: Case,
    plan: MergePlan,
    gone: DeletionPlan,
    merge: MergeRecord,
    received: Received,
    actor: str,
    *,
    evidence_added: int,
) -> None:
    """The custody entry of the merge itself."""
    info = received.manifest
    with case.recording(actor) as rec:
        rec.saved(
            MERGE_SUBJECT,
            merge.id,
            merge_state(merge),
            MERGED,
            change=RecordChange.INSERTED,
            details={
                "archive": merge.archive_name,
                "manifest_sha256": merge.manifest_sha256,
                "origin_case_id": info.case_id,
                "packed_by": info.packed_by,
                "added": len(plan.added),
                "updated": len(plan.updates),
                "conflicts": len(plan.conflicts),
                "deleted": len(gone.carried),
                "deletions_not_applied": len(gone.notices),
                "evidence_added": evidence_added,
                "imported_custody_entries": len(plan.their_chain),
                "imported_custody_head": plan.their_chain[-1]["hash"]
                if plan.their_chain
                else GENESIS_HASH,
                "signature": None if received.signature is None else received.signature.to_json(),
                "accepted_unsigned": received.signature is None,
            },
            reason=f"merged archive {merge.archive_name}"
            + (" (NOT SIGNED: accepted unsigned)" if received.signature is None else ""),
        )


def log_merged_record(
    case: Case,
    actor: str,
    table: str,
    record_id: str,
    subject: str | None,
    origin: dict[str, Any] | None,
    merge_id: str,
    *,
    change: RecordChange = RecordChange.UPDATED,
) -> None:
    """Log a record a merge added or changed, with its new state (call inside the transaction).

    Args:
        case: our case.
        actor: who merges.
        table: the record's table.
        record_id: the record's id.
        subject: its custody subject type (None: not logged, no fetcher knows it).
        origin: their last custody entry about it, if any.
        merge_id: the merge it came with.
        change: whether the merge added it or changed it.
    """
    fetch = FETCHERS.get(subject or "")
    current = fetch(case.db, record_id) if fetch is not None else None
    if subject is None or current is None:
        return
    with case.recording(actor) as rec:
        rec.saved(
            subject,
            record_id,
            current,
            MERGED,
            change=change,
            item_id=record_id if subject == "item" else (origin or {}).get("item_id"),
            details={
                "merge_id": merge_id,
                "table": table,
                "origin_entry": None if origin is None else origin["hash"],
            },
        )


def _copy_derived(theirs: Case, case: Case, moved: list[Path], cancel: CancelToken) -> None:
    """Move their derived files we lack into our store, listing each in `moved` (to be removed
    again if the merge does not commit)."""
    for path in theirs.evidence.derived_files():
        cancel.raise_if_cancelled()
        target = case.root / path.relative_to(theirs.root)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            moved.append(target)
