"""A case database on a PostgreSQL server: made, opened, locked, and told where its evidence is.

A server case is a database (made beforehand by whoever runs the server: `createdb`, with
the examiners' roles) plus an evidence store on a shared folder, recorded in the database's
`case_info` (`evidence_store`) when the case is made, so `pwb ... postgresql://...` finds it.

The folder case's `.lock` file (flock) says who may clean up after a crashed process: only a
process alone with the case. A server case says the same with a session advisory lock:
exclusive to recover, shared while open. (flock means nothing across machines.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from forensics.errors import CaseError, ReadOnlyCaseError
from forensics.store.db import connect_server, migrate, transaction
from forensics.store.evidence import EvidenceStore

if TYPE_CHECKING:
    from forensics.store.database import Database
    from forensics.store.location import ServerLocation

EVIDENCE_KEY = "evidence_store"
"""The `case_info` key naming the case's evidence folder."""

CASE_LOCK = 0x707762_636173
"""The session advisory lock: shared by every open connection, exclusive to recover."""


def create_database(location: ServerLocation) -> Database:
    """Open an empty database for a new case and make its schema.

    Raises:
        CaseError: the database cannot be reached, or already holds tables (a case or
            anything else: nothing is ever written over).
    """
    db = connect_empty(location)
    try:
        migrate(db, location.shown)
    except BaseException:
        db.close()
        raise
    return db


def connect_empty(location: ServerLocation) -> Database:
    """Connect to the empty database a new case goes into.

    Raises:
        CaseError: the database cannot be reached, or already holds tables.
    """
    db = connect_server(location)
    try:
        refuse_not_empty(db, location)
    except BaseException:
        db.close()
        raise
    return db


def refuse_not_empty(db: Database, location: ServerLocation) -> None:
    """Nothing is ever written over: a new case needs a database without tables.

    Raises:
        CaseError: the database holds tables (a case or anything else).
    """
    if db.table_names():
        raise CaseError(
            f"{location.shown}: the database is not empty (a new case needs an empty "
            "database: createdb NAME)"
        )


@contextmanager
def new_case_transaction(db: Database, location: ServerLocation) -> Iterator[None]:
    """One transaction in which a whole case is made from received records (its schema, its
    rows, its first entries): a refusal, an error or Ctrl-C rolls it all back and leaves the
    database as empty as it was; so does a process killed half-way (the server ends its
    transaction). The database is checked again under the write lock, so two unpacks into
    one database cannot both go in.

    Raises:
        CaseError: the database is not empty (any more).
    """
    with transaction(db):
        refuse_not_empty(db, location)
        yield


def open_database(location: ServerLocation, *, readonly: bool) -> Database:
    """Open a server case's database, migrating it forward unless `readonly`.

    Raises:
        CaseError: unreachable, not a case, or from a newer version.
    """
    db = connect_server(location, readonly=readonly)
    try:
        if "case_info" not in db.table_names():
            raise CaseError(f"{location.shown}: not a case database (it has no case_info)")
        if readonly:
            from forensics.store.db import check_not_newer, is_behind

            check_not_newer(db, location.shown)
            if is_behind(db):
                raise CaseError(
                    f"{location.shown}: the case was made by an older version; open it once "
                    "for writing to bring it up to date"
                )
        else:
            migrate(db, location.shown)
    except BaseException:
        db.close()
        raise
    return db


def create_case(location: ServerLocation, evidence: Path) -> tuple[Database, Path]:
    """The database and evidence folder of a new server case (the folder made, empty).

    Raises:
        CaseError: the folder exists and is not empty; see `create_database`.
    """
    if evidence.exists() and (not evidence.is_dir() or any(evidence.iterdir())):
        raise CaseError(f"{evidence}: already exists and is not an empty folder")
    db = create_database(location)
    try:
        evidence.mkdir(parents=True, exist_ok=True)
        EvidenceStore(evidence).create_dirs()
        lock_shared(db, was_alone=False)
    except BaseException:
        db.close()
        raise
    return db, evidence.resolve()


def open_case(
    location: ServerLocation, *, readonly: bool, or_for_reading: bool = False
) -> tuple[Database, Path, bool, bool, bool]:
    """A server case's database, its evidence folder, whether this process is alone with it
    (then it holds the case lock exclusively and should recover; `lock_shared` after),
    whether it is open for reading only, and whether, read-only, it may still take comments.

    A person whose role may not write records (a reviewer, `forensics.store.roles`) gets the
    case for reading and commenting when `or_for_reading`, else a `ReadOnlyCaseError`; the
    server refuses any other write of theirs either way.

    Raises:
        ReadOnlyCaseError: a write-opening by a reviewer.
        CaseError: see `open_database` and `evidence_folder`.
    """
    from forensics.store.roles import may_comment, may_write

    db = open_database(location, readonly=readonly)
    comment_only = False
    try:
        root = evidence_folder(db, location)
        if not readonly and not may_write(db):
            if not or_for_reading:
                raise ReadOnlyCaseError(
                    f"{location.shown}: your role on the server may only read and comment on "
                    "this case (a reviewer): items, show, log, meta, verify, report and "
                    "`pwb comment` work, changes do not"
                )
            readonly = True
            comment_only = may_comment(db)
            if not comment_only:
                db.conn.execute("SET default_transaction_read_only = on")
        alone = not readonly and lock_alone(db)
    except BaseException:
        db.close()
        raise
    return db, root, alone, readonly, comment_only


def record_evidence_folder(db: Database, folder: Path) -> None:
    """Name the case's evidence folder (inside the transaction that makes the case)."""
    db.conn.execute(
        "INSERT INTO case_info (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (EVIDENCE_KEY, str(folder)),
    )


def evidence_folder(db: Database, location: ServerLocation) -> Path:
    """The case's evidence folder, as recorded when it was made.

    Raises:
        CaseError: none is recorded, or it is not a folder here (the share not mounted).
    """
    row = db.conn.execute("SELECT value FROM case_info WHERE key = ?", (EVIDENCE_KEY,)).fetchone()
    if row is None:
        raise CaseError(f"{location.shown}: the case names no evidence folder")
    folder = Path(row["value"])
    if not folder.is_dir():
        raise CaseError(
            f"{location.shown}: its evidence folder {folder} is not here (mount the share)"
        )
    return folder


def lock_alone(db: Database) -> bool:
    """Take the case lock exclusively if no one else has the case open (then recover)."""
    row = db.conn.execute("SELECT pg_try_advisory_lock(?)", (CASE_LOCK,)).fetchone()
    return bool(row[0])


def lock_shared(db: Database, *, was_alone: bool) -> None:
    """Hold the case lock shared for as long as the case is open."""
    db.conn.execute("SELECT pg_advisory_lock_shared(?)", (CASE_LOCK,))
    if was_alone:
        db.conn.execute("SELECT pg_advisory_unlock(?)", (CASE_LOCK,))
