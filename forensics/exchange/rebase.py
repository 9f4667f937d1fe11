"""Re-basing the custody chain of an export that holds a selection or a redaction.

The case's own chain covers every record and names every person; an archive holding part of
the case, or pseudonyms, cannot carry it unchanged and still verify. Its chain is rebuilt from
the original entries that concern what is kept (entry ids, times and actions unchanged; names
and details redacted by the same profile), re-linked from genesis, and closed by an `exported`
entry that names the original head it was derived from. The newest digest of every record is
recomputed from the record as shipped, so `pwb verify` passes on the unpacked case.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from forensics.exchange.redact import Redactor
from forensics.store import exchange as sx
from forensics.store.custody import DELETED, Action, canonical_json, record_digest
from forensics.store.db import utc_now
from forensics.store.subjects import FETCHERS

if TYPE_CHECKING:
    from forensics.store.database import Database


def rebase_custody(
    db: Database,
    origin: Sequence[Mapping[str, Any]],
    *,
    dropped: set[str],
    redactor: Redactor,
    actor: str,
    details: Mapping[str, Any],
    reason: str | None,
) -> dict[str, Any]:
    """Rewrite the chain of an export snapshot (inside a transaction).

    Args:
        db: the snapshot, already trimmed and redacted.
        origin: the source case's chain as stored.
        dropped: ids of every record left out of the export.
        redactor: the profile applied to the records.
        actor: who packs (before redaction).
        details: facts about the export for the closing entry.
        reason: why, in the packer's words.

    Returns:
        What the manifest records about the chain.
    """
    entries: list[dict[str, Any]] = []
    latest: dict[tuple[str, str], int] = {}
    for row in origin:
        if row["subject_id"] in dropped or row["item_id"] in dropped:
            continue
        entry = dict(row)
        if redactor.active:
            entry["actor"] = redactor.person(str(entry["actor"]))
            entry["details"] = canonical_json(redactor.walk(json.loads(entry["details"])))
            if entry["reason"] is not None:
                entry["reason"] = redactor.person(str(entry["reason"]))
        if entry["record_sha256"] is not None and entry["subject_type"]:
            key = (str(entry["subject_type"]), str(entry["subject_id"]))
            if redactor.active and key in latest:
                entries[latest[key]]["record_sha256"] = None
            latest[key] = len(entries)
        entries.append(entry)
    recomputed = 0
    for (subject_type, subject_id), index in latest.items():
        if entries[index]["record_sha256"] == DELETED:
            continue
        fetch = FETCHERS.get(subject_type)
        current = fetch(db, subject_id) if fetch is not None else None
        if current is not None:
            digest = record_digest(current)
            if digest != entries[index]["record_sha256"]:
                recomputed += 1
            entries[index]["record_sha256"] = digest
    head = origin[-1]["hash"] if origin else "0" * 64
    closing = {
        **details,
        "rebased_from": {"seq": len(origin), "hash": head},
        "entries_kept": len(entries),
        "entries_left_out": len(origin) - len(entries),
        "digests_recomputed": recomputed,
    }
    entries.append(
        {
            "entry_id": str(uuid.uuid4()),
            "at": utc_now(),
            "actor": redactor.person(actor),
            "action": Action.EXPORTED,
            "item_id": None,
            "subject_type": None,
            "subject_id": None,
            "record_sha256": None,
            "details": canonical_json(redactor.walk(closing)),
            "reason": reason,
        }
    )
    new_head = sx.rewrite_custody(db, entries)
    return {
        "rebased": True,
        "origin_head": head,
        "origin_entries": len(origin),
        "entries": len(entries),
        "head": new_head,
    }
