"""The one query for lists of items: `pwb items`, the catalogue and every other caller.

`pwb items --search` and the GUI's catalogue had a query builder each, and they drifted (one
filtered by several kinds and a parent, the other by one kind, each with its own full-text
clause). Both now describe what they want as an `ItemFilter` and read it through
`ItemRepository.page` / `count_matching`, built here.

Speed at 100,000 items: `rowid IN (full-text matches)` with a sort reads every match before
the first row comes back (40-80 ms for a one-letter prefix). In insertion order the query
instead walks the full-text index and joins the items, so the first page costs what FTS5
costs (about 1 ms); only a sort on another column takes the general form.

Text read from an item's pixels (`ocr_fts`, store/ocr.py) is searched too: when the search
matches some read (`read_match`, which the repository looks up), the query takes the items
matching either index (the general form); otherwise the fast path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from forensics import allocation
from forensics.store.ocr import ITEMS_MATCHING

INSERTION = "rowid"
"""Sort key of the insertion order (the order items were added to the case)."""
SORTABLE = (
    "name",
    "kind",
    "size",
    "mime",
    "created_at",
    "sha256",
    "status",
    "exhibit",
    "recovery",
)
"""The columns a list of items can be sorted by (besides `INSERTION`)."""


COUNT_LIMIT = 1_000
"""Where a server case stops counting matches ("more than 1,000"): counting the matches of a
common prefix means reading each one's tsvector (250 ms for all of them on a million items,
about 100 ms for the first 10,000), longer than a keystroke may take; past this many nobody
reads the figure for its last digit, and narrowing the search gives the exact count."""

WALK_WINDOW = 200
"""A server case's search first walks the insertion order through this many rows per row of
the page (`ItemRepository.page`): a word in one row of 200 or more fills the page there."""


@dataclass(frozen=True)
class MatchCount:
    """How many items match: exactly `count`, or, when `exact` is False, more than `count`
    (counting stopped there)."""

    count: int
    exact: bool = True

    def __str__(self) -> str:
        return f"{self.count:,}" if self.exact else f"more than {self.count:,}"

    def to_json(self) -> dict[str, Any]:
        """`{"count": n, "exact": true}`; `"exact": false` says more than `count` match."""
        return {"count": self.count, "exact": self.exact}


@dataclass(frozen=True)
class ItemFilter:
    """Which items, in which order."""

    text: str = ""
    """What the user typed: every word must match, as a prefix, one of the indexed fields."""
    kinds: tuple[str, ...] = ()
    """Any of these kinds (every kind when empty)."""
    tag: str | None = None
    status: str | None = None
    state: str | None = None
    """Live, deleted, recovered or carved (`forensics.allocation`); None for all."""
    parent_id: str | None = None
    order_by: str = INSERTION
    """`INSERTION` or one of `SORTABLE`."""
    descending: bool = False


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 query: every word, as a prefix, must match."""
    words = re.findall(r"\w+", text, flags=re.UNICODE)
    return " ".join(f'"{w}"*' for w in words)


def allocation_clause(state: str, table: str = "items") -> tuple[str, list[Any]]:
    """SQL for items in one `allocation` state (live, deleted, recovered, carved).

    Raises:
        ValueError: unknown state.
    """
    if state == allocation.LIVE:
        return f"({table}.recovery IS NULL AND COALESCE({table}.fs_deleted, 0) = 0)", []
    if state not in allocation.RECOVERIES:
        raise ValueError(f"unknown state '{state}' (use one of {', '.join(allocation.ALL)})")
    values = list(allocation.RECOVERIES[state])
    clause = f"{table}.recovery IN ({', '.join('?' for _ in values)})"
    if state == allocation.DELETED:
        clause = f"({clause} OR ({table}.recovery IS NULL AND {table}.fs_deleted = 1))"
    return clause, values


def _filters(f: ItemFilter) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.kinds:
        clauses.append(f"items.kind IN ({', '.join('?' for _ in f.kinds)})")
        params.extend(f.kinds)
    if f.tag:
        clauses.append("EXISTS (SELECT 1 FROM json_each(items.tags) WHERE value = ?)")
        params.append(f.tag)
    if f.status:
        clauses.append("items.status = ?")
        params.append(f.status)
    if f.state:
        clause, values = allocation_clause(f.state)
        clauses.append(clause)
        params.extend(values)
    if f.parent_id:
        clauses.append("items.parent_id = ?")
        params.append(f.parent_id)
    return clauses, params


def from_where(f: ItemFilter, read_match: str = "") -> tuple[str, list[Any], bool]:
    """The `FROM ... WHERE ...` of the items matching `f`, its parameters, and whether it
    walks the full-text index (then `items_fts.rowid` gives the insertion order).

    `read_match` is the `ocr_fts` query of `f.text` when some read matches it (else ""):
    the items it finds are listed with those `items_fts` finds.

    Raises:
        ValueError: `f` sorts by a column that cannot be sorted by, or names an unknown
            state.
    """
    if f.order_by != INSERTION and f.order_by not in SORTABLE:
        raise ValueError(f"cannot sort by {f.order_by}")
    clauses, params = _filters(f)
    match = fts_query(f.text) if f.text else ""
    if match and read_match:
        clauses.insert(
            0,
            "items.rowid IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ? UNION "
            f"SELECT items.rowid FROM items WHERE items.id IN ({ITEMS_MATCHING}))",
        )
        params[:0] = [match, read_match]
        match = ""
    if match and f.order_by == INSERTION:
        where = " AND ".join(["items_fts MATCH ?", *clauses])
        return (
            f"FROM items_fts JOIN items ON items.rowid = items_fts.rowid WHERE {where}",
            [match, *params],
            True,
        )
    if match:
        clauses.insert(0, "items.rowid IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
        params.insert(0, match)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return f"FROM items{where}", params, False


def select(
    f: ItemFilter,
    limit: int | None = None,
    offset: int = 0,
    read_match: str = "",
    *,
    window: int | None = None,
    few: bool = False,
) -> tuple[str, list[Any]]:
    """The SQL and parameters of one page of the items matching `f`, in its order.

    A search in insertion order walks the full-text index in that order until the page
    fills; for a word that matches nothing among a million items, that reads all of them. So
    a server case (`ItemRepository.page`) walks only the first `window` rows of that order,
    and when the page does not fill there (the word is rare) asks again with `few`: the page
    is then cut from the matches the index finds, sorted (`_select_hits`).
    """
    sql_from, params, walks_index = from_where(f, read_match)
    if walks_index and (few or window is not None):
        return _select_hits(f, limit, offset, window)
    direction = "DESC" if f.descending else "ASC"
    if walks_index:
        order = f"items_fts.rowid {direction}"
    elif f.order_by == INSERTION:
        order = f"items.rowid {direction}"
    else:
        order = f"items.{f.order_by} {direction}, items.rowid {direction}"
    sql = f"SELECT items.* {sql_from} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = [*params, limit, offset]
    return sql, params


def _select_hits(
    f: ItemFilter, limit: int | None, offset: int, window: int | None
) -> tuple[str, list[Any]]:
    """`select` of a search in insertion order from the full-text index's matches alone,
    the items joined to the page's matches only (when no other filter needs them first).

    With a `window`: the matches among the first `window` rows of the insertion order, in
    that order (the index walked and stopped at the page's end or the window's). Without:
    every match, ordered by `rowid + 0`, an expression no index gives in order, so the planner
    reads the matches the GIN index finds and sorts them rather than walk the table.
    """
    direction = "DESC" if f.descending else "ASC"
    clauses, params = _filters(f)
    hits = "SELECT rowid AS hit FROM items_fts WHERE items_fts MATCH ?"
    hit_params: list[Any] = [fts_query(f.text)]
    if window is not None:
        edge, bound = ("DESC", "-1") if f.descending else ("", str(2**63 - 1))
        hits += (
            f" AND rowid {'>=' if f.descending else '<='} COALESCE((SELECT rowid FROM "
            f"items_fts ORDER BY rowid {edge} LIMIT 1 OFFSET ?), {bound})"
        )
        hit_params.append(window)
    order = f"rowid {direction}" if window is not None else f"rowid + 0 {direction}"
    page = " LIMIT ? OFFSET ?" if limit is not None else ""
    paging = [limit, offset] if limit is not None else []
    join = "SELECT items.* FROM ({}) AS hits JOIN items ON items.rowid = hits.hit"
    if not clauses:
        return (
            join.format(f"{hits} ORDER BY {order}{page}") + f" ORDER BY items.rowid {direction}",
            [*hit_params, *paging],
        )
    # OFFSET 0: planned on its own (the index), whatever the filters' estimates; every match
    # is joined, the page cut after the filters.
    where = " AND ".join(clauses)
    return (
        join.format(f"{hits} OFFSET 0") + f" WHERE {where} ORDER BY items.rowid {direction}{page}",
        [*hit_params, *params, *paging],
    )


def count(f: ItemFilter, read_match: str = "", up_to: int | None = None) -> tuple[str, list[Any]]:
    """The SQL and parameters counting the items matching `f`, or only the first `up_to + 1`
    of them (then a count past `up_to` says "more than `up_to`", and the query stops reading
    there: a common prefix on a million items costs what `up_to` rows cost, not a million).

    A search with no other filter counts the full-text index alone: every indexed row is an
    item, so joining the items (one lookup per match) adds nothing but time.
    """
    if f.text and not read_match and not _filters(f)[0] and fts_query(f.text):
        sql_from, params = "FROM items_fts WHERE items_fts MATCH ?", [fts_query(f.text)]
    else:
        sql_from, params, _ = from_where(f, read_match)
    if up_to is None:
        return f"SELECT COUNT(*) {sql_from}", params
    return f"SELECT COUNT(*) FROM (SELECT 1 {sql_from} LIMIT ?) AS first", [*params, up_to + 1]
