"""Reading another party's case database as data, never as a live database (issue 14).

A received `case.db` is an SQLite file someone else wrote: its schema can carry triggers that
fire on our writes, views and generated columns that run on every read, or an older schema our
migrations would crash on. So it never becomes our case and none of its SQL runs here:

1. it is opened read-only and immutable, with `trusted_schema=OFF`, so no SQL function in its
   schema may run and nothing can be written to it;
2. its schema (every `sqlite_master` row: type, name, table and SQL) must be exactly the one
   our own migrations make in a fresh case, and its schema versions exactly ours; an extra
   trigger, view, index or column, or an older or newer version, refuses it;
3. `PRAGMA integrity_check` (the full check: a corrupt index passes `quick_check`);
4. the rows of every table are read with plain SELECTs of our declared columns and copied into
   a fresh case that our migrations made, each value checked against the record declarations
   through a msgspec schema derived from them (`forensics.records.row_schema`: type,
   nullability, length, vocabulary, sha256 as 64 hex digits, ids as UUIDs) plus JSON and, for
   the tables no record type declares (custody, case facts), SQL types and digests (or
   `deleted` in a custody entry's record digest),
   and every reference must resolve (`PRAGMA foreign_key_check`).
Full-text indexes are never copied: our own triggers rebuild them from the copied rows.

Defensive mode (`SQLITE_DBCONFIG_DEFENSIVE`) is set where Python can set it
(`Connection.setconfig`, Python 3.12+). Python 3.11's `sqlite3` cannot; there the substitute
is what this module does anyway: the file is opened read-only and immutable, never written,
and its schema is refused unless it is ours, which leaves defensive mode nothing to guard.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from forensics.errors import SchemaTooNewError
from forensics.records.declare import FieldSpec, RecordType
from forensics.records.registry import RECORD_TYPES
from forensics.records.row_schema import is_sha256_column, row_problem
from forensics.store.custody import DELETED
from forensics.store.database import Database
from forensics.store.db import applied_versions, check_not_newer, transaction
from forensics.store.record_tables import stream_tables
from forensics.store.rows import quote

MAX_VALUE_BYTES = 16 << 20
"""Largest single text or blob value a received row may hold (a record, not a file)."""

_HEX64 = re.compile(r"[0-9a-f]{64}")
_SQL_PY: dict[str, tuple[type, ...]] = {
    "TEXT": (str,),
    "INTEGER": (int,),
    "REAL": (float, int),
    "BLOB": (bytes,),
}


class Refused(Exception):
    """The received database is not one we read; `reasons` says why."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@contextmanager
def open_received(path: Path) -> Iterator[Database]:
    """Open a received database read-only and immutable, with no trust in its schema."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise Refused([f"case.db cannot be opened ({exc})"]) from exc
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        setconfig = getattr(conn, "setconfig", None)  # Python 3.12+
        defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
        if setconfig is not None and defensive is not None:
            setconfig(defensive, True)
        conn.execute("PRAGMA query_only = ON")
        conn.row_factory = sqlite3.Row
        yield Database(conn)
    finally:
        conn.close()


def schema(db: Database) -> set[tuple[str, str, str, str | None]]:
    """Every schema object as `(type, name, tbl_name, sql)`."""
    rows = db.conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
    return {(str(r[0]), str(r[1]), str(r[2]), None if r[3] is None else str(r[3])) for r in rows}


def _copied_tables(ours: Database) -> list[str]:
    """Our ordinary tables in creation order, without virtual tables, their shadow tables and
    the tables that never travel (`record_tables.NOT_COPIED`): the same tables a format-2
    archive carries as streams."""
    return [shape.name for shape in stream_tables(ours)]


def check_received(theirs: Database, ours: Database, where: Path) -> None:
    """Steps 2 and 3: their schema and versions are exactly ours, and the file is sound.

    Raises:
        Refused: naming every difference (at most 20) or the damage found.
        SchemaTooNewError: the records come from a newer version.
    """
    try:
        check_not_newer(theirs, where)
        their_schema = schema(theirs)
        their_versions = applied_versions(theirs)
    except sqlite3.DatabaseError as exc:
        raise Refused([f"case.db is not a readable case database ({exc})"]) from exc
    reasons: list[str] = []
    mine = applied_versions(ours)
    for component in sorted(set(mine) | set(their_versions)):
        if their_versions.get(component) != mine.get(component):
            reasons.append(
                f"case.db's '{component}' schema is version {their_versions.get(component)}, "
                f"this version writes {mine.get(component)}: repack it with this version"
            )
    our_schema = schema(ours)
    for kind, name, _table, _sql in sorted(their_schema - our_schema, key=str)[:20]:
        same_name = any(o[1] == name for o in our_schema)
        what = "differs from ours" if same_name else "is not in our schema"
        reasons.append(f"case.db's {kind} {name!r} {what}")
    for kind, name, _table, _sql in sorted(our_schema - their_schema, key=str)[:20]:
        if not any(t[1] == name for t in their_schema):
            reasons.append(f"case.db lacks our {kind} {name!r}")
    if reasons:
        raise Refused(reasons)
    try:
        found = [str(r[0]) for r in theirs.conn.execute("PRAGMA integrity_check(10)")]
    except sqlite3.DatabaseError as exc:
        found = [str(exc)]
    if found != ["ok"]:
        raise Refused([f"case.db is damaged: {p}" for p in found])


def _declared() -> dict[str, RecordType[Any]]:
    """table -> the record type whose rows it holds."""
    return {t.table: t for t in RECORD_TYPES if t.stored}


def _value_problem(column: str, sql_type: str, value: Any, spec: FieldSpec | None) -> str | None:
    """Why one received value is not one our schema allows, or None: the checks for tables no
    record type declares (custody, case facts, bookkeeping), and JSON for declared ones."""
    if value is None:
        return None  # NOT NULL is our schema's to enforce, and it names the column
    allowed = _SQL_PY.get(sql_type.upper())
    if allowed is not None and (not isinstance(value, allowed) or isinstance(value, bool)):
        return f"holds a {type(value).__name__}, declared {sql_type}"
    if isinstance(value, str | bytes) and len(value) > MAX_VALUE_BYTES:
        return f"holds {len(value)} bytes, over the {MAX_VALUE_BYTES} a record value may"
    sha_column = is_sha256_column(column)
    if sha_column and isinstance(value, str) and not _HEX64.fullmatch(value) and value != DELETED:
        return "is not a sha256 (64 lowercase hex digits)"
    if spec is None:
        return None
    if spec.json:
        try:
            json.loads(value)
        except (TypeError, ValueError):
            return "does not hold JSON"
    return None


def copy_records(theirs: Database, ours: Database) -> int:
    """Step 4: copy every row of their tables into our fresh database, as checked data.

    Returns:
        How many rows were copied.

    Raises:
        Refused: naming the table, record and field of each violation (at most 20).
    """
    declared = _declared()
    reasons: list[str] = []
    count = 0
    with transaction(ours) as conn:
        conn.execute("PRAGMA defer_foreign_keys = ON")
        for table in _copied_tables(ours):
            info = conn.execute(f"PRAGMA table_info({quote(table)})").fetchall()
            cols = [(str(c[1]), str(c[2])) for c in info]
            names = ", ".join(quote(c) for c, _ in cols)
            marks = ", ".join("?" for _ in cols)
            insert = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"
            record_type = declared.get(table)
            specs = {f.column: f for f in record_type.fields} if record_type else {}
            try:
                rows = theirs.conn.execute(f"SELECT {names} FROM {quote(table)}")
                for row in rows:
                    values = tuple(row)
                    label = f"{table} {values[0]!r}"
                    bad = [
                        f"record {label}: field {c!r} {p}"
                        for (c, t), v in zip(cols, values, strict=True)
                        if (p := _value_problem(c, t, v, specs.get(c))) is not None
                    ]
                    if record_type is not None and not bad:
                        row_dict = {c: v for (c, _), v in zip(cols, values, strict=True)}
                        declared_row = {c: row_dict[c] for c in specs}
                        problem = row_problem(record_type, declared_row)
                        if problem is not None:
                            bad.append(f"record {label}: {_field_named(problem)}")
                    if bad:
                        reasons += bad
                        if len(reasons) >= 20:
                            raise Refused(reasons[:20])
                        continue
                    try:
                        conn.execute(insert, values)
                    except sqlite3.IntegrityError as exc:
                        reasons.append(f"record {label}: {exc}")
                    count += 1
            except sqlite3.DatabaseError as exc:
                raise Refused([f"case.db's table {table!r} cannot be read ({exc})"]) from exc
        if not reasons:
            for r in conn.execute("PRAGMA foreign_key_check").fetchall()[:20]:
                reasons.append(
                    f"record {r[0]} (row {r[1]}) refers to a {r[2]} record that is not there"
                )
        if reasons:
            raise Refused(reasons[:20])
    return count


def _field_named(problem: str) -> str:
    """msgspec's "Expected `str`, got `int` - at `$.name`" as "field 'name': expected ..."."""
    message, sep, where = problem.rpartition(" - at `$.")
    if not sep:
        return problem
    return f"field {where.rstrip('`')!r}: {message[:1].lower()}{message[1:]}"


def copy_received(path: Path, ours: Database, where: Path) -> int:
    """Check the received database at `path` and copy its records into `ours` (fresh, migrated).

    Raises:
        Refused: the received database is not one we read, with every reason.
        SchemaTooNewError: it comes from a newer version.
    """
    with open_received(path) as theirs:
        check_received(theirs, ours, where)
        return copy_records(theirs, ours)


__all__ = ["MAX_VALUE_BYTES", "Refused", "SchemaTooNewError", "copy_received"]
