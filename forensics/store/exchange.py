"""SQL for exchanging cases: snapshots, generic row access, custody rewriting.

Packing, redaction and merging work on every record table the same way (every record table has
a uuid `id` primary key), so they read and write rows through these generic functions instead
of each feature's repository. The table and column names used here come from the database's own
schema, read through `schema_info` (either engine), never from the archive or the user, and
are quoted. A merge writes into a folder case or a server case alike.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forensics.errors import CaseError
from forensics.store import schema_info
from forensics.store.custody import ENTRY_COLUMNS, HEAD_KEY, canonical_json, insert_entry
from forensics.store.rows import quote, set_columns

if TYPE_CHECKING:
    from forensics.store.database import Database

SYSTEM_TABLES = frozenset({"case_info", "custody", "schema_version", "case_examiners", "seals"})
"""Tables that are not records: case facts, the chain itself, the schema versions, and what
vouches for the chain (the examiners' keys, the seals): never merged from another case."""

EXCHANGE_TABLES = frozenset({"merges", "merge_conflicts", "imported_custody"})
"""The exchange feature's own bookkeeping: never merged from another case."""


def snapshot(db: Database, dest: Path) -> None:
    """Write a consistent copy of the whole database to `dest` (`VACUUM INTO`).

    The copy is one read transaction, so writers in other processes cannot tear it, and it
    holds no free pages.

    A case on a server is copied into `dest` the way `copy-case` copies it (one read
    transaction, REPEATABLE READ), into a database our migrations made: what follows (trim,
    redact, streams) then works on one SQLite snapshot whatever the engine.

    Raises:
        CaseError: the copy could not be written.
    """
    if db.on_server:
        from forensics.store.copy_rows import copy_rows
        from forensics.store.db import connect, migrate

        copy = connect(dest)
        try:
            migrate(copy, dest)
            copy_rows(db, copy)
        finally:
            copy.close()
        return
    try:
        db.conn.execute("VACUUM INTO ?", (str(dest),))
    except sqlite3.Error as exc:
        raise CaseError(f"cannot snapshot the case database to {dest}: {exc}") from exc


def vacuum(db: Database) -> None:
    """Rebuild a database file so deleted rows leave no trace in free pages."""
    db.conn.execute("VACUUM")


def data_tables(db: Database) -> list[str]:
    """Every ordinary table that holds case data (no system, virtual or shadow tables), by
    name."""
    return sorted(t for t in schema_info.data_tables(db) if t not in SYSTEM_TABLES)


def columns(db: Database, table: str) -> list[str]:
    """The column names of a table, in order."""
    return [c.name for c in schema_info.columns(db, table)]


def has_uuid_id(db: Database, table: str) -> bool:
    """True for a record table: its one-column primary key is `id`."""
    return schema_info.primary_key(db, table) == ["id"]


def record_tables(db: Database) -> list[str]:
    """Tables whose rows are records with a uuid `id`."""
    return [t for t in data_tables(db) if has_uuid_id(db, t)]


def rows(db: Database, table: str) -> Iterator[dict[str, Any]]:
    """Every row of a table as a dict (keyless tables include their `rowid` as `_rowid_`)."""
    if has_uuid_id(db, table):
        sql = f"SELECT * FROM {quote(table)} ORDER BY rowid"
    else:
        sql = f"SELECT rowid AS _rowid_, * FROM {quote(table)} ORDER BY rowid"
    for row in db.conn.execute(sql):
        yield schema_info.without_engine_rowid(db, dict(row))


def get_row(db: Database, table: str, record_id: str) -> dict[str, Any] | None:
    """One record by id, or None."""
    row = db.conn.execute(f"SELECT * FROM {quote(table)} WHERE id = ?", (record_id,)).fetchone()
    return None if row is None else schema_info.without_engine_rowid(db, dict(row))


BATCH = 500
"""Records read or written per statement by the batch forms below (one round trip each on a
server, where one per record was most of a merge's time)."""


def get_rows(db: Database, table: str, record_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Records by id, `BATCH` ids per query; ids with no record are left out."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(record_ids), BATCH):
        chunk = list(record_ids[start : start + BATCH])
        marks = ", ".join("?" for _ in chunk)
        for row in db.conn.execute(f"SELECT * FROM {quote(table)} WHERE id IN ({marks})", chunk):
            record = schema_info.without_engine_rowid(db, dict(row))
            found[str(record["id"])] = record
    return found


def insert_rows(
    db: Database, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows given as values in `columns`' order, `BATCH` per call (`executemany`)."""
    names = ", ".join(quote(c) for c in columns)
    sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join('?' for _ in columns)})"
    for start in range(0, len(rows), BATCH):
        db.conn.executemany(sql, list(rows[start : start + BATCH]))


def ids(db: Database, table: str) -> set[str]:
    """Every id of a record table."""
    return {str(r[0]) for r in db.conn.execute(f"SELECT id FROM {quote(table)}")}


def update_row(db: Database, table: str, record_id: str, values: Mapping[str, Any]) -> None:
    """Set columns of one record."""
    set_columns(db, table, "id", record_id, values)


def update_rowid(db: Database, table: str, rowid: int, values: Mapping[str, Any]) -> None:
    """Set columns of one row of a keyless table."""
    set_columns(db, table, "rowid", rowid, values)


def delete_ids(db: Database, table: str, record_ids: Iterable[str]) -> int:
    """Delete records by id; returns how many went."""
    count = 0
    for record_id in record_ids:
        count += db.conn.execute(f"DELETE FROM {quote(table)} WHERE id = ?", (record_id,)).rowcount
    return count


def delete_rowids(db: Database, table: str, rowids: Iterable[int]) -> int:
    """Delete rows of a keyless table by rowid."""
    count = 0
    for rowid in rowids:
        count += db.conn.execute(f"DELETE FROM {quote(table)} WHERE rowid = ?", (rowid,)).rowcount
    return count


ForeignKeys = dict[str, list[tuple[str, str, bool]]]
"""Table -> the `(table, column, keyed)` whose foreign keys point at its `id`."""


def foreign_keys_to_ids(db: Database) -> ForeignKeys:
    """Which columns of which tables point at the `id` of each table (read once, reused)."""
    found: ForeignKeys = {}
    for other in data_tables(db):
        keyed = has_uuid_id(db, other)
        for fk in schema_info.foreign_keys(db, other):
            if fk.other_column == "id":
                found.setdefault(fk.other_table, []).append((other, fk.column, keyed))
    return found


def referencing_rows(
    db: Database, table: str, record_id: str, fks: ForeignKeys | None = None
) -> list[tuple[str, str]]:
    """The rows whose foreign keys point at one record: `(table, id)` (`rowid N` if keyless).

    A merge must not delete a record our other rows still point at.

    Args:
        db: the case database.
        table: the record's table.
        record_id: its id.
        fks: `foreign_keys_to_ids(db)` when the caller asks about many records.
    """
    found: list[tuple[str, str]] = []
    for other, column, keyed in (fks if fks is not None else foreign_keys_to_ids(db)).get(
        table, []
    ):
        key = "id" if keyed else "'rowid ' || rowid"
        sql = f"SELECT {key} FROM {quote(other)} WHERE {quote(column)} = ?"
        found += [(other, str(r[0])) for r in db.conn.execute(sql, (record_id,))]
    return found


def savepoint(db: Database, name: str) -> None:
    """Open a savepoint inside the current transaction."""
    db.conn.execute(f"SAVEPOINT {quote(name)}")


def release(db: Database, name: str, *, undo: bool = False) -> None:
    """Close a savepoint, first undoing what was done since it when `undo`."""
    if undo:
        db.conn.execute(f"ROLLBACK TO {quote(name)}")
    db.conn.execute(f"RELEASE {quote(name)}")


def clear_table(db: Database, table: str) -> None:
    """Delete every row of a table."""
    db.conn.execute(f"DELETE FROM {quote(table)}")


def clear_seals(db: Database) -> None:
    """Remove the seals from a snapshot whose chain is re-based: they seal the case's own
    chain, which the archive no longer carries (its manifest names that head)."""
    db.conn.execute("DELETE FROM seals")


def clear_examiner_keys(db: Database) -> set[str]:
    """Remove the examiners' names and keys from a snapshot (a people redaction: a key
    identifies its holder as surely as a name).

    Returns:
        The fingerprints removed, so their custody entries can be left out too.
    """
    gone = {str(r[0]) for r in db.conn.execute("SELECT fingerprint FROM case_examiners")}
    db.conn.execute("DELETE FROM case_examiners")
    return gone


def case_info(db: Database) -> dict[str, str]:
    """The case facts as stored (key -> value)."""
    return {str(r[0]): str(r[1]) for r in db.conn.execute("SELECT key, value FROM case_info")}


def set_case_info(db: Database, key: str, value: str) -> None:
    """Write one case fact (used only on a snapshot being prepared for export)."""
    db.conn.execute(
        "INSERT INTO case_info (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def custody_rows(db: Database) -> list[dict[str, Any]]:
    """The custody chain as stored, in order."""
    return [
        schema_info.without_engine_rowid(db, dict(r))
        for r in db.conn.execute("SELECT * FROM custody ORDER BY seq")
    ]


_CHAIN_FIELDS = tuple(
    c
    for c in ENTRY_COLUMNS
    if c not in ("seq", "prev_hash", "hash", "signer", "actor_given", "signature")
)
"""What an entry says; its place in the chain (`seq`, `prev_hash`, `hash`) is recomputed.
A re-based entry has a new hash its examiner never signed, so it goes unsigned (the
archive's own signature covers it)."""


def rewrite_custody(db: Database, entries: Sequence[Mapping[str, Any]]) -> str:
    """Replace the chain of a snapshot with new entries, re-linked and re-hashed from genesis.

    Only an export snapshot is ever rewritten (a selection or a redaction changes what the
    entries may say); the case's own chain is append-only.

    Args:
        db: the snapshot database, inside a transaction.
        entries: the entries in order; `seq`, `prev_hash` and `hash` are recomputed.

    Returns:
        The hash of the new head.
    """
    db.conn.execute("DELETE FROM custody")
    prev = "0" * 64
    seq = 0
    for entry in entries:
        seq += 1
        fields: dict[str, Any] = {k: entry.get(k) for k in _CHAIN_FIELDS}
        fields.update(seq=seq, prev_hash=prev)
        prev = insert_entry(db, fields)["hash"]
    set_case_info(db, HEAD_KEY, canonical_json({"seq": seq, "hash": prev}))
    return prev


def defer_foreign_keys(db: Database) -> None:
    """Check foreign keys at commit rather than per statement (rows arrive in any order)."""
    if db.on_server:
        db.conn.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        db.conn.execute("PRAGMA defer_foreign_keys = ON")


def foreign_keys_off(db: Database) -> None:
    """Stop enforcing foreign keys on this connection (an export snapshot being trimmed)."""
    db.conn.execute("PRAGMA foreign_keys = OFF")


def integrity_problems(db: Database) -> list[str]:
    """What `PRAGMA quick_check` reports, empty when the file is sound."""
    try:
        found = [str(r[0]) for r in db.conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if found == ["ok"] else found
