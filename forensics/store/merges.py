"""Merge records, their conflicts and the custody chains imported with them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from forensics.errors import NotFoundError
from forensics.records.merges import (
    CONFLICT,
    DELETED_THERE,
    EDITED,
    KEPT_MINE,
    MERGE,
    OPEN,
    TOOK_THEIRS,
    Conflict,
    MergeRecord,
    conflict_state,
)
from forensics.store import record_rows
from forensics.store.custody import ENTRY_COLUMNS

if TYPE_CHECKING:
    from forensics.store.database import Database

MERGE_SUBJECT = MERGE.subject
CONFLICT_SUBJECT = CONFLICT.subject

__all__ = [
    "CONFLICT_SUBJECT",
    "DELETED_THERE",
    "EDITED",
    "KEPT_MINE",
    "MERGE_SUBJECT",
    "OPEN",
    "TOOK_THEIRS",
    "Conflict",
    "MergeRecord",
    "MergeRepository",
    "conflict_state",
]


class MergeRepository:
    """SQL for `merges`, `merge_conflicts`, `imported_custody` and `exchanged_states`. Writes
    need a transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def insert_merge(self, merge: MergeRecord) -> None:
        """Record a merge."""
        record_rows.insert(self._db, MERGE, merge)

    def find_merge(self, merge_id: str) -> MergeRecord | None:
        """A merge by id, or None."""
        return record_rows.find(self._db, MERGE, merge_id)

    def merges(self) -> list[MergeRecord]:
        """Every merge, oldest first."""
        return [
            MERGE.from_row(r)
            for r in self._db.conn.execute("SELECT * FROM merges ORDER BY created_at")
        ]

    def insert_conflict(self, conflict: Conflict) -> None:
        """Record a conflict."""
        record_rows.insert(self._db, CONFLICT, conflict)

    def conflicts(
        self, *, status: str | None = None, merge_id: str | None = None
    ) -> list[Conflict]:
        """Conflicts, optionally only open ones or those of one merge."""
        clauses, params = [], []
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        if merge_id is not None:
            clauses.append("merge_id = ?")
            params.append(merge_id)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return [
            CONFLICT.from_row(r)
            for r in self._db.conn.execute(
                f"SELECT * FROM merge_conflicts{where} ORDER BY created_at, rowid", params
            )
        ]

    def find_conflict(self, conflict_id: str) -> Conflict | None:
        """A conflict by id, or None."""
        row = self._db.conn.execute(
            "SELECT * FROM merge_conflicts WHERE id = ?", (conflict_id,)
        ).fetchone()
        return None if row is None else CONFLICT.from_row(row)

    def get_conflict(self, conflict_id: str) -> Conflict:
        """A conflict by id.

        Raises:
            NotFoundError: no such conflict.
        """
        found = self.find_conflict(conflict_id)
        if found is None:
            raise NotFoundError(f"no merge conflict with id {conflict_id}")
        return found

    def record_exchanged(
        self, manifest_sha256: str, direction: str, states: Iterable[tuple[str, str, str]]
    ) -> None:
        """Remember the record states one archive carried: `(subject type, id, digest)`.

        Args:
            manifest_sha256: the archive's manifest hash.
            direction: "sent" (we packed it) or "received" (we unpacked or merged it).
            states: the last state of each record the archive's chain logged.
        """
        self._db.conn.executemany(
            "INSERT OR IGNORE INTO exchanged_states (manifest_sha256, direction, subject_type, "
            "subject_id, record_sha256) VALUES (?, ?, ?, ?, ?)",
            [(manifest_sha256, direction, t, i, d) for t, i, d in states],
        )

    def exchanged_states(self, subject_ids: Iterable[str]) -> dict[str, set[str]]:
        """Record id -> every state of it this case sent or received in an archive."""
        out: dict[str, set[str]] = {}
        for subject_id in set(subject_ids):
            for r in self._db.conn.execute(
                "SELECT record_sha256 FROM exchanged_states WHERE subject_id = ?", (subject_id,)
            ):
                out.setdefault(subject_id, set()).add(str(r[0]))
        return out

    def kept_deletions(self, record_id: str) -> set[str]:
        """Hashes of their deletion entries about a record that we already chose to ignore."""
        rows = self._db.conn.execute(
            "SELECT deletion FROM merge_conflicts WHERE record_id = ? AND kind = ? "
            "AND status = ? AND deletion IS NOT NULL",
            (record_id, DELETED_THERE, KEPT_MINE),
        )
        return {str(json.loads(r[0])["hash"]) for r in rows}

    def set_conflict_status(self, conflict_id: str, status: str, by: str, at: str) -> Conflict:
        """Mark a conflict resolved one way or the other; returns its new state."""
        self._db.conn.execute(
            "UPDATE merge_conflicts SET status = ?, resolved_by = ?, resolved_at = ?, "
            "updated_at = ? WHERE id = ?",
            (status, by, at, at, conflict_id),
        )
        return self.get_conflict(conflict_id)

    def insert_imported_custody(self, merge_id: str, entries: Sequence[Mapping[str, Any]]) -> None:
        """Store the incoming chain verbatim, linked to its merge."""
        columns = [*ENTRY_COLUMNS, "merge_id"]
        names = ", ".join(columns)
        sql = f"INSERT INTO imported_custody ({names}) VALUES ({', '.join('?' for _ in columns)})"
        rows = [[*(entry.get(k) for k in ENTRY_COLUMNS), merge_id] for entry in entries]
        for start in range(0, len(rows), 500):  # a batch per statement (a round trip each)
            self._db.conn.executemany(sql, rows[start : start + 500])

    def merge_holding(self, entry_hash: str) -> MergeRecord | None:
        """The earliest merge whose imported chain holds the entry with this hash, if any.

        The chains are hash-linked, so an archive whose head is in an imported chain carries
        a prefix of that chain: a replay of what was merged then, or of something older.
        """
        row = self._db.conn.execute(
            "SELECT c.merge_id FROM imported_custody c JOIN merges m ON m.id = c.merge_id "
            "WHERE c.hash = ? ORDER BY m.created_at LIMIT 1",
            (entry_hash,),
        ).fetchone()
        return None if row is None else self.find_merge(str(row[0]))

    def imported_custody(self, merge_id: str) -> list[dict[str, Any]]:
        """The chain imported with one merge, in order."""
        return [
            {k: r[k] for k in ENTRY_COLUMNS}
            for r in self._db.conn.execute(
                "SELECT * FROM imported_custody WHERE merge_id = ? ORDER BY seq", (merge_id,)
            )
        ]
