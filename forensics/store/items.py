"""Item rows: insert, edit, read, and list through the one item query (`item_query`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from forensics.errors import NotFoundError
from forensics.records.core import ITEM, Item
from forensics.store import item_query, record_rows
from forensics.store.item_query import (
    COUNT_LIMIT,
    INSERTION,
    WALK_WINDOW,
    ItemFilter,
    MatchCount,
    fts_query,
)
from forensics.store.ocr import ocr_match
from forensics.store.rebase import rebase

if TYPE_CHECKING:
    from forensics.store.database import Database

_JSON_LIST = ("tags", "errors", "warnings")
EDITABLE = ("name", "serial", "marking", "exhibit", "note", "status", "tags", "parent_id")
row_to_item = ITEM.from_row
"""Build an `Item` from a row of the `items` table (derived from its declaration)."""


class ItemRepository:
    """SQL for the `items` table. Writes must run inside `transaction()`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def insert(self, item: Item) -> None:
        """Insert a new item row.

        Raises:
            DuplicateItemError: the same content (or folder) from the same source is already
                under that parent (the database's rule; see `record_rows`).
        """
        record_rows.insert(self._db, ITEM, item)

    def edited(
        self, item_id: str, changes: Mapping[str, Any], *, based_on: Item | None = None
    ) -> tuple[Item, Item]:
        """An item as it is and as it would be with these field changes (nothing written;
        the caller records the new state through `case.recording()`).

        Args:
            item_id: the item.
            changes: field -> new value.
            based_on: the copy the changes were made from (a dialog opened a while ago): a
                field someone changed since and these changes set to another value is a
                conflict; a field only one side changed merges (see `store.rebase`).

        Raises:
            NotFoundError: no such item.
            ValueError: a field that cannot be edited.
            EditConflictError: the same field changed since `based_on` and in `changes`.
        """
        bad = set(changes) - set(EDITABLE) - {"attributes", "errors", "warnings", "mime"}
        if bad:
            raise ValueError(f"cannot edit {', '.join(sorted(bad))}")
        current = self.get(item_id)
        if based_on is not None:
            changes = rebase(based_on, current, changes, label=f"item '{current.name}'")
        values: dict[str, Any] = {k: tuple(v) if k in _JSON_LIST else v for k, v in changes.items()}
        after = replace(current, **values)
        return current, after

    def has_content(self, sha256: str) -> bool:
        """True when an item holds the content with this sha256."""
        row = self._db.conn.execute(
            "SELECT 1 FROM items WHERE sha256 = ? LIMIT 1", (sha256,)
        ).fetchone()
        return row is not None

    def holding(self, shas: Iterable[str]) -> set[str]:
        """Which of these contents some item holds: one question for a batch of files about
        to be checked for duplicates, where most of a card is new."""
        wanted = list(dict.fromkeys(shas))
        found: set[str] = set()
        for at in range(0, len(wanted), 500):
            chunk = wanted[at : at + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._db.conn.execute(
                f"SELECT DISTINCT sha256 FROM items WHERE sha256 IN ({marks})", chunk
            )
            found.update(str(r[0]) for r in rows)
        return found

    def get(self, item_id: str) -> Item:
        """The item with this id.

        Raises:
            NotFoundError: no such item.
        """
        row = self._db.conn.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no item with id {item_id}")
        return row_to_item(row)

    def find(self, item_id: str) -> Item | None:
        """The item with this id, or None."""
        row = self._db.conn.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        return None if row is None else row_to_item(row)

    def resolve_prefix(self, prefix: str) -> str:
        """The full id of the one item whose id starts with `prefix` (ids are long to type).

        Raises:
            NotFoundError: no item, or more than one, matches.
        """
        rows = self._db.conn.execute(
            "SELECT id FROM items WHERE id LIKE ? LIMIT 2", (prefix.replace("%", "") + "%",)
        ).fetchall()
        if len(rows) != 1:
            what = "no item" if not rows else "more than one item"
            raise NotFoundError(f"{what} with an id starting with {prefix!r}")
        return str(rows[0]["id"])

    def children(self, parent_id: str | None) -> list[Item]:
        """The direct children of an item (top-level items for None), by name."""
        if parent_id is None:
            rows = self._db.query(
                "SELECT * FROM items WHERE parent_id IS NULL ORDER BY name COLLATE NOCASE"
            )
        else:
            rows = self._db.query(
                "SELECT * FROM items WHERE parent_id = ? ORDER BY name COLLATE NOCASE",
                [parent_id],
            )
        return [row_to_item(r) for r in rows]

    def child_count(self, parent_id: str) -> int:
        """How many direct children an item has."""
        row = self._db.conn.execute(
            "SELECT COUNT(*) FROM items WHERE parent_id = ?", (parent_id,)
        ).fetchone()
        return int(row[0])

    def find_duplicate(
        self,
        sha256: str,
        source_path_raw: bytes | None,
        fs_path_raw: bytes | None,
        parent_id: str | None,
    ) -> Item | None:
        """An item already holding this content from this very source, if any.

        "The same place" is the same parent once folder items are looked through: a host file
        ingested inside its folder and later on its own under the same exhibit is one file.
        """
        rows = self._db.conn.execute(
            "SELECT * FROM items WHERE sha256 = ? AND source_path_raw IS ? "
            "AND fs_path_raw IS ? ORDER BY rowid",
            (sha256, source_path_raw, fs_path_raw),
        ).fetchall()
        if not rows:
            return None
        wanted = self._above_folders(parent_id)
        for row in rows:
            if row["parent_id"] == parent_id or self._above_folders(row["parent_id"]) == wanted:
                return row_to_item(row)
        return None

    def _above_folders(self, item_id: str | None) -> str | None:
        """The nearest item at or above `item_id` that is not a folder (None: top level)."""
        seen: set[str] = set()
        while item_id is not None and item_id not in seen:
            seen.add(item_id)
            row = self._db.conn.execute(
                "SELECT kind, parent_id FROM items WHERE id = ?", (item_id,)
            ).fetchone()
            if row is None or row["kind"] != "folder":
                return item_id
            item_id = row["parent_id"]
        return item_id

    def find_folder(
        self, parent_id: str | None, source_path_raw: bytes | None, fs_path_raw: bytes | None
    ) -> Item | None:
        """The folder item already standing for this folder of this source, if any."""
        row = self._db.conn.execute(
            "SELECT * FROM items WHERE kind = 'folder' AND parent_id IS ? "
            "AND source_path_raw IS ? AND fs_path_raw IS ? ORDER BY rowid LIMIT 1",
            (parent_id, source_path_raw, fs_path_raw),
        ).fetchone()
        return None if row is None else row_to_item(row)

    def descendants(self, item_id: str) -> list[Item]:
        """Every item below an item (children, their children...), in insertion order."""
        rows = self._db.query(
            "WITH RECURSIVE below(id) AS ("
            " SELECT id FROM items WHERE parent_id = ?"
            " UNION SELECT items.id FROM items JOIN below ON items.parent_id = below.id)"
            " SELECT items.* FROM items JOIN below ON items.id = below.id ORDER BY items.rowid",
            [item_id],
        )
        return [row_to_item(r) for r in rows]

    def page(self, f: ItemFilter, limit: int | None = None, offset: int = 0) -> list[Item]:
        """The items matching `f`, in its order, one page at a time (all with no limit).

        Raises:
            ValueError: `f` sorts by a column that cannot be sorted by, or names an
                unknown state.
        """
        read_match = self._read_match(f.text)
        if self._db.on_server and f.order_by == INSERTION and fts_query(f.text) and limit:
            # Walk a window of the insertion order (a common word fills the page there in a
            # millisecond); a rare one is cut from the index's sorted matches instead.
            window = WALK_WINDOW * (offset + limit)
            sql, params = item_query.select(f, limit, offset, read_match, window=window)
            rows = [row_to_item(r) for r in self._db.conn.execute(sql, params)]
            if len(rows) == limit:
                return rows
            sql, params = item_query.select(f, limit, offset, read_match, few=True)
            return [row_to_item(r) for r in self._db.conn.execute(sql, params)]
        sql, params = item_query.select(f, limit, offset, read_match)
        return [row_to_item(r) for r in self._db.conn.execute(sql, params)]

    def count_matching(self, f: ItemFilter) -> int:
        """How many items match `f` in all."""
        sql, params = item_query.count(f, self._read_match(f.text))
        return int(self._db.conn.execute(sql, params).fetchone()[0])

    @property
    def count_limit(self) -> int | None:
        """Where counting matches for a person stops: nowhere on a folder case (FTS5 counts
        100,000 items in milliseconds), `COUNT_LIMIT` on a server case (see there)."""
        return COUNT_LIMIT if self._db.on_server else None

    def count_up_to(self, f: ItemFilter, limit: int | None) -> MatchCount:
        """How many items match `f`, counting no further than `limit` (None: all of them).

        Returns:
            The exact count, or `limit` with `exact` False when more match.
        """
        return self._count(f, self._read_match(f.text), limit)

    def _count(self, f: ItemFilter, read_match: str, limit: int | None) -> MatchCount:
        sql, params = item_query.count(f, read_match, limit)
        n = int(self._db.conn.execute(sql, params).fetchone()[0])
        if limit is not None and n > limit:
            return MatchCount(limit, exact=False)
        return MatchCount(n)

    def _read_match(self, text: str) -> str:
        """The `ocr_fts` query for `text` when some read matches it, else "" (the item query
        then keeps its fast path)."""
        match = ocr_match(text) if text and fts_query(text) else ""
        if not match:
            return ""
        try:
            hit = self._db.conn.execute(
                "SELECT 1 FROM ocr_fts WHERE ocr_fts MATCH ? LIMIT 1", (match,)
            ).fetchone()
        except sqlite3.OperationalError:
            # A case opened read-only before the 'ocr' schema was added has no index yet.
            return ""
        return match if hit else ""

    def search(
        self,
        text: str | None = None,
        *,
        kinds: Iterable[str] | None = None,
        tag: str | None = None,
        status: str | None = None,
        parent_id: str | None = None,
        state: str | None = None,
        order_by: str = "created_at",
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Item]:
        """Items matching a full-text query and filters: `page` of that `ItemFilter`."""
        f = ItemFilter(
            text=text or "",
            kinds=tuple(kinds or ()),
            tag=tag,
            status=status,
            state=state,
            parent_id=parent_id,
            order_by=order_by,
            descending=descending,
        )
        return self.page(f, limit, offset)

    def count(
        self,
        text: str | None = None,
        *,
        kinds: Iterable[str] | None = None,
        tag: str | None = None,
        status: str | None = None,
        parent_id: str | None = None,
        state: str | None = None,
    ) -> int:
        """How many items `search` would return with no limit."""
        f = ItemFilter(
            text=text or "",
            kinds=tuple(kinds or ()),
            tag=tag,
            status=status,
            state=state,
            parent_id=parent_id,
        )
        return self.count_matching(f)

    def all_tags(self) -> list[str]:
        """Every tag used in the case, sorted."""
        rows = self._db.conn.execute(
            "SELECT DISTINCT value FROM items, json_each(items.tags) ORDER BY value"
        )
        return [str(r[0]) for r in rows]

    def content_items(self) -> list[Item]:
        """Every item that has stored content."""
        rows = self._db.query("SELECT * FROM items WHERE sha256 IS NOT NULL ORDER BY rowid")
        return [row_to_item(r) for r in rows]

    def all_ids(self) -> list[str]:
        """Every item id, in insertion order."""
        return [str(r[0]) for r in self._db.conn.execute("SELECT id FROM items ORDER BY rowid")]
