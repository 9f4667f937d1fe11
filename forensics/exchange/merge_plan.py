"""What a merge would do: each of their records sorted against ours, before anything is written.

Records are matched by their stable uuid across every record table (no feature needs to
register anything). A record only they have is added; one both have and that is equal is left;
one that differs is settled by the custody histories: if their state is one we already had, ours
is newer; if ours is one their signed chain shows they changed *and* one they are known to have
had (we sent it to them or received it: `exchanged.py`), theirs is newer and is taken; otherwise
(both sides changed it, an unsigned archive, a chain claiming a state we never exchanged) it
becomes a *conflict*. A redacted archive's differences are always conflicts: coarsened
coordinates must not overwrite precise ones silently.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

from forensics.case import Case
from forensics.jobs import CancelToken
from forensics.store import exchange as sx
from forensics.store.custody import record_digest
from forensics.store.merges import OPEN, Conflict, MergeRepository
from forensics.store.subjects import FETCHERS

Row = tuple[str, dict[str, Any]]
"""A table name and one row of it."""
Ref = tuple[str, str]
"""A table name and the id of one of its records."""


@dataclass
class MergePlan:
    """Their records sorted against ours, and the custody facts the merge logs them with."""

    added: list[Ref] = field(default_factory=list)
    """Their records we lack, by reference: read again from their case as they are written,
    so a merge never holds all of their rows in memory."""
    updates: list[Row] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: int = 0
    their_chain: list[dict[str, Any]] = field(default_factory=list)
    """Their custody entries, oldest first (stored verbatim with the merge)."""
    subjects: dict[str, str] = field(default_factory=dict)
    """Record id -> custody subject type, ours where both chains name it."""
    their_latest: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Record id -> their last custody entry about it."""


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    """A row with BLOBs spelled as `{"$bytes": hex}` so it can be stored as JSON."""
    return {k: {"$bytes": v.hex()} if isinstance(v, bytes) else v for k, v in row.items()}


def from_jsonable(row: dict[str, Any]) -> dict[str, Any]:
    """The inverse of `jsonable`."""
    return {
        k: bytes.fromhex(v["$bytes"]) if isinstance(v, dict) and set(v) == {"$bytes"} else v
        for k, v in row.items()
    }


def conflict_facts(conflict: Conflict) -> dict[str, Any]:
    """What a custody entry about a conflict names: the table, the record, the columns."""
    return {
        "table": conflict.table_name,
        "record_id": conflict.record_id,
        "kind": conflict.kind,
        "columns": conflict.changed_columns,
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


def plan_merge(
    case: Case,
    theirs: Case,
    *,
    merge_id: str,
    redacted: bool,
    signed: bool,
    actor: str,
    now: str,
    cancel: CancelToken | None = None,
) -> MergePlan:
    """Sort every record of `theirs` against `case` (reads only).

    Args:
        case: our case.
        theirs: the received case.
        merge_id: the id of the merge the conflicts belong to.
        redacted: the archive was redacted (every difference is then a conflict).
        signed: the archive carries a valid signature (unsigned: no change to one of our
            records is taken, each is a conflict).
        actor: who merges (the conflicts' creator).
        now: the merge's time.
        cancel: checked as records go.
    """
    cancel = cancel or CancelToken()
    their_chain = sx.custody_rows(theirs.db)
    their_subject, their_hist, their_latest = _histories(their_chain)
    my_subject, my_hist, _ = _histories(sx.custody_rows(case.db))
    exchanged = MergeRepository(case.db)
    plan = MergePlan(
        their_chain=their_chain,
        subjects={**their_subject, **my_subject},
        their_latest=their_latest,
    )
    context = _Context(
        case, theirs, merge_id, redacted, signed, actor, now, my_hist, their_hist, exchanged
    )
    their_tables = set(sx.record_tables(theirs.db))
    for table in sx.record_tables(case.db):
        if table in sx.EXCHANGE_TABLES or table not in their_tables:
            continue
        their_cols = set(sx.columns(theirs.db, table))
        common = [c for c in sx.columns(case.db, table) if c in their_cols]
        mine_ids = sx.ids(case.db, table)
        theirs_rows = sx.rows(theirs.db, table)
        while batch := list(itertools.islice(theirs_rows, sx.BATCH)):
            cancel.raise_if_cancelled()
            known = [str(full["id"]) for full in batch if str(full["id"]) in mine_ids]
            ours = sx.get_rows(case.db, table, known)  # ours, a batch per query
            for full in batch:
                _sort(plan, table, {c: full[c] for c in common}, ours, common, context)
    return plan


@dataclass(frozen=True)
class _Context:
    """What sorting one record against ours needs besides the two rows."""

    case: Case
    theirs: Case
    merge_id: str
    redacted: bool
    signed: bool
    actor: str
    now: str
    my_hist: dict[str, set[str]]
    their_hist: dict[str, set[str]]
    exchanged: MergeRepository


def _sort(
    plan: MergePlan,
    table: str,
    row: dict[str, Any],
    ours: dict[str, dict[str, Any]],
    common: list[str],
    ctx: _Context,
) -> None:
    """Sort one of their records: added, unchanged, an update we take, or a conflict."""
    rid = str(row["id"])
    mine_full = ours.get(rid)
    if mine_full is None:
        plan.added.append((table, rid))
        return
    mine = {c: mine_full.get(c) for c in common}
    if mine == row:
        plan.unchanged += 1
        return
    subject = plan.subjects.get(rid)
    mine_d, their_d = _digest(subject, ctx.case, rid), _digest(subject, ctx.theirs, rid)
    if mine_d is not None and their_d is not None and not ctx.redacted:
        if mine_d == their_d or their_d in ctx.my_hist.get(rid, set()):
            plan.unchanged += 1
            return
        if (
            ctx.signed
            and mine_d in ctx.their_hist.get(rid, set())
            and mine_d in ctx.exchanged.exchanged_states([rid]).get(rid, set())
        ):
            plan.updates.append((table, row))
            return
    plan.conflicts.append(
        Conflict(
            id=str(uuid.uuid4()),
            merge_id=ctx.merge_id,
            table_name=table,
            record_id=rid,
            subject_type=subject,
            mine=jsonable(mine),
            theirs=jsonable(row),
            status=OPEN,
            resolved_at=None,
            resolved_by=None,
            created_at=ctx.now,
            created_by=ctx.actor,
            updated_at=None,
        )
    )


def plan_same_content(case: Case, theirs: Case, added: list[Ref]) -> list[dict[str, str]]:
    """Their new items whose content we already hold under another item id (ask before adding)."""
    my_content = {i.sha256: i.id for i in case.items.content_items()}
    found = []
    for table, rid in added:
        row = sx.get_row(theirs.db, table, rid) if table == "items" else None
        if row is not None and row.get("sha256") in my_content:
            sha = str(row["sha256"])
            found.append({"theirs": rid, "mine": str(my_content[sha]), "sha256": sha})
    return found
