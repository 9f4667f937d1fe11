"""The case store's handle on one database connection.

The connection is SQLite's (a folder case) or a `forensics.store.pg.PgConnection` (a case on
a PostgreSQL server) with the same surface; `engine` says which, and the few things that
differ by engine (table names, the error a refused duplicate raises, savepoints) are here.

The store reads and writes through the connection with SQL of its own (every write inside
`transaction()`). Exchange, redaction and merging, which work on every table generically, read
the tables' shapes through `schema_info` on either engine (sqlite-utils did it once, for
SQLite only; its import also cost 0.15-0.3 s).

Row semantics the store relies on:
- `query` gives rows as dicts with duplicate column names made unique (`id`, `id_2`), where a
  plain dict of a joined row would let the second `id` overwrite the first;
- `query` refuses statements that return no rows with a clear error (writes go through
  `conn.execute` inside `transaction()`);
- recursive triggers are on, so an INSERT OR REPLACE fires the FTS delete trigger.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Params = Sequence[Any] | Mapping[str, Any]

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


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
    """One connection with the store's row semantics.

    Args:
        conn: an open connection (the store's `connect` sets its pragmas and row factory), or
            a `PgConnection` with `engine=POSTGRESQL`.
        private_copy: a temporary folder holding the database actually read (a case on
            read-only media whose write-ahead log held changes); removed on close.
        engine: `SQLITE` or `POSTGRESQL`.
    """

    def __init__(
        self, conn: sqlite3.Connection, private_copy: Path | None = None, engine: str = SQLITE
    ) -> None:
        self.conn = conn
        self.private_copy = private_copy
        self.engine = engine
        self.with_commit: list[tuple[str, Sequence[Any]]] = []
        """Statements a server case sends together with the transaction's COMMIT (the custody
        head, the notifications: `custody`, `notify`), in one exchange; dropped on a
        rollback."""
        if engine == SQLITE:
            # Rows an INSERT OR REPLACE removes fire their delete triggers too, so the FTS
            # index stays right (sqlite-utils turns this on for the same reason).
            conn.execute("PRAGMA recursive_triggers = ON")

    @property
    def on_server(self) -> bool:
        """True for a case database on a PostgreSQL server."""
        return self.engine == POSTGRESQL

    @property
    def integrity_error(self) -> type[Exception]:
        """What this engine raises when a constraint (a UNIQUE index) refuses a write."""
        if self.engine == POSTGRESQL:
            import psycopg

            return psycopg.IntegrityError
        return sqlite3.IntegrityError

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Run a write that may be refused so that a refusal undoes only itself.

        PostgreSQL aborts the whole transaction on a refused statement; SQLite does not, and
        needs nothing here (its path stays as fast as it was).
        """
        if self.engine != POSTGRESQL or not self.conn.in_transaction:
            yield
            return
        self.conn.execute("SAVEPOINT pwb_write")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO SAVEPOINT pwb_write")
            raise
        self.conn.execute("RELEASE SAVEPOINT pwb_write")

    def query(self, sql: str, params: Params | None = None) -> Iterator[dict[str, Any]]:
        """Run a statement that returns rows; the rows come as dicts, read lazily.

        Raises:
            ValueError: the statement returns no rows (use `conn.execute` for writes).
        """
        cursor = self.conn.execute(sql, params) if params is not None else self.conn.execute(sql)
        if cursor.description is None:
            raise ValueError("query() is for statements that return rows; use conn.execute")
        keys = unique_keys(d[0] for d in cursor.description)
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    def stream(self, sql: str, params: Params = ()) -> Iterator[Any]:
        """The rows of a large read, fetched as they are used: SQLite's cursor already is;
        on a server, inside a transaction (a `snapshot()`), a server-side cursor pages them
        (outside one, the rows come at once, as `conn.execute` gives them)."""
        if self.engine == POSTGRESQL and self.conn.in_transaction:
            yield from self.conn.stream(sql, params)  # type: ignore[attr-defined]
        else:
            yield from self.conn.execute(sql, params)

    def table_names(self) -> list[str]:
        """Every table, virtual and shadow tables included, in creation order."""
        if self.engine == POSTGRESQL:
            rows = self.conn.execute(
                "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') AND relnamespace = "
                "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()) ORDER BY oid"
            )
            return [str(r[0]) for r in rows]
        rows = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return [str(r[0]) for r in rows]

    def close(self) -> None:
        """Close the connection (and remove a private copy)."""
        self.conn.close()
        if self.private_copy is not None:
            shutil.rmtree(self.private_copy, ignore_errors=True)
            self.private_copy = None
