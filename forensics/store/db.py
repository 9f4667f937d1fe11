"""Opening case databases, transactions and forward migrations.

The connection runs in autocommit mode and every write goes through `transaction()`, an
explicit `BEGIN IMMEDIATE`: the custody chain reads its last hash and appends inside the same
write lock, so two writers can never fork the chain. A write the database refuses (locked by
another program past the busy timeout, disk full, read-only media) becomes a `CaseWriteError`
naming the reason, never a bare sqlite3 traceback. `snapshot()` is the read-side twin: one read
transaction, so a reader (verify) sees one consistent state however many writers commit.

Read-only media: a case in WAL mode is normally read through its `-shm` index, which SQLite
must be able to create or write. On a folder nobody can write (a write-blocker, a DVD, a
read-only share) the database is opened with `immutable=1`, which reads `case.db` without any
locking or shared memory. The caveat, and why it is used only there: `immutable` promises
SQLite the file cannot change. If another machine writes to the same share while we read,
SQLite does not notice and may return inconsistent rows; and it ignores a `-wal` file. A case
whose `-wal` still holds committed changes (copied while a process had it open) is therefore
copied, database and log, to a private temporary folder and read there instead, so nothing
committed is silently missed.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from forensics.errors import CaseError, CaseWriteError, SchemaTooNewError
from forensics.store.database import POSTGRESQL, Database
from forensics.store.migrations import Migration, components

if TYPE_CHECKING:
    from forensics.store.location import ServerLocation

log = logging.getLogger(__name__)


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string with microseconds and a `Z`."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id() -> str:
    """A new random id: a version-4 UUID spelled as `str(uuid.uuid4())` spells it (122
    random bits, the version and variant bits set), at a third of its cost (a card's every
    item and custody entry takes one)."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


_VARIANT = "89ab"
"""The first hex digit of an RFC 4122 variant's clock sequence (bits 10xx)."""


def busy_timeout_ms() -> int:
    """How long a write waits for another writer's lock: `PWB_BUSY_TIMEOUT_MS`, else 30 s.

    A slow network share may want longer; tests of a locked database want shorter.
    """
    value = os.environ.get("PWB_BUSY_TIMEOUT_MS", "")
    return int(value) if value.isdigit() else 30000


def folder_writable(folder: Path) -> bool:
    """True when this process can create files in `folder` (False on read-only media).

    `os.access` answers for the file system too (a read-only mount says no even to root).
    """
    return os.access(folder, os.W_OK) and os.access(folder / "case.db", os.W_OK)


def connect(path: Path, *, readonly: bool = False) -> Database:
    """Open a case database with the pragmas every connection needs.

    Args:
        path: the `case.db` file.
        readonly: open with `mode=ro` so nothing can be written by accident; on read-only
            media with `immutable=1` (see the module's note).

    Returns:
        The store's `Database` over a connection in autocommit mode.
    """
    timeout = busy_timeout_ms()
    private: Path | None = None
    if readonly and not folder_writable(path.parent):
        path, private = _readable_copy(path)
        uri = f"{path.resolve().as_uri()}?mode=ro" + ("" if private else "&immutable=1")
    else:
        uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rwc'}"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout / 1000)
    except sqlite3.Error as exc:
        raise CaseError(f"{path}: cannot open the case database ({exc})") from exc
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {timeout}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed custody entry survives power loss, not only a killed process.
        conn.execute("PRAGMA synchronous = FULL")
    return Database(conn, private_copy=private)


def _readable_copy(path: Path) -> tuple[Path, Path | None]:
    """The database to read on read-only media: `path` itself, or a private copy of it and its
    write-ahead log when the log holds changes `immutable` would not see.

    Returns:
        The file to open and the private folder to remove on close (None: no copy).
    """
    wal = path.with_name(path.name + "-wal")
    if not wal.is_file() or wal.stat().st_size == 0:
        return path, None
    folder = Path(tempfile.mkdtemp(prefix="pwb-readonly-"))
    copy = folder / path.name
    shutil.copyfile(path, copy)
    shutil.copyfile(wal, folder / wal.name)
    # Opening the copy read-write replays its log into it; the case itself is never touched.
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    log.info("%s: read through a private copy (its write-ahead log held changes)", path)
    return copy, folder


_WRITE_REASONS = {
    sqlite3.SQLITE_BUSY: "the database is locked by another program (waited {timeout} s)",
    sqlite3.SQLITE_LOCKED: "the database is locked by another program (waited {timeout} s)",
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_READONLY: "read-only case: the case's folder or database cannot be written",
    sqlite3.SQLITE_IOERR: "an input/output error (the disk or share failed, or a file size limit)",
    sqlite3.SQLITE_CANTOPEN: "a file of the database cannot be created",
}


def write_error(exc: BaseException, db: Database | None = None) -> CaseWriteError | None:
    """The `CaseWriteError` for a refused write, or None for an error that is a bug of ours."""
    if db is not None and db.on_server:
        from forensics.store.pg import write_error as server_write_error

        return server_write_error(exc)
    if not isinstance(exc, sqlite3.OperationalError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    reason = _WRITE_REASONS.get(code & 0xFF)
    if reason is None:
        return None
    return CaseWriteError(
        "cannot write the case: " + reason.format(timeout=busy_timeout_ms() / 1000)
    )


@contextmanager
def snapshot(db: Database) -> Iterator[None]:
    """Run a block of reads inside one read transaction: one consistent state of the case.

    In WAL mode the snapshot is taken at the first read and held until the block ends; writers
    go on committing meanwhile and none of their changes is seen half-way.
    """
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")


@contextmanager
def transaction(db: Database) -> Iterator[sqlite3.Connection]:
    """Run a block inside one write transaction; roll back on any exception."""
    conn = db.conn
    if conn.in_transaction:
        # Nested use joins the outer transaction: the outer block decides commit or rollback.
        yield conn
        return
    db.with_commit.clear()
    try:
        if db.on_server:
            # SQLite's IMMEDIATE, on a server: one writer at a time, so the custody chain is
            # read and appended by one transaction alone (never forked) and two writers never
            # wait on each other's rows while holding it (no deadlock). Both statements in
            # one exchange with the server.
            conn.execute_schema(f"BEGIN; SELECT pg_advisory_xact_lock({int(WRITE_LOCK)})")  # type: ignore[attr-defined]
        else:
            conn.execute("BEGIN IMMEDIATE")
    except Exception as exc:
        raise (write_error(exc, db) or exc) from exc
    try:
        yield conn
        if db.with_commit:
            conn.batch([*db.with_commit, ("COMMIT", ())])  # type: ignore[attr-defined]
        else:
            conn.execute("COMMIT")
    except Exception as exc:
        _rollback(conn)
        raise (write_error(exc, db) or exc) from exc
    except BaseException:
        _rollback(conn)
        raise
    finally:
        db.with_commit.clear()


WRITE_LOCK = 0x707762_777269
"""The advisory lock key a server case's write transaction holds until it ends."""


def connect_server(location: ServerLocation, *, readonly: bool = False) -> Database:
    """Open a case database on a PostgreSQL server (see `forensics.store.pg`)."""
    from forensics.store.pg import connect_server as pg_connect

    conn = pg_connect(location, readonly=readonly)
    # PgConnection has the sqlite3.Connection surface the store uses.
    return Database(cast(sqlite3.Connection, conn), engine=POSTGRESQL)


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite may already have rolled back by itself (a full disk, an I/O error).
    if conn.in_transaction:
        conn.execute("ROLLBACK")


_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    component TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    applied_at TEXT NOT NULL
)
"""


def applied_versions(db: Database) -> dict[str, int]:
    """Each schema component's version as recorded in the database."""
    if "schema_version" not in db.table_names():
        return {}
    return {
        row["component"]: int(row["version"])
        for row in db.query("SELECT component, version FROM schema_version")
    }


def check_not_newer(db: Database, path: object) -> None:
    """Refuse a case written by a newer version (unknown component or higher version).

    Raises:
        SchemaTooNewError: the database holds a schema this code does not know.
    """
    known = {c: max((m.version for m in ms), default=0) for c, ms in components().items()}
    for component, version in applied_versions(db).items():
        if component not in known:
            raise SchemaTooNewError(
                f"{path}: the case uses schema component '{component}', unknown to this "
                "version of Provenance Workbench; open it with a newer version"
            )
        if version > known[component]:
            raise SchemaTooNewError(
                f"{path}: the case's '{component}' schema is version {version}, newer than "
                f"this version supports ({known[component]}); open it with a newer version"
            )


def migrate(db: Database, path: object) -> list[str]:
    """Apply every pending forward migration, each in its own transaction.

    Returns:
        The migrations applied, as `component:version` strings.
    """
    check_not_newer(db, path)
    if db.on_server:
        return _migrate_server(db, path)
    db.conn.execute(_VERSION_TABLE)
    done: list[str] = []
    current = applied_versions(db)
    for component, migrations in components().items():
        for migration in sorted(migrations, key=lambda m: m.version):
            if migration.version <= current.get(component, 0):
                continue
            _apply(db, migration)
            done.append(f"{component}:{migration.version}")
    return done


MIGRATION_LOCK = 0x707762_6D6967
"""The advisory lock key two processes opening one server case take to migrate one at a
time (each database has its own keys)."""


def _migrate_server(db: Database, where: object) -> list[str]:
    """`migrate` on a server case: one process at a time (an advisory lock held by the
    session), and nothing at all when the schema is current (a reviewer may not create)."""
    if "schema_version" in db.table_names() and not is_behind(db):
        return []
    from forensics.store.pg import install_compat

    inside = db.conn.in_transaction
    if inside:
        # Inside the one transaction that makes a whole case (an unpack into a server): the
        # lock goes with it, and a refused statement there cannot hide behind a failed unlock.
        db.conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
    else:
        db.conn.execute("SELECT pg_advisory_lock(?)", (MIGRATION_LOCK,))
    try:
        check_not_newer(db, where)
        install_compat(db.conn)  # type: ignore[arg-type]
        db.conn.execute(_VERSION_TABLE)
        done: list[str] = []
        current = applied_versions(db)
        for component, migrations in components().items():
            for migration in sorted(migrations, key=lambda m: m.version):
                if migration.version > current.get(component, 0):
                    _apply(db, migration)
                    done.append(f"{component}:{migration.version}")
        return done
    finally:
        if not inside:
            db.conn.execute("SELECT pg_advisory_unlock(?)", (MIGRATION_LOCK,))


def is_behind(db: Database) -> bool:
    """True when some installed migration has not been applied to this database yet."""
    current = applied_versions(db)
    return any(
        m.version > current.get(component, 0)
        for component, migrations in components().items()
        for m in migrations
    )


def migrated_copy(db: Database, path: Path) -> Database:
    """A private, migrated copy of a case database made by an older version, for reading.

    A read-only open must not change the case, yet this code reads the current schema: the
    records are copied with SQLite's backup API (through `db`, so a pending write-ahead log is
    included), the copy is migrated in a temporary folder, and `db` is closed. The copy is
    removed when the returned database is closed.

    Returns:
        A read-only `Database` over the migrated copy.
    """
    folder = Path(tempfile.mkdtemp(prefix="pwb-readonly-"))
    copy = folder / path.name
    try:
        target = sqlite3.connect(copy, isolation_level=None)
        try:
            db.conn.backup(target)
        finally:
            target.close()
        writable = connect(copy)
        try:
            applied = migrate(writable, path)
        finally:
            writable.close()
        log.info("%s: made by an older version; read through a migrated copy (%s)", path, applied)
        reader = connect(copy, readonly=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    db.close()
    reader.private_copy = folder
    return reader


def _apply(db: Database, migration: Migration) -> None:
    with transaction(db) as conn:
        for statement in migration.statements if db.on_server or not migration.server_only else ():
            if db.on_server:
                from forensics.store.dialect import schema_statements

                for translated in schema_statements(statement):
                    conn.execute_schema(translated)  # type: ignore[attr-defined]
            else:
                conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_version (component, version, applied_at) VALUES (?, ?, ?) "
            "ON CONFLICT(component) DO UPDATE SET version = excluded.version, "
            "applied_at = excluded.applied_at",
            (migration.component, migration.version, utc_now()),
        )
    log.info(
        "applied migration %s:%d %s", migration.component, migration.version, migration.description
    )
