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

import math
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


COUNT_LIMIT = 10_000
"""Where a server case stops counting matches ("more than 10,000"): counting every match of a
common prefix reads each one's tsvector (about 150 ms on a million items), longer than a
keystroke may take; past this many nobody reads the figure for its last digit."""


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
    few: int | None = None,
) -> tuple[str, list[Any]]:
    """The SQL and parameters of one page of the items matching `f`, in its order.

    `few`: the search is known to match at most this many items (a server case counts them
    first, see `ItemRepository.page`): then the page is cut from the matches the index finds,
    sorted, instead of walking the insertion order until the page fills (which, for a word
    that matches nothing among a million items, reads all of them).
    """
    sql_from, params, walks_index = from_where(f, read_match)
    if walks_index and few is not None:
        return _select_few(f, limit, offset)
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


WALK_COST = 5
"""How many rows walking the insertion order (testing each row's tsvector) reads for the cost
of reading one match the index found and sorting it (measured on 100,000 items: 0.1 us a
walked row, about 0.5 us a sorted match)."""


def few_bound(end: int, indexed: int) -> int:
    """Up to how many matches a search's page is best cut from the sorted matches, past which
    walking the insertion order is quicker.

    Walking reads about `end * indexed / matches` rows to fill the page's `end` rows; sorting
    reads every match: the two cost alike when `matches**2 == end * indexed / WALK_COST`.
    """
    return max(end, min(COUNT_LIMIT, int(math.sqrt(end * max(indexed, 1) / WALK_COST))))


def _select_few(f: ItemFilter, limit: int | None, offset: int) -> tuple[str, list[Any]]:
    """`select` for a search matching at most `few` items, in insertion order.

    The matches' rowids come from the index in a subquery ordered by `rowid + 0` (an
    expression no index gives in order, so the planner reads the matches and sorts them, not
    walk the table in order); with no other filter the page is cut there, so only the page's
    items are read; with filters every match is joined and the page cut after.
    """
    direction = "DESC" if f.descending else "ASC"
    clauses, params = _filters(f)
    match = fts_query(f.text)
    page = " LIMIT ? OFFSET ?" if limit is not None else ""
    paging = [limit, offset] if limit is not None else []
    if not clauses:
        hits = (
            f"SELECT rowid AS hit FROM items_fts WHERE items_fts MATCH ? "
            f"ORDER BY rowid + 0 {direction}{page}"
        )
        return (
            f"SELECT items.* FROM ({hits}) AS hits JOIN items ON items.rowid = hits.hit "
            f"ORDER BY items.rowid {direction}",
            [match, *paging],
        )
    # OFFSET 0: planned on its own (the index), whatever the filters' estimates; `few` bounds
    # the items passing the filters, not the matches, so none is cut here.
    hits = "SELECT rowid AS hit FROM items_fts WHERE items_fts MATCH ? OFFSET 0"
    where = " AND ".join(clauses)
    return (
        f"SELECT items.* FROM ({hits}) AS hits JOIN items ON items.rowid = hits.hit "
        f"WHERE {where} ORDER BY items.rowid {direction}{page}",
        [match, *params, *paging],
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
