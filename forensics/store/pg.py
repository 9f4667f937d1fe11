"""A case database on a PostgreSQL server, behind the connection interface the store uses.

The store talks to its connection as to a `sqlite3.Connection`: `execute(sql, params)` giving
a cursor (`fetchone`, `fetchall`, iteration, `rowcount`, `description`), `executemany`,
`in_transaction`, `close`. `PgConnection` gives psycopg 3 that shape: every statement goes
through `dialect.translate` (cached), rows come as `Row`s (by name and by position, like
`sqlite3.Row`), integral NUMERICs (a SUM of sizes) as ints. The connection is in autocommit
mode and the store's `transaction()` sends its own `BEGIN`/`COMMIT`, as on SQLite.

psycopg is imported when a server case is opened, never by a folder case: the SQLite path's
start-up stays as it was.

A statement PostgreSQL refuses ends the whole transaction (SQLite's ends only itself): a write
the store expects may be refused (a second copy of an item, which `record_rows` turns into
`DuplicateItemError`) is an `INSERT ... ON CONFLICT DO NOTHING` there (an edit runs inside
`Database.savepoint()`), so the refusal undoes only itself.

Each statement is an exchange with the server (about 1 ms here, more across a network) made
while the write lock is held, so a write sends as few as it can: BEGIN and the lock in one,
the custody head and the notifications with the COMMIT (`batch`, psycopg's pipeline mode):
5 exchanges to add an item where it took 11 (tests/forensics/store/test_round_trips.py).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from forensics.errors import CaseError, CaseWriteError
from forensics.store.dialect import COMPAT_FUNCTIONS, translate

if TYPE_CHECKING:
    import psycopg

    from forensics.store.location import ServerLocation

log = logging.getLogger(__name__)


class Row:
    """One result row: `row["name"]` or `row[0]`, `keys()`, iteration over the values."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: Mapping[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: str | int) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return tuple(self._values) == (tuple(other._values) if isinstance(other, Row) else other)

    def __hash__(self) -> int:
        return hash(tuple(self._values))

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


def _row_factory(cursor: Any) -> Any:
    names = [d.name for d in cursor.description or ()]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)

    def make(values: Sequence[Any]) -> Row:
        return Row(index, values)

    return make


_PLAN_EACH = "@@ pwb_tsquery("
"""A statement holding this (a full-text search) is planned for its values each time."""


class PgConnection:
    """A psycopg connection with the `sqlite3.Connection` surface the store uses."""

    def __init__(self, raw: psycopg.Connection[Any], location: ServerLocation) -> None:
        self.raw = raw
        self.location = location

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        cursor = self.raw.cursor(row_factory=_row_factory)
        text = translate(sql)
        # psycopg prepares a statement run five times, and the server may then keep one
        # generic plan for every value. A full-text search's best plan depends on how often
        # the word occurs (a rare one: the GIN index, then sort; a common one: walk the
        # insertion order and stop at the page's end), so it is planned for each value:
        # a generic plan cost 20-80 ms a keystroke where a fitted one costs 1-3.
        cursor.execute(text, params, prepare=False if _PLAN_EACH in text else None)
        return cursor

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> Any:
        cursor = self.raw.cursor(row_factory=_row_factory)
        cursor.executemany(translate(sql), seq)
        return cursor

    def inserted(self, sql: str, seq: Sequence[Sequence[Any]]) -> list[bool]:
        """Run an `INSERT ... RETURNING` once per parameter row, pipelined (one round trip for
        the batch, not one per row), and say for each row whether it returned one (went in)."""
        cursor = self.raw.cursor()
        cursor.executemany(translate(sql), seq, returning=True)
        went: list[bool] = []
        while True:
            went.append(cursor.fetchone() is not None)
            if not cursor.nextset():
                break
        return went

    def stream(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Iterator[Row]:
        """The rows of a large read through a server-side cursor, a page at a time (inside a
        transaction: a snapshot), so a million custody entries never sit in memory at once."""
        with self.raw.cursor(name=f"pwb_{uuid.uuid4().hex}", row_factory=_row_factory) as cur:
            cur.itersize = 2000
            cur.execute(translate(sql), params)
            yield from cur

    def batch(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Run statements whose results nobody reads in one exchange with the server
        (psycopg's pipeline mode): a commit and the notifications sent with it."""
        with self.raw.pipeline(), self.raw.cursor() as cur:
            for sql, params in statements:
                cur.execute(translate(sql), params)

    def copy_in(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Load rows into `table` with COPY (one stream, no statement per row): how a whole
        case reaches a server (`copy_rows`). Names are the schema's own, never a user's.

        Returns:
            The rows loaded.
        """
        listed = ", ".join(f'"{c}"' for c in columns)
        n = 0
        with (
            self.raw.cursor() as cur,
            cur.copy(f'COPY "{table}" ({listed}) FROM STDIN'.encode()) as copy,
        ):
            for row in rows:
                copy.write_row(row)
                n += 1
        return n

    def execute_schema(self, sql: str) -> None:
        """Run a schema statement as written (PostgreSQL SQL, no parameters)."""
        self.raw.execute(sql.encode())

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


def _numeric_loader() -> type:
    from psycopg.types.numeric import NumericLoader

    class IntOrFloat(NumericLoader):
        """An integral NUMERIC as int (SUM of BIGINTs), any other as float, as SQLite."""

        def load(self, data: Any) -> Any:
            value = super().load(data)
            return int(value) if value == value.to_integral_value() else float(value)

    return IntOrFloat


def connect_server(location: ServerLocation, *, readonly: bool = False) -> PgConnection:
    """Connect to a case database (credentials from libpq's usual places).

    Raises:
        CaseError: the server cannot be reached or refuses us (the reason, the URL without
            any password).
    """
    import psycopg

    try:
        raw = psycopg.connect(location.url, autocommit=True, application_name="pwb")
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise CaseError(
            f"{location.shown}: cannot connect to the case database ({reason})"
        ) from exc
    raw.adapters.register_loader("numeric", _numeric_loader())
    if readonly:
        raw.execute(b"SET default_transaction_read_only = on")
    return PgConnection(raw, location)


def install_compat(conn: PgConnection) -> None:
    """Create the functions the translated SQL calls (`dialect.COMPAT_FUNCTIONS`)."""
    for statement in COMPAT_FUNCTIONS:
        conn.execute_schema(statement)


_SQLSTATE_REASONS = {
    "42501": "your role may not change this case (ask its administrator)",
    "25006": "the case is open for reading only",
    "53100": "the server's disk is full",
    "40001": "another examiner's change got there first; try again",
    "40P01": "another examiner's change got there first (deadlock); try again",
}


def write_error(exc: BaseException) -> CaseWriteError | None:
    """The `CaseWriteError` for a write the server refused, or None for a bug of ours."""
    import psycopg

    if not isinstance(exc, psycopg.Error):
        return None
    state = getattr(exc, "sqlstate", None) or ""
    reason = _SQLSTATE_REASONS.get(state)
    if reason is None and (state.startswith("08") or isinstance(exc, psycopg.OperationalError)):
        reason = f"the connection to the server failed ({str(exc).strip()})"
    return None if reason is None else CaseWriteError("cannot write the case: " + reason)
