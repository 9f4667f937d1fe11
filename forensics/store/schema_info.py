"""Our tables as the database itself describes them, on either engine.

Packing, unpacking and merging work on every table generically: which tables hold records,
their columns, keys and foreign keys. Those come from the case's own database (made by our
migrations), never from an archive. SQLite says it through `sqlite_master` and its table
pragmas; PostgreSQL through its catalogue. Both answer in SQLite's words (column types TEXT,
INTEGER, REAL, BLOB), and the server's `rowid` identity column, which stands for SQLite's
implicit one, is not a column of the case: each engine numbers its own rows.

On SQLite the answers come from sqlite-utils, the project's SQLite table layer (tables,
virtual tables, columns, primary and foreign keys), imported here on first use: it costs
0.15-0.3 s, which a command that only opens a case must not pay. Its write methods are never
used (they commit as they go, which would end the store's transaction early).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from forensics.store.rows import quote

if TYPE_CHECKING:
    import sqlite_utils

    from forensics.store.database import Database

ENGINE_ROWID = "rowid"
"""The server's identity column standing for SQLite's rowid (see `dialect.schema_statements`)."""

_PG_TYPES = {
    "text": "TEXT",
    "bigint": "INTEGER",
    "integer": "INTEGER",
    "smallint": "INTEGER",
    "boolean": "INTEGER",
    "double precision": "REAL",
    "real": "REAL",
    "bytea": "BLOB",
}


@dataclass(frozen=True)
class ColumnInfo:
    """One column: name, SQL type in SQLite's words, NOT NULL, place in the primary key (0:
    not part of it)."""

    name: str
    sql: str
    notnull: bool
    pk: int


@dataclass(frozen=True)
class ForeignKey:
    """`column` of a table refers to `other_table.other_column`."""

    column: str
    other_table: str
    other_column: str


def _utils(db: Database) -> sqlite_utils.Database:
    """sqlite-utils over the case's own SQLite connection (no plugins: nothing but ours runs
    on a case's connection)."""
    import sqlite_utils

    return sqlite_utils.Database(db.conn, execute_plugins=False)


def data_tables(db: Database) -> list[str]:
    """Every ordinary table in creation order: no full-text tables (SQLite's virtual tables
    and their shadow tables, the server's tsvector tables), which triggers keep, and no
    SQLite internals."""
    if db.on_server:
        return [t for t in db.table_names() if not t.endswith("_fts")]
    utils = _utils(db)
    virtual = [*utils.table_names(fts4=True), *utils.table_names(fts5=True)]
    return [
        t
        for t in utils.table_names()
        if t not in virtual
        and not t.startswith("sqlite_")
        and not any(t.startswith(v + "_") for v in virtual)
    ]


def columns(db: Database, table: str) -> list[ColumnInfo]:
    """A table's columns in order (without the server's `rowid`)."""
    if not db.on_server:
        return [
            ColumnInfo(c.name, str(c.type).upper() or "TEXT", bool(c.notnull), int(c.is_pk))
            for c in _utils(db).table(table).columns
        ]
    keys = primary_key(db, table)
    rows = db.conn.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull "
        "FROM pg_attribute a WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 "
        "AND NOT a.attisdropped ORDER BY a.attnum",
        (quote(table),),
    ).fetchall()
    return [
        ColumnInfo(
            str(r[0]),
            _PG_TYPES.get(str(r[1]), str(r[1]).upper()),
            bool(r[2]),
            keys.index(str(r[0])) + 1 if str(r[0]) in keys else 0,
        )
        for r in rows
        if str(r[0]) != ENGINE_ROWID
    ]


def primary_key(db: Database, table: str) -> list[str]:
    """The primary key's columns, in key order (empty: the table has none)."""
    if not db.on_server:
        return [c.name for c in sorted(columns(db, table), key=lambda c: c.pk) if c.pk > 0]
    rows = db.conn.execute(
        "SELECT a.attname FROM pg_index i "
        "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY k.n",
        (quote(table),),
    ).fetchall()
    return [str(r[0]) for r in rows]


def foreign_keys(db: Database, table: str) -> list[ForeignKey]:
    """The table's foreign keys (each of ours is one column referring to an `id`)."""
    if not db.on_server:
        return [
            ForeignKey(str(fk.column), str(fk.other_table), str(fk.other_column or "id"))
            for fk in _utils(db).table(table).foreign_keys
        ]
    rows = db.conn.execute(
        "SELECT a.attname, p.relname, pa.attname FROM pg_constraint c "
        "JOIN pg_class p ON p.oid = c.confrelid "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1] "
        "WHERE c.conrelid = to_regclass(?) AND c.contype = 'f' ORDER BY c.oid",
        (quote(table),),
    ).fetchall()
    return [ForeignKey(str(r[0]), str(r[1]), str(r[2])) for r in rows]


def without_engine_rowid(db: Database, row: dict[str, object]) -> dict[str, object]:
    """A row read with `SELECT *` as the case's columns only (the server's `rowid` dropped)."""
    if db.on_server:
        row.pop(ENGINE_ROWID, None)
    return row
