"""A case database's write journal: its transactions, and the changes they publish.

Every recorded write (`recording.Recording`) runs in a journal's transaction: nested use joins
the outer one; the custody head is anchored once, just before the commit; the changes are
published on the case's change bus only when it commits (on a server also as a NOTIFY, which
other examiners' processes hear). `attempt` undoes one step's writes alone inside a batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from forensics.records.declare import Change, ChangeSet, RecordType
from forensics.store.custody import CustodyLog
from forensics.store.db import transaction
from forensics.store.events import ChangeBus
from forensics.store.recording import Recording

if TYPE_CHECKING:
    import sqlite3

    from forensics.store.database import Database


class Journal:
    """A case database's write transactions and the changes they commit.

    Args:
        db: the case database.
        custody: its custody log.
        bus: where committed changes are published.
    """

    def __init__(self, db: Database, custody: CustodyLog, bus: ChangeBus) -> None:
        self.db = db
        self.custody = custody
        self.bus = bus
        self.pending: list[Change] = []
        self.actions: list[str] = []
        self.noted: list[str] = []

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (nested use joins the outer one); publishes on commit."""
        outer = not self.db.conn.in_transaction
        if outer:
            self._reset()
            self.custody.new_transaction()
        try:
            with transaction(self.db) as conn:
                yield conn
                if outer:
                    self.custody.write_head()
                if outer and self.db.on_server and (self.pending or self.actions):
                    # Other examiners' processes hear it when (and only if) it commits.
                    from forensics.store.notify import send

                    send(self.db, self._change_set())
        except BaseException:
            if outer:
                self._reset()
            raise
        finally:
            if outer:
                self.custody.transaction_ended()
        if outer and (self.pending or self.actions):
            changes = self._change_set()
            self._reset()
            self.bus.publish(changes)

    @contextmanager
    def attempt(self) -> Iterator[None]:
        """Inside an open transaction: a block whose writes are undone alone if it raises.

        Many small recorded changes (a post-ingest step on each item of a card) commit
        together in one transaction, where one commit each waited on the disk; a step that
        fails leaves nothing behind, as its own transaction's rollback did (a SAVEPOINT, on
        both engines), and its changes are not published.
        """
        conn = self.db.conn
        if not conn.in_transaction:
            raise RuntimeError("an attempt runs inside a transaction")
        marks = len(self.pending), len(self.actions), len(self.noted)
        self.custody.write_logged()  # a rollback to the savepoint forgets only what follows
        conn.execute("SAVEPOINT pwb_attempt")
        try:
            yield
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back by itself (a full disk)
                conn.execute("ROLLBACK TO SAVEPOINT pwb_attempt")
                conn.execute("RELEASE SAVEPOINT pwb_attempt")
            del self.pending[marks[0] :], self.actions[marks[1] :], self.noted[marks[2] :]
            self.custody.rolled_back()  # its entries (the signer's key, perhaps) are gone
            raise
        conn.execute("RELEASE SAVEPOINT pwb_attempt")

    def _change_set(self) -> ChangeSet:
        return ChangeSet(tuple(self.pending), tuple(self.actions), tuple(self.noted))

    @contextmanager
    def recording(
        self, actor: str, reason: str | None = None, *, only: RecordType[Any] | None = None
    ) -> Iterator[Recording]:
        """Recorded writes on behalf of `actor`, in one transaction (the caller's, if open);
        with `only`, inserts of that record type and nothing else."""
        with self.transaction():
            yield Recording(self, actor, reason, only)

    def _reset(self) -> None:
        self.pending.clear()
        self.actions.clear()
        self.noted.clear()
