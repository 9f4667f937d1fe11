"""Merge records, their conflicts and the custody chains imported with them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from forensics.errors import NotFoundError
from forensics.store.custody import ENTRY_COLUMNS
from forensics.store.rows import insert_row

if TYPE_CHECKING:
    from forensics.store.database import Database

MERGE_SUBJECT = "merge"
CONFLICT_SUBJECT = "merge_conflict"


@dataclass(frozen=True)
class MergeRecord:
    """One merge of an archive into this case."""

    id: str
    archive_name: str
    manifest_sha256: str
    origin_case_id: str | None
    origin_title: str | None
    packed_by: str | None
    packed_at: str | None
    signer: str | None
    redaction: str
    added: int
    updated: int
    unchanged: int
    conflicts: int
    created_at: str
    created_by: str


EDITED = "edited"
"""Conflict kind: both sides changed the record."""
DELETED_THERE = "deleted_there_edited_here"
"""Conflict kind: they deleted the record, we changed it (or built on it) since."""


@dataclass(frozen=True)
class Conflict:
    """A record both sides changed, or one they deleted and we changed: ours until decided.

    For a `DELETED_THERE` conflict `theirs` is empty and `deletion` holds the facts of their
    deletion entry (who, when, why, its seq and hash) and, when our records still point at the
    record, `used_by`.
    """

    id: str
    merge_id: str
    table_name: str
    record_id: str
    subject_type: str | None
    mine: dict[str, Any]
    theirs: dict[str, Any]
    status: str
    resolved_at: str | None
    resolved_by: str | None
    created_at: str
    created_by: str
    updated_at: str | None
    kind: str = EDITED
    deletion: dict[str, Any] | None = None

    @property
    def changed_columns(self) -> list[str]:
        """The columns whose values differ between the two sides (none for a deletion)."""
        if self.kind == DELETED_THERE:
            return []
        return [k for k in self.mine if self.mine.get(k) != self.theirs.get(k)]


OPEN = "open"
KEPT_MINE = "kept_mine"
TOOK_THEIRS = "took_theirs"


def merge_state(merge: MergeRecord) -> dict[str, Any]:
    """The JSON-able state of a merge record (what its custody entry digests)."""
    return asdict(merge)


def conflict_state(conflict: Conflict) -> dict[str, Any]:
    """The JSON-able state of a conflict record (what its custody entries digest).

    An edit conflict's state leaves out `kind` and `deletion`, so the digests logged before
    conflicts had a kind still verify.
    """
    state = asdict(conflict)
    if conflict.kind == EDITED and conflict.deletion is None:
        del state["kind"], state["deletion"]
    return state


def _conflict(row: Mapping[str, Any]) -> Conflict:
    data = dict(row)
    data["mine"] = json.loads(data["mine"])
    data["theirs"] = json.loads(data["theirs"])
    if data.get("deletion") is not None:
        data["deletion"] = json.loads(data["deletion"])
    return Conflict(**data)


class MergeRepository:
    """SQL for `merges`, `merge_conflicts` and `imported_custody`. Writes need a transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def insert_merge(self, merge: MergeRecord) -> None:
        """Record a merge."""
        row = asdict(merge)
        names = ", ".join(row)
        self._db.conn.execute(
            f"INSERT INTO merges ({names}) VALUES ({', '.join(':' + k for k in row)})", row
        )

    def find_merge(self, merge_id: str) -> MergeRecord | None:
        """A merge by id, or None."""
        row = self._db.conn.execute("SELECT * FROM merges WHERE id = ?", (merge_id,)).fetchone()
        return None if row is None else MergeRecord(**dict(row))

    def merges(self) -> list[MergeRecord]:
        """Every merge, oldest first."""
        return [
            MergeRecord(**dict(r))
            for r in self._db.conn.execute("SELECT * FROM merges ORDER BY created_at")
        ]

    def insert_conflict(self, conflict: Conflict) -> None:
        """Record a conflict."""
        row = asdict(conflict)
        row["mine"] = json.dumps(conflict.mine, ensure_ascii=False, sort_keys=True)
        row["theirs"] = json.dumps(conflict.theirs, ensure_ascii=False, sort_keys=True)
        if conflict.deletion is not None:
            row["deletion"] = json.dumps(conflict.deletion, ensure_ascii=False, sort_keys=True)
        self._db.conn.execute(
            f"INSERT INTO merge_conflicts ({', '.join(row)}) "
            f"VALUES ({', '.join(':' + k for k in row)})",
            row,
        )

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
            _conflict(r)
            for r in self._db.conn.execute(
                f"SELECT * FROM merge_conflicts{where} ORDER BY created_at, rowid", params
            )
        ]

    def find_conflict(self, conflict_id: str) -> Conflict | None:
        """A conflict by id, or None."""
        row = self._db.conn.execute(
            "SELECT * FROM merge_conflicts WHERE id = ?", (conflict_id,)
        ).fetchone()
        return None if row is None else _conflict(row)

    def get_conflict(self, conflict_id: str) -> Conflict:
        """A conflict by id.

        Raises:
            NotFoundError: no such conflict.
        """
        found = self.find_conflict(conflict_id)
        if found is None:
            raise NotFoundError(f"no merge conflict with id {conflict_id}")
        return found

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
        for entry in entries:
            row = {**{k: entry[k] for k in ENTRY_COLUMNS}, "merge_id": merge_id}
            insert_row(self._db, "imported_custody", row)

    def imported_custody(self, merge_id: str) -> list[dict[str, Any]]:
        """The chain imported with one merge, in order."""
        return [
            {k: r[k] for k in ENTRY_COLUMNS}
            for r in self._db.conn.execute(
                "SELECT * FROM imported_custody WHERE merge_id = ? ORDER BY seq", (merge_id,)
            )
        ]


def fetch_merge(db: Database, merge_id: str) -> dict[str, Any] | None:
    """The verify fetcher for merge records."""
    found = MergeRepository(db).find_merge(merge_id)
    return None if found is None else merge_state(found)


def fetch_conflict(db: Database, conflict_id: str) -> dict[str, Any] | None:
    """The verify fetcher for merge conflicts."""
    found = MergeRepository(db).find_conflict(conflict_id)
    return None if found is None else conflict_state(found)
