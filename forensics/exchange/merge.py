"""`pwb merge`: bring a team's archive into an existing case without losing either side.

Records are matched by their stable uuid across every record table (no feature needs to
register anything). A record only they have is added; one both have and that is equal is left;
one that differs is settled by the custody histories: if their state is one we already had, ours
is newer; if ours is one they had, theirs is newer and is taken (logged like any edit);
otherwise both sides changed it and it becomes a *conflict*, stored for the user to resolve
(keep mine / take theirs), never overwritten. A redacted archive's differences are always
conflicts: coarsened coordinates must not overwrite precise ones silently.

Their custody chain is stored verbatim in `imported_custody`, linked to the merge, and can be
re-verified on its own; our chain gets one entry per record added or changed and one for the
merge itself. Evidence files they hold that we lack are moved into our store; a file we hold
under another item id is reported as the same content.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.errors import ValidationError
from forensics.exchange.unpack import Limits, Received, receive
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.store import exchange as sx
from forensics.store.custody import GENESIS_HASH, entry_hash, record_digest
from forensics.store.db import utc_now
from forensics.store.merges import (
    CONFLICT_SUBJECT,
    KEPT_MINE,
    MERGE_SUBJECT,
    OPEN,
    TOOK_THEIRS,
    Conflict,
    MergeRecord,
    MergeRepository,
    conflict_state,
    merge_state,
)
from forensics.store.subjects import FETCHERS

MERGED = "merged"
CONFLICT_RESOLVED = "merge_conflict_resolved"


@dataclass
class MergeResult:
    """What a merge did."""

    merge: MergeRecord
    conflicts: list[Conflict] = field(default_factory=list)
    same_content: list[dict[str, str]] = field(default_factory=list)
    evidence_added: int = 0
    received: Received | None = None

    def to_json(self) -> dict[str, Any]:
        """As `pwb merge --json` prints it."""
        return {
            "merge_id": self.merge.id,
            "archive": self.merge.archive_name,
            "added": self.merge.added,
            "updated": self.merge.updated,
            "unchanged": self.merge.unchanged,
            "conflicts": [
                {
                    "id": c.id,
                    "table": c.table_name,
                    "record_id": c.record_id,
                    "columns": c.changed_columns,
                }
                for c in self.conflicts
            ],
            "same_content": self.same_content,
            "evidence_added": self.evidence_added,
            "signature": None
            if self.received is None or self.received.signature is None
            else self.received.signature.to_json(),
        }


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    """A row with BLOBs spelled as `{"$bytes": hex}` so it can be stored as JSON."""
    return {k: {"$bytes": v.hex()} if isinstance(v, bytes) else v for k, v in row.items()}


def from_jsonable(row: dict[str, Any]) -> dict[str, Any]:
    """The inverse of `jsonable`."""
    return {
        k: bytes.fromhex(v["$bytes"]) if isinstance(v, dict) and set(v) == {"$bytes"} else v
        for k, v in row.items()
    }


def _histories(
    chain: list[dict[str, Any]],
) -> tuple[dict[str, str], dict[str, set[str]], dict[str, dict[str, Any]]]:
    subject_of: dict[str, str] = {}
    history: dict[str, set[str]] = {}
    latest: dict[str, dict[str, Any]] = {}
    for e in chain:
        if e["subject_id"] and e["subject_type"]:
            subject_of[e["subject_id"]] = e["subject_type"]
            latest[e["subject_id"]] = e
            if e["record_sha256"]:
                history.setdefault(e["subject_id"], set()).add(e["record_sha256"])
    return subject_of, history, latest


def _digest(subject_type: str | None, case: Case, record_id: str) -> str | None:
    fetch = FETCHERS.get(subject_type or "")
    current = fetch(case.db, record_id) if fetch is not None else None
    return None if current is None else record_digest(current)


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

    Raises:
        ArchiveError: the archive was refused; the case is unchanged.
    """
    limits = limits or Limits()
    archive = Path(archive)
    work = Path(tempfile.mkdtemp(prefix="merge-", dir=case.evidence.tmp_dir))
    try:
        received = receive(archive, work / "case", limits=limits, progress=progress, cancel=cancel)
        with Case.open(work / "case") as theirs:
            result = _merge(case, theirs, archive, received, case.actor(actor))
        result.received = received
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _merge(case: Case, theirs: Case, archive: Path, received: Received, actor: str) -> MergeResult:
    redacted = received.manifest.redaction.get("profile", "none") != "none"
    their_chain = sx.custody_rows(theirs.db)
    their_subject, their_hist, their_latest = _histories(their_chain)
    my_subject, my_hist, _ = _histories(sx.custody_rows(case.db))
    merge_id = str(uuid.uuid4())
    now = utc_now()
    added: list[tuple[str, dict[str, Any]]] = []
    updates: list[tuple[str, dict[str, Any]]] = []
    conflicts: list[Conflict] = []
    unchanged = 0
    their_tables = set(sx.record_tables(theirs.db))
    for table in sx.record_tables(case.db):
        if table in sx.EXCHANGE_TABLES or table not in their_tables:
            continue
        their_cols = set(sx.columns(theirs.db, table))
        common = [c for c in sx.columns(case.db, table) if c in their_cols]
        mine_ids = sx.ids(case.db, table)
        for full in sx.rows(theirs.db, table):
            row = {c: full[c] for c in common}
            rid = str(row["id"])
            if rid not in mine_ids:
                added.append((table, row))
                continue
            mine_full = sx.get_row(case.db, table, rid) or {}
            mine = {c: mine_full.get(c) for c in common}
            if mine == row:
                unchanged += 1
                continue
            subject = my_subject.get(rid) or their_subject.get(rid)
            mine_d, their_d = _digest(subject, case, rid), _digest(subject, theirs, rid)
            if mine_d is not None and their_d is not None and not redacted:
                if mine_d == their_d or their_d in my_hist.get(rid, set()):
                    unchanged += 1
                    continue
                if mine_d in their_hist.get(rid, set()):
                    updates.append((table, row))
                    continue
            conflicts.append(
                Conflict(
                    id=str(uuid.uuid4()),
                    merge_id=merge_id,
                    table_name=table,
                    record_id=rid,
                    subject_type=subject,
                    mine=jsonable(mine),
                    theirs=jsonable(row),
                    status=OPEN,
                    resolved_at=None,
                    resolved_by=None,
                    created_at=now,
                    created_by=actor,
                    updated_at=None,
                )
            )
    my_content = {i.sha256: i.id for i in case.items.content_items()}
    same_content = [
        {
            "theirs": str(row["id"]),
            "mine": str(my_content[row["sha256"]]),
            "sha256": str(row["sha256"]),
        }
        for table, row in added
        if table == "items" and row.get("sha256") in my_content
    ]
    info = received.manifest
    merge = MergeRecord(
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
        added=len(added),
        updated=len(updates),
        unchanged=unchanged,
        conflicts=len(conflicts),
        created_at=now,
        created_by=actor,
    )
    blobs = sorted(
        {
            str(i.sha256)
            for i in theirs.items.content_items()
            if not case.evidence.has(str(i.sha256))
        }
    )
    for sha in blobs:
        case.evidence.commit_blob(theirs.evidence.path_of(sha), sha)
    _copy_derived(theirs, case)
    repo = MergeRepository(case.db)
    try:
        with case.transaction():
            sx.defer_foreign_keys(case.db)
            repo.insert_merge(merge)
            repo.insert_imported_custody(merge_id, their_chain)
            for table, row in added:
                sx.insert_row(case.db, table, row)
            for table, row in updates:
                sx.update_row(
                    case.db, table, str(row["id"]), {k: v for k, v in row.items() if k != "id"}
                )
            for table, row in [*added, *updates]:
                _log_record(
                    case,
                    actor,
                    table,
                    str(row["id"]),
                    my_subject.get(str(row["id"])) or their_subject.get(str(row["id"])),
                    their_latest.get(str(row["id"])),
                    merge_id,
                )
            for conflict in conflicts:
                repo.insert_conflict(conflict)
                case.custody.append(
                    "merge_conflict",
                    actor,
                    subject=(CONFLICT_SUBJECT, conflict.id),
                    item_id=conflict.record_id if conflict.table_name == "items" else None,
                    record=conflict_state(conflict),
                    details={
                        "merge_id": merge_id,
                        "table": conflict.table_name,
                        "record_id": conflict.record_id,
                        "columns": conflict.changed_columns,
                    },
                )
            case.custody.append(
                MERGED,
                actor,
                subject=(MERGE_SUBJECT, merge_id),
                record=merge_state(merge),
                details={
                    "archive": archive.name,
                    "manifest_sha256": merge.manifest_sha256,
                    "origin_case_id": info.case_id,
                    "packed_by": info.packed_by,
                    "added": len(added),
                    "updated": len(updates),
                    "conflicts": len(conflicts),
                    "evidence_added": len(blobs),
                    "imported_custody_entries": len(their_chain),
                    "imported_custody_head": their_chain[-1]["hash"]
                    if their_chain
                    else GENESIS_HASH,
                },
                reason=f"merged archive {archive.name}",
            )
    except BaseException:
        for sha in blobs:
            case.evidence.remove_blob(sha)
            case.evidence.clear_marker(sha)
        raise
    for sha in blobs:
        case.evidence.clear_marker(sha)
    return MergeResult(merge, conflicts, same_content, len(blobs))


def _log_record(
    case: Case,
    actor: str,
    table: str,
    record_id: str,
    subject: str | None,
    origin: dict[str, Any] | None,
    merge_id: str,
) -> None:
    fetch = FETCHERS.get(subject or "")
    current = fetch(case.db, record_id) if fetch is not None else None
    if subject is None or current is None:
        return
    case.custody.append(
        MERGED,
        actor,
        subject=(subject, record_id),
        item_id=record_id if subject == "item" else (origin or {}).get("item_id"),
        record=current,
        details={
            "merge_id": merge_id,
            "table": table,
            "origin_entry": None if origin is None else origin["hash"],
        },
    )


def _copy_derived(theirs: Case, case: Case) -> None:
    for path in theirs.evidence.derived_files():
        target = case.root / path.relative_to(theirs.root)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)


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
        ValidationError: unknown choice, or the conflict is already resolved.
        NotFoundError: no such conflict.
    """
    if choice not in ("mine", "theirs"):
        raise ValidationError("choose 'mine' or 'theirs'")
    actor = case.actor(actor)
    repo = MergeRepository(case.db)
    with case.transaction():
        conflict = repo.get_conflict(conflict_id)
        if conflict.status != OPEN:
            raise ValidationError(f"conflict {conflict_id} is already resolved ({conflict.status})")
        if choice == "theirs":
            values = from_jsonable(conflict.theirs)
            sx.update_row(
                case.db,
                conflict.table_name,
                conflict.record_id,
                {k: v for k, v in values.items() if k != "id"},
            )
            _log_record(
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
        case.custody.append(
            CONFLICT_RESOLVED,
            actor,
            subject=(CONFLICT_SUBJECT, conflict_id),
            item_id=conflict.record_id if conflict.table_name == "items" else None,
            record=conflict_state(new),
            details={
                "choice": choice,
                "table": conflict.table_name,
                "record_id": conflict.record_id,
                "columns": conflict.changed_columns,
            },
            reason=reason,
        )
    return new


def verify_imported(case: Case, merge_id: str) -> list[str]:
    """Re-walk a chain imported with a merge on its own; the problems found (empty: sound)."""
    problems: list[str] = []
    prev = GENESIS_HASH
    for n, e in enumerate(MergeRepository(case.db).imported_custody(merge_id), start=1):
        if e["seq"] != n:
            problems.append(f"imported entry {n} is missing (the chain jumps to {e['seq']})")
        if e["prev_hash"] != prev:
            problems.append(f"imported entry {e['seq']} does not follow the one before it")
        fields = {k: e[k] for k in e if k != "hash"}
        if entry_hash(**fields) != e["hash"]:
            problems.append(f"imported entry {e['seq']} ({e['action']}) was changed")
        prev = e["hash"]
    merge = MergeRepository(case.db).find_merge(merge_id)
    if merge is None:
        problems.append(f"no merge {merge_id}")
    return problems


def conflicts_json(case: Case, *, only_open: bool = True) -> list[dict[str, Any]]:
    """Conflicts as the CLI lists them."""
    found = MergeRepository(case.db).conflicts(status=OPEN if only_open else None)
    return [
        {
            "id": c.id,
            "merge_id": c.merge_id,
            "table": c.table_name,
            "record_id": c.record_id,
            "status": c.status,
            "columns": c.changed_columns,
            "mine": {k: c.mine.get(k) for k in c.changed_columns},
            "theirs": {k: c.theirs.get(k) for k in c.changed_columns},
        }
        for c in found
    ]


def dumps(value: Any) -> str:
    """Compact JSON for details shown to the user."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
