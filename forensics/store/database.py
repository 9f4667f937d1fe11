"""The case store's handle on one SQLite connection: sqlite-utils' `Database`, as the design
fixes, with the two behaviours the store relies on made explicit.

- `query` gives rows as dicts with duplicate column names made unique (`id`, `id_2`), where
  sqlite-utils would let a joined table's `id` overwrite the first one;
- `query` refuses statements that return no rows with a clear error (writes go through
  `conn.execute` inside `transaction()`).

sqlite-utils also turns recursive triggers on, so an INSERT OR REPLACE fires the FTS delete
trigger. Importing it costs about 0.15 s (it imports numpy when present); that cost is paid
once, when the first case opens, not when `pwb` or the GUI starts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import sqlite_utils

Params = Sequence[Any] | Mapping[str, Any]


def unique_keys(keys: Iterable[str]) -> list[str]:
    """Column names with later duplicates renamed `name_2`, `name_3`… (skipping suffixes that
    would collide with another column), so no value overwrites another in a row dict."""
    names = list(keys)
    taken = set(names)
    if len(taken) == len(names):
        return names
    seen: set[str] = set()
    result: list[str] = []
    for name in names:
        new = name
        if name in seen:
            n = 2
            while f"{name}_{n}" in taken:
                n += 1
            new = f"{name}_{n}"
            taken.add(new)
        seen.add(name)
        result.append(new)
    return result


class Database(sqlite_utils.Database):
    """One SQLite connection (sqlite-utils) with the store's row semantics.

    Args:
        conn: an open connection (the store's `connect` sets its pragmas and row factory).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        # recursive_triggers (sqlite-utils' default): rows an INSERT OR REPLACE removes fire
        # their delete triggers too, so the FTS index stays right.
        super().__init__(conn, recursive_triggers=True)

    def query(  # type: ignore[override]
        self, sql: str, params: Params | None = None
    ) -> Iterator[dict[str, Any]]:
        """Run a statement that returns rows; the rows come as dicts, read lazily.

        Raises:
            ValueError: the statement returns no rows (use `conn.execute` for writes).
        """
        cursor = self.conn.execute(sql, params) if params is not None else self.conn.execute(sql)
        if cursor.description is None:
            raise ValueError("query() is for statements that return rows; use conn.execute")
        keys = unique_keys(d[0] for d in cursor.description)
        return (dict(zip(keys, row, strict=True)) for row in cursor)
