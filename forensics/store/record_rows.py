"""Rows of declared record types: the SQL derived from a record's declaration.

`forensics.records` declares each record type once (table, key, typed fields); this module
turns a declaration into the statements that find, insert, overwrite and delete one record,
so a repository of a simple record type writes no SQL of its own. Values are always bound
parameters; table and column names come from our declarations and are quoted anyway.

A uniqueness rule of the schema that says "this record is already there" (the items'
`items_same_content` and `items_same_folder` indexes: one item per content or folder from one
source under one parent) surfaces as `DuplicateItemError`, so a writer racing another one
learns it from its own insert, never from a check made before it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, TypeVar

from forensics.errors import DuplicateItemError, NotFoundError
from forensics.records.declare import RecordType
from forensics.store.rows import (
    ROWS_PER_STATEMENT,
    insert_row,
    insert_rows_sql,
    quote,
    set_columns,
)

if TYPE_CHECKING:
    from forensics.store.database import Database

R = TypeVar("R")


def find(db: Database, record_type: RecordType[R], key: str) -> R | None:
    """The record with this key, or None."""
    row = db.conn.execute(
        f"SELECT * FROM {quote(record_type.table)} WHERE {quote(record_type.key_column)} = ?",
        (key,),
    ).fetchone()
    return None if row is None else record_type.from_row(row)


_SAME_SOURCE = "items_same_"
"""The prefix of the items' one-per-source indexes (core migration 3)."""


@contextmanager
def _duplicates_refused(db: Database, record_type: RecordType[Any], record: Any) -> Iterator[None]:
    # Only the items have a rule a writer expects to meet (another process ingested the same
    # file first); on a server that refusal must undo only itself (`Database.savepoint`).
    guard = db.savepoint() if record_type.table == "items" else nullcontext()
    try:
        with guard:
            yield
    except db.integrity_error as exc:
        if _SAME_SOURCE not in str(exc):
            raise
        raise _duplicate(record_type, record) from exc


def insert(db: Database, record_type: RecordType[R], record: R) -> None:
    """Insert a new record's row.

    Raises:
        DuplicateItemError: a uniqueness rule says the record is already there.
    """
    if db.on_server and record_type.table == "items":
        # One exchange with the server instead of three (a savepoint, the insert, its
        # release): a refused row is left out, and only then asked why.
        if insert_row(db, "items", record_type.to_row(record), or_ignore=True) == 0:
            _refused(db, record_type, record)
        return
    with _duplicates_refused(db, record_type, record):
        insert_row(db, record_type.table, record_type.to_row(record))


def insert_many(
    db: Database, record_type: RecordType[R], records: Sequence[R]
) -> list[DuplicateItemError | None]:
    """Insert new records' rows, several to a statement on SQLite (`rows.insert_rows`).

    A statement that a uniqueness rule refuses undoes only itself; its rows are then
    inserted one by one, so each refusal is told apart exactly as `insert` tells it.

    Returns:
        For each record, None when its row is in, or the `DuplicateItemError` that refused
        it (nothing of it written).

    Raises:
        Exception: any other refusal (the engine's integrity error), as `insert` raises it.
    """
    if db.on_server:  # a refused row there is told apart by its own statement
        return [_one(db, record_type, record) for record in records]
    out: list[DuplicateItemError | None] = []
    rows = [record_type.to_row(record) for record in records]
    at = 0
    while at < len(rows):
        size = next(n for n in ROWS_PER_STATEMENT if len(rows) - at >= n)
        chunk = rows[at : at + size]
        columns = tuple(chunk[0])
        try:
            if size == 1 or any(tuple(row) != columns for row in chunk):
                raise _OneByOne
            db.conn.execute(  # one statement: a refusal undoes all of it, and only it
                insert_rows_sql(record_type.table, columns, size),
                [value for row in chunk for value in row.values()],
            )
            out.extend([None] * size)
        except (_OneByOne, db.integrity_error):
            out.extend(_one(db, record_type, r) for r in records[at : at + size])
        at += size
    return out


class _OneByOne(Exception):
    """These rows go in one statement each."""


def _one(db: Database, record_type: RecordType[R], record: R) -> DuplicateItemError | None:
    try:
        insert(db, record_type, record)
    except DuplicateItemError as exc:
        return exc
    return None


def _refused(db: Database, record_type: RecordType[Any], record: Any) -> None:
    """Why a server left an item's row out: its id taken (a bug of the caller's, raised as
    the engine's integrity error) or, the usual case, the one-item-per-source rule.

    Raises:
        DuplicateItemError: the same content or folder from the same source is there.
    """
    key = record_type.key_of(record)
    taken = db.conn.execute(
        f"SELECT 1 FROM {quote(record_type.table)} WHERE {quote(record_type.key_column)} = ?",
        (key,),
    ).fetchone()
    if taken is not None:
        raise db.integrity_error(f"{record_type.table}: the id {key} is taken")
    raise _duplicate(record_type, record)


def _duplicate(record_type: RecordType[Any], record: Any) -> DuplicateItemError:
    what = "folder" if getattr(record, "sha256", None) is None else "content"
    name = getattr(record, "name", record_type.key_of(record))
    return DuplicateItemError(
        f"{name}: an item with the same {what} from the same source is already under that parent"
    )


def update(db: Database, record_type: RecordType[R], record: R) -> None:
    """Overwrite every column of an existing record.

    Raises:
        NotFoundError: no record has that key.
    """
    row = record_type.to_row(record)
    key_column = record_type.key_column
    values = {k: v for k, v in row.items() if k != key_column}
    with _duplicates_refused(db, record_type, record):
        changed = set_columns(db, record_type.table, key_column, row[key_column], values)
    if changed == 0:
        label = record_type.subject.replace("_", " ")
        raise NotFoundError(f"no {label} with id {row[key_column]}")


def delete(db: Database, record_type: RecordType[Any], key: str) -> int:
    """Delete a record's row.

    Returns:
        How many rows went (0 or 1).
    """
    cur = db.conn.execute(
        f"DELETE FROM {quote(record_type.table)} WHERE {quote(record_type.key_column)} = ?",
        (key,),
    )
    return cur.rowcount
