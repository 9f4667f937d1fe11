"""Seals and examiners' keys as the case stores them (the only SQL for either)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from forensics.records.declare import canonical_json
from forensics.records.examiners import EXAMINER, SEAL, CaseExaminer, SealRecord
from forensics.store import record_rows

if TYPE_CHECKING:
    from forensics.store.database import Database


def examiners(db: Database) -> dict[str, CaseExaminer]:
    """The case's examiners by key fingerprint."""
    return {
        row["fingerprint"]: EXAMINER.from_row(row)
        for row in db.conn.execute(f"SELECT * FROM {EXAMINER.table} ORDER BY added_at")
    }


def signature_rows(db: Database) -> Iterator[Mapping[str, Any]]:
    """What checking the entries' signatures needs, per entry, in order: streamed
    (`Database.stream`), so a million entries are never in memory at once."""
    yield from db.stream(
        "SELECT seq, actor, action, hash, signer, actor_given, signature FROM custody ORDER BY seq"
    )


def entry_hash_at(db: Database, seq: int) -> str | None:
    """The stored hash of entry `seq`, or None when there is no such entry."""
    row = db.conn.execute("SELECT hash FROM custody WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else str(row["hash"])


def last_seq(db: Database) -> int:
    """The newest entry's sequence number (0: an empty log)."""
    row = db.conn.execute("SELECT MAX(seq) AS seq FROM custody").fetchone()
    return int(row["seq"] or 0)


def add_seal(db: Database, seal_id: str, doc: Mapping[str, Any]) -> None:
    """Keep a seal in the case (inside the caller's transaction)."""
    record_rows.insert(
        db,
        SEAL,
        SealRecord(
            id=seal_id,
            seq=int(doc["seq"]),
            hash=str(doc["hash"]),
            sealed_at=str(doc["sealed_at"]),
            examiner=str(doc["examiner"]),
            fingerprint=str(doc["fingerprint"]),
            purpose=str(doc.get("purpose", "")),
            document=canonical_json(dict(doc)),
        ),
    )


def stored_seals(db: Database) -> list[dict[str, Any]]:
    """The seals kept in the case, oldest first."""
    return [
        json.loads(row["document"])
        for row in db.conn.execute(f"SELECT document FROM {SEAL.table} ORDER BY sealed_at")
    ]
