"""Review comments in the case database: read by record, by item or all, and the records a
reference typed by a person (an id, a prefix of one, a name) can mean.

Comments are written through the recorded-write path (`forensics.comments.add_comment`);
this module only reads. The records a comment may be on are the record types the
`CommentTarget` vocabulary names, looked up through their declarations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from forensics.records.comments import COMMENT, Comment, CommentTarget
from forensics.store import record_rows
from forensics.store.rows import quote

if TYPE_CHECKING:
    from forensics.records.declare import RecordType
    from forensics.store.database import Database


def _record_type(target: CommentTarget) -> RecordType[Any]:
    """The declaration of the records a comment may be on. The registry loads every record
    module (15 ms, most of them not used by the first window), so it is imported when a
    comment's target is first looked up, not when the window's Comments boxes are built."""
    from forensics.records.registry import BY_SUBJECT

    return BY_SUBJECT[target.value]


_ORDER = (
    CommentTarget.COMMENT,
    CommentTarget.ANNOTATION,
    CommentTarget.HYPOTHESIS,
    CommentTarget.COMPONENT,
    CommentTarget.COMPONENT_LINK,
    CommentTarget.MANUFACTURER,
    CommentTarget.SOURCE,
    CommentTarget.CLAIM,
    CommentTarget.ITEM,
)
"""The record types a comment can be on, in the order an id is matched against them (a
component's id is also its item's: the component is meant)."""
NAMED = {
    CommentTarget.ITEM: "name",
    CommentTarget.MANUFACTURER: "name",
    CommentTarget.SOURCE: "title",
}
"""Record types a person may name instead of giving an id, and the column holding the name."""


class CommentRepository:
    """The comments of one case database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, comment_id: str) -> Comment | None:
        """The comment with this id, or None."""
        return record_rows.find(self._db, COMMENT, comment_id)

    def all(self) -> list[Comment]:
        """Every comment, oldest first."""
        return self._select("", ())

    def on(self, target_id: str) -> list[Comment]:
        """The comments on one record and every reply to them, oldest first."""
        found: list[Comment] = []
        wanted = [target_id]
        seen: set[str] = set()
        while wanted:
            marks = ", ".join("?" for _ in wanted)
            batch = self._select(f"WHERE target_id IN ({marks})", tuple(wanted))
            batch = [c for c in batch if c.id not in seen]
            seen.update(c.id for c in batch)
            found.extend(batch)
            wanted = [c.id for c in batch]
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def count(self) -> int:
        """How many comments the case holds."""
        return int(self._db.conn.execute("SELECT COUNT(*) FROM comments").fetchone()[0])

    def _select(self, where: str, params: tuple[Any, ...]) -> list[Comment]:
        rows = self._db.conn.execute(
            f"SELECT * FROM comments {where} ORDER BY created_at, id", params
        ).fetchall()
        return [COMMENT.from_row(r) for r in rows]

    # what a reference means -------------------------------------------------------------
    def locate(self, ref: str) -> list[tuple[CommentTarget, Any]]:
        """The records `ref` can mean: the one with that id; else those whose id starts with
        it (at least 4 characters); else the items, makers and sources with that name
        (letter case ignored). Several means the reference is ambiguous."""
        ref = ref.strip()
        if not ref:
            return []
        for match in (self._by_id, self._by_prefix, self._by_name):
            found = match(ref)
            if found:
                return found
        return []

    def _by_id(self, ref: str) -> list[tuple[CommentTarget, Any]]:
        for target in _ORDER:
            record = record_rows.find(self._db, _record_type(target), ref)
            if record is not None:
                return [(target, record)]
        return []

    def _by_prefix(self, ref: str) -> list[tuple[CommentTarget, Any]]:
        if len(ref) < 4:
            return []
        pattern = ref.replace("%", "").replace("_", "") + "%"
        found: dict[str, tuple[CommentTarget, Any]] = {}
        for target in _ORDER:
            record_type = _record_type(target)
            key = quote(record_type.key_column)
            rows = self._db.conn.execute(
                f"SELECT * FROM {quote(record_type.table)} WHERE {key} LIKE ? LIMIT 3",
                (pattern,),
            ).fetchall()
            for row in rows:
                record = record_type.from_row(row)
                found.setdefault(record_type.key_of(record), (target, record))
        return list(found.values())

    def _by_name(self, ref: str) -> list[tuple[CommentTarget, Any]]:
        found: list[tuple[CommentTarget, Any]] = []
        for target, column in NAMED.items():
            record_type = _record_type(target)
            rows = self._db.conn.execute(
                f"SELECT * FROM {quote(record_type.table)} "
                f"WHERE lower({quote(column)}) = lower(?) LIMIT 5",
                (ref,),
            ).fetchall()
            found.extend((target, record_type.from_row(r)) for r in rows)
        return found

    def find_target(self, target: CommentTarget, record_id: str) -> Any | None:
        """The record a comment is on, or None (removed since)."""
        return record_rows.find(self._db, _record_type(target), record_id)
