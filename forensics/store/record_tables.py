"""The SQLite side of the record streams an archive carries (format 2, issue 14).

`forensics.exchange.record_stream` turns rows into JSON lines and back without knowing the
engine; this module is what it talks to: the shape of each of our tables (read from a
database our own migrations made, never from an archive; either engine, through
`schema_info`), the rows of a table in order, and SQLite's *sink*, which inserts validated
rows into a fresh case inside one transaction and reports duplicates and references that do
not resolve. The server's sink is `server_records.PgRecordSink`; `record_sink(db)` gives
the one for a database's engine.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

from forensics.records.row_schema import Column, TableShape
from forensics.store import schema_info
from forensics.store.rows import quote

if TYPE_CHECKING:
    from forensics.store.database import Database
    from forensics.store.server_records import PgRecordSink

NOT_COPIED = frozenset({"schema_version", "exchanged_states", "evidence_inflight"})
"""Tables that never travel: the schema versions (a fresh case has its own migrations'), the
record states this case exchanged (what *we* sent and received, not theirs to claim), and a
server case's in-flight evidence markers (coordination between live writers, not content)."""


def stream_tables(db: Database) -> list[TableShape]:
    """Our ordinary tables in creation order, each with its columns and key: every table a
    case's records live in, without full-text tables (SQLite's virtual and shadow tables, the
    server's tsvector tables), which our triggers rebuild, and without the schema versions.
    The same shapes on either engine (`schema_info` answers in SQLite's words)."""
    return [table_shape(db, name) for name in schema_info.data_tables(db) if name not in NOT_COPIED]


def table_shape(db: Database, table: str) -> TableShape:
    """One table's columns (type, required) and key, as our migrations made it."""
    info = schema_info.columns(db, table)
    columns = tuple(Column(c.name, c.sql or "TEXT", c.notnull or c.pk > 0) for c in info)
    keys = tuple(c.name for c in sorted(info, key=lambda c: c.pk) if c.pk > 0)
    return TableShape(table, columns, keys or (columns[0].name,))


def table_rows(db: Database, shape: TableShape) -> Iterator[dict[str, Any]]:
    """Every row of a table, column -> value, in storage order."""
    names = ", ".join(quote(c.name) for c in shape.columns)
    for row in db.conn.execute(f"SELECT {names} FROM {quote(shape.name)} ORDER BY rowid"):
        yield dict(zip(shape.column_names, tuple(row), strict=True))


class SqliteRecordSink:
    """Inserts validated rows into a fresh, migrated case database in one transaction.

    Foreign keys are checked at the end (rows arrive table by table, in any order); leaving the
    block with an exception rolls everything back.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._inserts: dict[str, tuple[str, tuple[str, ...]]] = {}

    def __enter__(self) -> SqliteRecordSink:
        self._db.conn.execute("BEGIN IMMEDIATE")
        self._db.conn.execute("PRAGMA defer_foreign_keys = ON")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self._db.conn.execute("COMMIT")
        else:
            self._db.conn.execute("ROLLBACK")

    def tables(self) -> list[TableShape]:
        """The tables records are inserted into."""
        return stream_tables(self._db)

    def insert(self, shape: TableShape, row: dict[str, Any], where: str = "") -> str | None:
        """Insert one validated row (at once: SQLite is in this process).

        Returns:
            None, or why it could not be stored: its key is already taken (the stream holds it
            twice) or a constraint of our schema refused it.
        """
        found = self._inserts.get(shape.name)
        if found is None:
            columns = shape.column_names
            names = ", ".join(quote(c) for c in columns)
            marks = ", ".join("?" for _ in columns)
            found = (f"INSERT INTO {quote(shape.name)} ({names}) VALUES ({marks})", columns)
            self._inserts[shape.name] = found
        sql, columns = found
        try:
            self._db.conn.execute(sql, [row[c] for c in columns])
        except sqlite3.IntegrityError as exc:
            if self._taken(shape, row):
                return "appears twice (its key is already taken)"
            return f"is refused by our schema ({exc})"
        return None

    def flush(self) -> list[tuple[str, str]]:
        """Nothing is held back."""
        return []

    def _taken(self, shape: TableShape, row: dict[str, Any]) -> bool:
        where = " AND ".join(f"{quote(k)} = ?" for k in shape.key)
        found = self._db.conn.execute(
            f"SELECT 1 FROM {quote(shape.name)} WHERE {where}", [row[k] for k in shape.key]
        ).fetchone()
        return found is not None

    def dangling(self, limit: int = 20) -> list[tuple[str, str, str]]:
        """References that do not resolve: (table, record key, table referred to), at most
        `limit`."""
        return [
            (str(r[0]), _key_of(self._db, str(r[0]), r[1]), str(r[2]))
            for r in self._db.conn.execute("PRAGMA foreign_key_check").fetchall()[:limit]
        ]


def _key_of(db: Database, table: str, rowid: Any) -> str:
    shape = table_shape(db, table)
    names = ", ".join(quote(k) for k in shape.key)
    row = db.conn.execute(f"SELECT {names} FROM {quote(table)} WHERE rowid = ?", (rowid,))
    found = row.fetchone()
    return f"row {rowid}" if found is None else "/".join(str(v) for v in tuple(found))


def record_sink(db: Database) -> SqliteRecordSink | PgRecordSink:
    """The sink for a fresh case database on its engine (use it as a context manager)."""
    if db.on_server:
        from forensics.store.server_records import PgRecordSink

        return PgRecordSink(db)
    return SqliteRecordSink(db)
