"""Opening case databases, transactions and forward migrations.

The connection runs in autocommit mode and every write goes through `transaction()`, an
explicit `BEGIN IMMEDIATE`: the custody chain reads its last hash and appends inside the same
write lock, so two writers can never fork the chain.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from forensics.errors import CaseError, SchemaTooNewError
from forensics.store.database import Database
from forensics.store.migrations import Migration, components

log = logging.getLogger(__name__)


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string with microseconds and a `Z`."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def connect(path: Path, *, readonly: bool = False) -> Database:
    """Open a case database with the pragmas every connection needs.

    Args:
        path: the `case.db` file.
        readonly: open with `mode=ro` so nothing can be written by accident.

    Returns:
        The store's `Database` over a connection in autocommit mode.
    """
    uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rwc'}"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30.0)
    except sqlite3.Error as exc:
        raise CaseError(f"{path}: cannot open the case database ({exc})") from exc
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed custody entry survives power loss, not only a killed process.
        conn.execute("PRAGMA synchronous = FULL")
    return Database(conn)


@contextmanager
def transaction(db: Database) -> Iterator[sqlite3.Connection]:
    """Run a block inside one write transaction; roll back on any exception."""
    conn = db.conn
    if conn.in_transaction:
        # Nested use joins the outer transaction: the outer block decides commit or rollback.
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


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


def check_not_newer(db: Database, path: Path) -> None:
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


def migrate(db: Database, path: Path) -> list[str]:
    """Apply every pending forward migration, each in its own transaction.

    Returns:
        The migrations applied, as `component:version` strings.
    """
    check_not_newer(db, path)
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


def _apply(db: Database, migration: Migration) -> None:
    with transaction(db) as conn:
        for statement in migration.statements:
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
