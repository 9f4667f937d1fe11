"""A custody entry as a stored row: its columns, its hash, its signature, and back.

Kept apart from `custody.CustodyLog`, which links entries into the chain and stores them:
`verify` and the archive checks re-hash stored rows (`row_hash`) without a log, and a batch's
rows are hashed and signed here in order before they are stored together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from forensics.records.core import CustodyEntry
from forensics.records.declare import canonical_json
from forensics.store.rows import insert_row

if TYPE_CHECKING:
    from forensics.identity import Examiner
    from forensics.store.database import Database

ENTRY_COLUMNS = (
    "seq",
    "entry_id",
    "at",
    "actor",
    "action",
    "item_id",
    "subject_type",
    "subject_id",
    "record_sha256",
    "details",
    "reason",
    "prev_hash",
    "hash",
    "signer",
    "actor_given",
    "signature",
)
"""The columns of a stored custody entry, in table order (an imported chain keeps them too)."""


def entry_hash(
    *,
    seq: int,
    entry_id: str,
    at: str,
    actor: str,
    action: str,
    item_id: str | None,
    subject_type: str | None,
    subject_id: str | None,
    record_sha256: str | None,
    details: str,
    reason: str | None,
    prev_hash: str,
    signer: str | None = None,
    actor_given: bool | int | None = None,
) -> str:
    """The hash of one entry: every stored field but the hash and signature, in canonical
    JSON. `signer` and `actor_given` are hashed only when set, so an entry made before
    signing keeps the hash it was written with."""
    fields: list[Any] = [
        seq,
        entry_id,
        at,
        actor,
        action,
        item_id,
        subject_type,
        subject_id,
        record_sha256,
        details,
        reason,
        prev_hash,
    ]
    if signer is not None or actor_given:
        fields += [signer, bool(actor_given)]
    payload = canonical_json(fields)
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def row_hash(row: Mapping[str, Any]) -> str:
    """The hash a stored entry row should have (its `details` as stored JSON text)."""
    return entry_hash(
        seq=int(row["seq"]),
        entry_id=row["entry_id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        item_id=row["item_id"],
        subject_type=row["subject_type"],
        subject_id=row["subject_id"],
        record_sha256=row["record_sha256"],
        details=row["details"],
        reason=row["reason"],
        prev_hash=row["prev_hash"],
        signer=_get(row, "signer"),
        actor_given=_get(row, "actor_given"),
    )


def _get(row: Mapping[str, Any], key: str) -> Any:
    """A column that entries written before signing (or their archives) may lack."""
    try:
        return row[key]
    except (KeyError, IndexError):
        return None


def insert_entry(
    db: Database, fields: Mapping[str, Any], signer: Examiner | None = None
) -> dict[str, Any]:
    """Hash an entry's fields (every column but `hash` and `signature`), sign the hash with
    `signer`'s key when one is given, and store it in `custody`.

    The caller links it (`seq`, `prev_hash`) and moves the head in `case_info`.

    Returns:
        The stored row, with its hash (and signature).
    """
    row = signed_row(fields, signer)
    insert_row(db, "custody", row)
    return row


def signed_row(fields: Mapping[str, Any], signer: Examiner | None = None) -> dict[str, Any]:
    """`insert_entry`'s row, not stored yet."""
    hashed = {k: v for k, v in fields.items() if k != "signature"}
    if signer is not None:
        hashed["signer"] = signer.fingerprint
        hashed["actor_given"] = 1 if fields["actor"] != signer.name else 0
    row = {**hashed, "hash": entry_hash(**hashed)}
    if signer is not None:
        row["signature"] = signer.sign_entry(row["hash"])
    return row


def row_to_entry(row: Mapping[str, Any]) -> CustodyEntry:
    """A stored row as the entry it records (its details parsed from their JSON text)."""
    return CustodyEntry(
        seq=int(row["seq"]),
        entry_id=row["entry_id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        item_id=row["item_id"],
        subject_type=row["subject_type"],
        subject_id=row["subject_id"],
        record_sha256=row["record_sha256"],
        details=json.loads(row["details"]),
        reason=row["reason"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
        signer=_get(row, "signer"),
        actor_given=bool(_get(row, "actor_given")),
        signature=_get(row, "signature"),
    )
