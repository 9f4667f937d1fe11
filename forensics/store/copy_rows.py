"""Every row of one case database into a fresh one, whichever engine each is on.

`pwb copy-case` moves a case between a folder and a server (either way): the same case, so
everything is copied as stored (the custody chain verbatim, its seals and keys, the merges'
records, the states it exchanged), table by table in the destination's creation order, rows in
their insertion order (`rowid`), inside one transaction with foreign keys checked at its end.
Not copied: the schema versions (the destination's own migrations made it), a server case's
in-flight markers, and the full-text tables, which the destination's triggers fill as the rows
arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from forensics.errors import CaseError
from forensics.store.db import snapshot, transaction
from forensics.store.dialect import fts_bulk, fts_declarations
from forensics.store.migrations import components
from forensics.store.rows import quote

if TYPE_CHECKING:
    from forensics.store.database import Database

SKIPPED = frozenset({"schema_version", "evidence_inflight"})
"""Not case content: the schema versions, and a server case's in-flight markers (live
writers' coordination, `inflight_db`)."""
NOT_A_ROW = frozenset({"rowid"})
"""A server case's identity column standing for SQLite's implicit rowid: each side numbers."""
LOCAL_FACTS = frozenset({"evidence_store"})
"""`case_info` keys that say where this copy keeps things, not facts of the case."""
_BATCH = 500


def _copied_tables(source: Database, dest: Database) -> list[str]:
    """Tables both hold, in the destination's creation order (parents first)."""
    theirs = set(source.table_names())
    fts = [t for t in dest.table_names() if t.endswith("_fts")]
    return [
        t
        for t in dest.table_names()
        if t in theirs
        and t not in SKIPPED
        and not t.startswith("sqlite_")
        and t not in fts
        and not any(t.startswith(f + "_") for f in fts)
    ]


def _columns(db: Database, table: str) -> list[str]:
    cursor = db.conn.execute(f"SELECT * FROM {quote(table)} LIMIT 0")
    return [str(d[0]) for d in cursor.description]


def copy_rows(
    source: Database,
    dest: Database,
    *,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, int]:
    """Copy every row of `source` into the fresh database `dest`.

    Args:
        source: the case's database (read in one snapshot).
        dest: a database its migrations just made, holding no rows.
        progress: (tables done, tables, table name) as each table starts.

    Returns:
        table -> rows copied.

    Raises:
        CaseError: the destination refused a row (with the table and the reason).
    """
    tables = _copied_tables(source, dest)
    counts: dict[str, int] = {}
    with snapshot(source), transaction(dest):
        after: list[str] = []
        if dest.on_server:
            dest.conn.execute("SET CONSTRAINTS ALL DEFERRED")
            after = _set_full_text_aside(dest)
        else:
            dest.conn.execute("PRAGMA defer_foreign_keys = ON")
        for done, table in enumerate(tables):
            if progress is not None:
                progress(done, len(tables), table)
            ours = set(_columns(dest, table))
            names = [c for c in _columns(source, table) if c in ours and c not in NOT_A_ROW]
            listed = ", ".join(quote(c) for c in names)
            rows = source.conn.execute(f"SELECT {listed} FROM {quote(table)} ORDER BY rowid")
            if dest.on_server:
                counts[table] = _copy_in(dest, table, names, rows)
                continue
            insert = (
                f"INSERT INTO {quote(table)} ({listed}) VALUES ({', '.join('?' for _ in names)})"
            )
            counts[table] = _insert_all(dest, table, insert, rows, names)
        if progress is not None and after:
            progress(len(tables), len(tables), "full-text index")
        if after:
            # The foreign keys checked now, not at commit: a table with checks pending
            # cannot have its trigger turned back on (the result is the same).
            dest.conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in after:
            dest.conn.execute_schema(statement)  # type: ignore[attr-defined]
    return counts


def _set_full_text_aside(dest: Database) -> list[str]:
    """Set the server's full-text triggers and indexes aside for the copy (`fts_bulk`);
    returns the statements that fill and index them once the rows are in."""
    statements = [s for ms in components().values() for m in ms for s in m.statements]
    after: list[str] = []
    for name, (content, columns) in fts_declarations(statements).items():
        before, then = fts_bulk(name, content, columns)
        for statement in before:
            dest.conn.execute_schema(statement)  # type: ignore[attr-defined]
        after.extend(then)
    return after


def _copy_in(dest: Database, table: str, names: list[str], rows: Any) -> int:
    """The rows into a server case's table with COPY (one stream, not a statement a row)."""
    skip = names.index("key") if table == "case_info" else None
    wanted = (tuple(r) for r in rows if skip is None or r[skip] not in LOCAL_FACTS)
    try:
        return int(dest.conn.copy_in(table, names, wanted))  # type: ignore[attr-defined]
    except Exception as exc:
        raise CaseError(f"copying {table}: the destination refused a row ({exc})") from exc


def _insert_all(dest: Database, table: str, insert: str, rows: Any, names: list[str]) -> int:
    count = 0
    skip = names.index("key") if table == "case_info" else None
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        values = tuple(row)
        if skip is not None and values[skip] in LOCAL_FACTS:
            continue
        batch.append(values)
        if len(batch) >= _BATCH:
            count += _flush(dest, table, insert, batch)
    return count + _flush(dest, table, insert, batch)


def _flush(dest: Database, table: str, insert: str, batch: list[tuple[Any, ...]]) -> int:
    if not batch:
        return 0
    try:
        dest.conn.executemany(insert, batch)
    except Exception as exc:
        raise CaseError(f"copying {table}: the destination refused a row ({exc})") from exc
    n = len(batch)
    batch.clear()
    return n
