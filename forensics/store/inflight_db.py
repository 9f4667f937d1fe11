"""In-flight markers of a server case, as rows of its database instead of files on the share.

Several machines ingest into one server case through one evidence folder on a network share.
`flock` on the share's `tmp/` folder is not a lock between machines on NFS or SMB, and a
marker file created, synced and removed per batch costs round trips to the file server. So a
server case keeps each writer's markers as rows of `evidence_inflight` (core migration 5,
made on the server only), and makes the decisions that must not interleave under one
transaction-scoped advisory lock (`EVIDENCE_LOCK`):

- `claim` inserts this writer's rows and commits them, under the lock, before any blob is
  renamed into place (the rows must be durable first, so they are written in a short
  transaction of their own, on a connection of their own: the batch's blob commit runs in a
  thread, and the case's connection may be inside a transaction that commits later);
- `release` (an insert failed) removes the blob only when no other writer's row names it and
  no committed item refers to it, under the lock, in one transaction;
- `settle`/`settle_batch`, inside the transaction that commits the items, delete this writer's
  rows with them: committed items and their cleared markers are one atomic change, and when
  the rows are gone already (recovery took them: this writer's session was lost) the items'
  transaction fails instead of referring to blobs that may have been removed;
- `reclaim` (recovery) treats as dead a writer whose session no longer holds its own advisory
  lock (`pg_locks`: a killed process's session ends, and PostgreSQL drops its locks), removes
  the blobs only dead writers held that no item refers to, and deletes their rows, in the
  recovering process's transaction (with its `recovered` custody entry), under the lock. A
  live process may do this while others have the case open: no one need be alone with it.
  A writer's partial copies in `tmp/` carry its key in their names (`part_owner`), so the
  copies of a dead writer go too (`abandoned`); working folders wait for a process alone.

Why its own lock and not the case's write lock (`db.WRITE_LOCK`): a writer holds the write
lock for the whole transaction of a batch's rows; a claim from the blob-commit thread would
wait for it (and a process whose own connection holds it would wait for itself forever). The
evidence lock is held only for the few statements of a claim or a decision.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forensics.errors import EvidenceError, ValidationError
from forensics.safe_names import checked_sha256
from forensics.store.db import utc_now

if TYPE_CHECKING:
    from forensics.store.database import Database
    from forensics.store.location import ServerLocation
    from forensics.store.pg import PgConnection

log = logging.getLogger(__name__)

EVIDENCE_LOCK = 0x707762_657669
"""The transaction-scoped advisory lock every claim and release decision takes."""

_WRITER_BASE = 0x7077_6277 << 32
"""A writer's session lock key is this plus a random 31-bit number (its `writer` column)."""

_LIVE_WRITERS = (
    "SELECT l.classid::bigint * 4294967296 + l.objid::bigint FROM pg_locks l "
    "WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted "
    "AND l.classid::bigint = ? "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
"""The keys of the writers whose sessions are alive (pg_locks is readable by every role)."""

_DEAD = f"writer NOT IN ({_LIVE_WRITERS})"


class DbMarkers:
    """A server case's in-flight markers (see the module's note).

    Args:
        db: the case's connection (`settle`, `reclaim` join its transaction).
        location: the case's server, for this writer's own connection.
        tmp_dir: the store's `tmp/` folder (a batch's token is named there, never made).
    """

    def __init__(self, db: Database, location: ServerLocation, tmp_dir: Path) -> None:
        self._db = db
        self._location = location
        self._tmp_dir = tmp_dir
        self.writer = _WRITER_BASE + 1 + secrets.randbelow(2**31 - 1)
        self._conn: PgConnection | None = None
        self._holding = False
        self._mutex = threading.Lock()

    # this writer's own connection ---------------------------------------------------------
    def _own(self, *, holding: bool) -> PgConnection:
        """This writer's connection (autocommit; used under `_mutex`), holding its session
        lock from the first claim on: while it is held, its rows are a live writer's."""
        if self._conn is None:
            from forensics.store.pg import connect_server

            self._conn = connect_server(self._location)
        if holding and not self._holding:
            self._conn.execute("SELECT pg_advisory_lock(?)", (self.writer,))
            self._holding = True
        return self._conn

    @contextlib.contextmanager
    def _decision(self, conn: Any) -> Iterator[None]:
        """One transaction on `conn` under the evidence lock (joins one already open)."""
        if conn.in_transaction:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (EVIDENCE_LOCK,))
            yield
            return
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (EVIDENCE_LOCK,))
            yield
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Close this writer's connection (its session lock goes with it)."""
        with self._mutex:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
                self._holding = False

    # InFlightMarkers ---------------------------------------------------------------------
    def new_batch(self) -> Path:
        return self._tmp_dir / f"{uuid.uuid4().hex}.db-batch"

    @contextlib.contextmanager
    def claim(self, shas: Sequence[str], batch: Path | None) -> Iterator[None]:
        name = batch.name if batch is not None else None
        rows = [(checked_sha256(s), self.writer, name, utc_now()) for s in dict.fromkeys(shas)]
        with self._mutex:
            conn = self._own(holding=True)
            with self._decision(conn):
                conn.executemany(
                    "INSERT INTO evidence_inflight (sha256, writer, batch, since) "
                    "VALUES (?, ?, ?, ?)",
                    rows,
                )
        yield

    def files_to_sync(self, batch: Path) -> list[Path]:
        return []

    def release(
        self,
        sha256: str,
        batch: Path | None,
        referenced: Callable[[str], bool],
        remove: Callable[[str], None],
    ) -> bool:
        sha256 = checked_sha256(sha256)
        mine = (
            ("batch IS NOT ?", (batch.name,))
            if batch is not None
            else ("(writer IS NOT ? OR batch IS NOT NULL)", (self.writer,))
        )
        with self._mutex:
            conn = self._own(holding=True)
            with self._decision(conn):
                others = conn.execute(
                    f"SELECT count(*) FROM evidence_inflight WHERE sha256 = ? AND {mine[0]}",
                    (sha256, *mine[1]),
                ).fetchone()[0]
                keep = bool(others) or referenced(sha256)
                if not keep:
                    remove(sha256)
                if batch is None:
                    conn.execute(
                        "DELETE FROM evidence_inflight "
                        "WHERE sha256 = ? AND writer = ? AND batch IS NULL",
                        (sha256, self.writer),
                    )
        return not keep

    def in_flight(self, sha256: str) -> bool:
        try:
            sha256 = checked_sha256(sha256)
        except ValidationError:
            return False
        with self._mutex:
            # Its own connection: the case's may be inside a snapshot older than the blob.
            row = (
                self._own(holding=False)
                .execute("SELECT 1 FROM evidence_inflight WHERE sha256 = ? LIMIT 1", (sha256,))
                .fetchone()
            )
        return row is not None

    def settle(self, sha256: str) -> None:
        sha256 = checked_sha256(sha256)
        self._settle("sha256 = ? AND writer = ? AND batch IS NULL", (sha256, self.writer))

    def settle_batch(self, batch: Path) -> None:
        self._settle("batch = ?", (batch.name,))

    def _settle(self, where: str, params: tuple[Any, ...]) -> None:
        gone = self._db.conn.execute(f"DELETE FROM evidence_inflight WHERE {where}", params)
        if gone.rowcount < 1:
            raise EvidenceError(
                f"{self._location.shown}: the in-flight markers of this writer's blobs were "
                "taken by a recovery (its connection to the server was lost); nothing of "
                "this batch is committed, ingest it again"
            )

    def clear(self, sha256: str) -> None:
        self._db.conn.execute(
            "DELETE FROM evidence_inflight WHERE sha256 = ? AND writer = ? AND batch IS NULL",
            (checked_sha256(sha256), self.writer),
        )

    def clear_batch(self, batch: Path) -> None:
        self._db.conn.execute("DELETE FROM evidence_inflight WHERE batch = ?", (batch.name,))

    def leftover_shas(self) -> set[str]:
        rows = self._db.conn.execute(
            f"SELECT DISTINCT sha256 FROM evidence_inflight WHERE {_DEAD}",
            (_WRITER_BASE >> 32,),
        ).fetchall()
        return {str(r[0]) for r in rows}

    def reclaim(
        self, referenced: Callable[[str], bool], remove: Callable[[str], bool]
    ) -> tuple[list[str], int]:
        removed: list[str] = []
        conn = self._db.conn
        with self._decision(conn):
            live = (_WRITER_BASE >> 32,)
            dead = [
                str(r[0])
                for r in conn.execute(
                    f"SELECT DISTINCT sha256 FROM evidence_inflight WHERE {_DEAD} ORDER BY sha256",
                    live,
                ).fetchall()
            ]
            for sha256 in dead:
                held = conn.execute(
                    f"SELECT 1 FROM evidence_inflight WHERE sha256 = ? AND NOT ({_DEAD}) LIMIT 1",
                    (sha256, *live),
                ).fetchone()
                if held is None and not referenced(sha256) and remove(sha256):
                    removed.append(sha256)
            conn.execute(f"DELETE FROM evidence_inflight WHERE {_DEAD}", live)
        return removed, len(dead)

    def forget_reclaimed(self) -> None:
        """Nothing: `reclaim` deleted the dead writers' rows in the recovery's transaction."""

    def part_owner(self) -> str:
        """This writer's key, in hex; its session lock is taken before its first copy is
        made, so a copy is never without a live owner while it is being written."""
        if not self._holding:
            with self._mutex:
                self._own(holding=True)
        return f"{self.writer:x}"

    def abandoned(self, parts: list[Path]) -> list[Path]:
        live = {
            int(r[0])
            for r in self._db.conn.execute(_LIVE_WRITERS, (_WRITER_BASE >> 32,)).fetchall()
        }
        out = []
        for part in parts:
            fields = part.name.split(".")
            if len(fields) != 3:
                continue  # no owner named: only a process alone with the case removes it
            try:
                owner = int(fields[1], 16)
            except ValueError:
                continue
            if owner not in live:
                out.append(part)
        return out
