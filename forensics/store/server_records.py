"""The server's side of the record streams an archive carries: `pwb unpack ARCHIVE
postgresql://...` inserts through this sink.

`forensics.exchange.record_stream` validates every line against the schema derived from the
record declarations and hands the row here, as it hands SQLite's rows to
`record_tables.SqliteRecordSink`. The tables' shapes come from the database our own migrations
just made (`record_tables.stream_tables`, through the server's catalogue), never from the
archive.

PostgreSQL ends a whole transaction at the first statement it refuses, where SQLite ends only
that statement. So a key seen twice is not left to fail: each row is inserted `ON CONFLICT DO
NOTHING` and a row that did not go in is reported (its key taken, or another rule of ours on
unique values). Any other refusal (a rule of our schema the validation did not foresee) is
reported once, with the row, and the rest of the streams are still validated but not inserted
(the transaction is lost, and the unpack is refused anyway). Foreign keys are deferred to the
end of the transaction, as on SQLite, and checked by `dangling()` before it commits.
"""

from __future__ import annotations

from contextlib import ExitStack
from types import TracebackType
from typing import TYPE_CHECKING, Any

from forensics.records.row_schema import TableShape
from forensics.store import schema_info
from forensics.store.db import transaction
from forensics.store.record_tables import stream_tables
from forensics.store.rows import quote

if TYPE_CHECKING:
    from forensics.store.database import Database


BATCH = 1000
"""Rows sent to the server at once (one round trip), per table."""


class PgRecordSink:
    """Inserts validated rows into a fresh, migrated server case in one transaction (the one
    open already, if any: an unpack makes the schema, the rows and its entry in one).

    Rows are sent a batch at a time, pipelined (a round trip per row would be most of an
    unpack's time); a batch goes when it is full and at the end of each stream (`flush`), and
    the rows it refused are named then, by stream and line.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._inserts: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._pending: dict[str, tuple[TableShape, list[tuple[dict[str, Any], str]]]] = {}
        self._refused: list[tuple[str, str]] = []
        self._shapes: list[TableShape] | None = None
        self._stack = ExitStack()
        self._lost: str | None = None
        """Why the transaction was lost (a refused statement), once it was."""

    def __enter__(self) -> PgRecordSink:
        self._stack.enter_context(transaction(self._db))
        self._db.conn.execute("SET CONSTRAINTS ALL DEFERRED")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.__exit__(kind, exc, tb)

    def tables(self) -> list[TableShape]:
        """The tables records are inserted into."""
        if self._shapes is None:
            self._shapes = stream_tables(self._db)
        return self._shapes

    def insert(self, shape: TableShape, row: dict[str, Any], where: str = "") -> str | None:
        """Hold one validated row for the table's next batch (`where` names it if refused).

        Returns:
            None: a refusal (its key already taken, another unique rule of ours, or our
            schema) is given by `flush`, which a full batch runs.
        """
        if self._lost is not None:
            return None  # already refused; the remaining lines are only validated
        _, rows = self._pending.setdefault(shape.name, (shape, []))
        rows.append((row, where))
        if len(rows) >= BATCH:
            self._send(shape)
        return None

    def flush(self) -> list[tuple[str, str]]:
        """Send every row held back; `(where, why)` for each one refused so far."""
        for shape, _ in list(self._pending.values()):
            self._send(shape)
        refused, self._refused = self._refused, []
        return refused

    def _statement(self, shape: TableShape) -> tuple[str, tuple[str, ...]]:
        found = self._inserts.get(shape.name)
        if found is None:
            columns = shape.column_names
            names = ", ".join(quote(c) for c in columns)
            marks = ", ".join("?" for _ in columns)
            found = (
                f"INSERT INTO {quote(shape.name)} ({names}) VALUES ({marks}) "
                "ON CONFLICT DO NOTHING RETURNING 1",
                columns,
            )
            self._inserts[shape.name] = found
        return found

    def _send(self, shape: TableShape) -> None:
        import psycopg

        _, rows = self._pending.pop(shape.name, (shape, []))
        if not rows or self._lost is not None:
            return
        sql, columns = self._statement(shape)
        try:
            went = self._db.conn.inserted(  # type: ignore[attr-defined]
                sql, [[row[c] for c in columns] for row, _ in rows]
            )
        except (psycopg.IntegrityError, psycopg.DataError) as exc:
            self._lost = str(exc).strip().splitlines()[0]
            self._refused.append(
                (
                    rows[0][1],
                    "is refused by our schema, or one of the records after it in its batch "
                    f"is ({self._lost})",
                )
            )
            return
        for (row, where), ok in zip(rows, went, strict=True):
            if not ok:
                self._refused.append((where, self._why_not(shape, row)))

    def _why_not(self, shape: TableShape, row: dict[str, Any]) -> str:
        where = " AND ".join(f"{quote(k)} = ?" for k in shape.key)
        taken = self._db.conn.execute(
            f"SELECT 1 FROM {quote(shape.name)} WHERE {where}", [row[k] for k in shape.key]
        ).fetchone()
        if taken is not None:
            return "appears twice (its key is already taken)"
        return "is refused by our schema (a value that must be unique is already taken)"

    def dangling(self, limit: int = 20) -> list[tuple[str, str, str]]:
        """References that do not resolve: (table, record key, table referred to), at most
        `limit` (none are looked for once the transaction is lost)."""
        if self._lost is not None:
            return []
        found: list[tuple[str, str, str]] = []
        for shape in self.tables():
            for fk in schema_info.foreign_keys(self._db, shape.name):
                if len(found) >= limit:
                    return found
                keys = ", ".join(f"c.{quote(k)}" for k in shape.key)
                rows = self._db.conn.execute(
                    f"SELECT {keys} FROM {quote(shape.name)} c "
                    f"WHERE c.{quote(fk.column)} IS NOT NULL AND NOT EXISTS ("
                    f"SELECT 1 FROM {quote(fk.other_table)} p "
                    f"WHERE p.{quote(fk.other_column)} = c.{quote(fk.column)}) LIMIT ?",
                    (limit - len(found),),
                ).fetchall()
                found += [
                    (shape.name, "/".join(str(v) for v in tuple(r)), fk.other_table) for r in rows
                ]
        return found
