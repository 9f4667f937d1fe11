"""Generic row writes: insert a record row, overwrite it by id, set some of its columns.

The repositories (annotations, provenance, frames) and the exchange code all write rows given
as column -> value; the SQL for that lives here once. Table and column names come from our
own schema and record mappings, never from a user or an archive, and are quoted anyway; values
are always bound parameters. Callers run these inside `case.transaction()`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from forensics.errors import NotFoundError

if TYPE_CHECKING:
    from forensics.store.database import Database


def quote(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def insert_row(db: Database, table: str, row: Mapping[str, Any], *, or_ignore: bool = False) -> int:
    """Insert one row given as column -> value.

    Args:
        or_ignore: a row a UNIQUE rule refuses is left out (0 returned), no error raised.

    Returns:
        How many rows were inserted (1, or 0 when `or_ignore` left it out).
    """
    cur = db.conn.execute(_insert_sql(table, tuple(row), or_ignore), list(row.values()))
    return int(cur.rowcount)


@functools.lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...], or_ignore: bool = False) -> str:
    """The INSERT of these columns (made once: a card's photos insert thousands of rows of
    the same few shapes)."""
    names = ", ".join(quote(k) for k in columns)
    marks = ", ".join("?" for _ in columns)
    verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
    return f"{verb} INTO {quote(table)} ({names}) VALUES ({marks})"


ROWS_PER_STATEMENT = (64, 16, 4, 1)
"""Rows per INSERT in `insert_rows` (a few fixed sizes: a few statements to cache)."""


def insert_rows(db: Database, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows given as column -> value, several to a statement (the same columns each).

    A statement has a fixed cost (an item row's full-text trigger, 25 us of its 45 on a
    card) that its rows share; a refusal undoes only the statement it was in, and raises.
    """
    at = 0
    while at < len(rows):
        size = next(n for n in ROWS_PER_STATEMENT if len(rows) - at >= n)
        columns = tuple(rows[at])
        if size > 1 and any(tuple(row) != columns for row in rows[at + 1 : at + size]):
            size = 1
        db.conn.execute(
            insert_rows_sql(table, columns, size),
            [value for row in rows[at : at + size] for value in row.values()],
        )
        at += size


@functools.lru_cache(maxsize=64)
def insert_rows_sql(table: str, columns: tuple[str, ...], rows: int) -> str:
    """The INSERT of `rows` rows of these columns."""
    names = ", ".join(quote(k) for k in columns)
    marks = "(" + ", ".join("?" for _ in columns) + ")"
    return f"INSERT INTO {quote(table)} ({names}) VALUES " + ", ".join([marks] * rows)


def set_columns(
    db: Database, table: str, key_column: str, key: Any, values: Mapping[str, Any]
) -> int:
    """Set `values` on the rows whose `key_column` is `key` (`id`, or `rowid` for keyless
    tables).

    Returns:
        How many rows changed (0 when `values` is empty: nothing is run).
    """
    if not values:
        return 0
    sets = ", ".join(f"{quote(k)} = ?" for k in values)
    cur = db.conn.execute(
        f"UPDATE {quote(table)} SET {sets} WHERE {quote(key_column)} = ?", [*values.values(), key]
    )
    return cur.rowcount


def update_row(
    db: Database, table: str, row: Mapping[str, Any], *, missing: str | None = None
) -> None:
    """Overwrite every column of the record `row["id"]` with `row`.

    Args:
        db: the case database.
        table: the record table.
        row: the whole new row, `id` included.
        missing: the error message when no row has that id (default names table and id).

    Raises:
        NotFoundError: no row has that id.
    """
    values = {k: v for k, v in row.items() if k != "id"}
    if set_columns(db, table, "id", row["id"], values) == 0:
        raise NotFoundError(missing or f"no {table} row with id {row['id']}")
