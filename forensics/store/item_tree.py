"""Paged reads of the item hierarchy for views that show it level by level.

A case can hold 100,000 files under one card image, so a tree view asks for children a page at
a time and for the number of children of a whole page of nodes in one query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from forensics.records.core import Item
from forensics.store.items import row_to_item

if TYPE_CHECKING:
    from forensics.store.database import Database

_KIND_ORDER = (
    "CASE kind WHEN 'hardware' THEN 0 WHEN 'component' THEN 1 WHEN 'disk_image' THEN 2 "
    "WHEN 'folder' THEN 3 ELSE 4 END"
)


class ItemTreeReader:
    """Read-only queries over `items.parent_id`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def children_page(
        self, parent_id: str | None, limit: int, offset: int = 0, *, by_name: bool = True
    ) -> list[Item]:
        """Children of an item (top-level items for None): physical items first, then disk
        images, then folders, then files, each by name; or, with `by_name=False`, in the order
        they were added (read straight from the parent index: no sort, for levels of many
        thousands)."""
        where = "parent_id IS NULL" if parent_id is None else "parent_id = ?"
        params: list[object] = [] if parent_id is None else [parent_id]
        order = f"{_KIND_ORDER}, name COLLATE NOCASE, rowid" if by_name else "rowid"
        rows = self._db.conn.execute(
            f"SELECT * FROM items WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [row_to_item(r) for r in rows]

    def child_count(self, parent_id: str | None) -> int:
        """How many children an item has (top-level items for None)."""
        if parent_id is None:
            row = self._db.conn.execute(
                "SELECT COUNT(*) FROM items WHERE parent_id IS NULL"
            ).fetchone()
        else:
            row = self._db.conn.execute(
                "SELECT COUNT(*) FROM items WHERE parent_id = ?", (parent_id,)
            ).fetchone()
        return int(row[0])

    def child_counts(self, parent_ids: Sequence[str]) -> dict[str, int]:
        """The number of children of each of these items (0 when none), in one query."""
        counts = dict.fromkeys(parent_ids, 0)
        for start in range(0, len(parent_ids), 500):
            chunk = list(parent_ids[start : start + 500])
            marks = ", ".join("?" for _ in chunk)
            for row in self._db.conn.execute(
                f"SELECT parent_id, COUNT(*) FROM items WHERE parent_id IN ({marks}) "
                "GROUP BY parent_id",
                chunk,
            ):
                counts[str(row[0])] = int(row[1])
        return counts

    def path_to(self, item_id: str) -> list[str]:
        """The ids from the top-level ancestor down to this item."""
        out: list[str] = []
        cursor: str | None = item_id
        seen: set[str] = set()
        while cursor is not None and cursor not in seen:
            seen.add(cursor)
            out.append(cursor)
            row = self._db.conn.execute(
                "SELECT parent_id FROM items WHERE id = ?", (cursor,)
            ).fetchone()
            cursor = None if row is None else row[0]
        return list(reversed(out))


def distinct_statuses(db: Database) -> list[str]:
    """Every status an item of the case has, sorted (for the catalogue's filter)."""
    return [str(r[0]) for r in db.conn.execute("SELECT DISTINCT status FROM items ORDER BY 1")]
