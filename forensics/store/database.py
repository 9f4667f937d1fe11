"""The case store's handle on one SQLite connection.

The store needs three things from a database object: the connection itself (every write runs
`db.conn.execute` inside `transaction()`), rows as dictionaries (`query`) and the table names.
This small class gives exactly those over the standard library's `sqlite3`, with the
behaviour the store was written against (sqlite-utils' `Database`): recursive triggers on,
rows as dicts with duplicate column names made unique, `query` refusing statements that
return no rows.

Why not sqlite-utils itself: importing it imports numpy (and click, dateutil, pluggy, whose
plugin scan reads every installed package's metadata on the first connection), some 0.15 s
on every start of the GUI and the CLI for code the store never calls.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

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


class Database:
    """One SQLite connection and the few helpers the store uses.

    Args:
        conn: an open connection (the store's `connect` sets its pragmas and row factory).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        # Triggers fire for rows an INSERT OR REPLACE removes too (the FTS index stays right).
        conn.execute("PRAGMA recursive_triggers = ON")

    def execute(self, sql: str, params: Params | None = None) -> sqlite3.Cursor:
        """Run one statement on the connection and return its cursor."""
        if params is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Params | None = None) -> Iterator[dict[str, Any]]:
        """Run a statement that returns rows; the rows come as dicts, read lazily.

        Raises:
            ValueError: the statement returns no rows (use `conn.execute` for writes).
        """
        cursor = self.execute(sql, params)
        if cursor.description is None:
            raise ValueError("query() is for statements that return rows; use conn.execute")
        keys = unique_keys(d[0] for d in cursor.description)
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    def table_names(self) -> list[str]:
        """The names of the tables (FTS shadow tables included)."""
        return [
            str(r[0])
            for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()
