"""The custody log: an append-only hash chain of everything done to the case.

Each entry hashes its own fields together with the previous entry's hash, so changing, adding
or removing a row breaks the chain at that row. The head (last sequence number and hash) is
also kept in `case_info`, so removing the newest rows is found too. An entry that changed a
record also stores the sha256 of that record's state after the change (`record_sha256`);
`verify` recomputes it, which finds a record edited behind the log's back.

Each entry is signed by the examiner at the keyboard (`signer`, an `Examiner` the application
hands the case): `signer` holds the key's fingerprint, `signature` the Ed25519 signature of the
entry's hash, and `actor_given` is set when the entry credits a name other than the key's
examiner (`--examiner TEXT`): a name given, not proven. Both are part of the hashed fields
(when present, so entries made before signing hash as they always did); the signature is not.
The first time a key signs in a case, it is added to the case's examiners (`case_examiners`)
with an `examiner_added` entry of its own, so `verify` can check every signature against it.

An entry's row, its hash and its signature are made in `custody_rows.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from forensics.records.core import CustodyAction, CustodyEntry
from forensics.records.declare import canonical_json, record_digest
from forensics.records.examiners import EXAMINER, CaseExaminer
from forensics.store import record_rows
from forensics.store.custody_rows import (
    ENTRY_COLUMNS,
    entry_hash,
    insert_entry,
    row_hash,
    row_to_entry,
    signed_row,
)
from forensics.store.db import new_id, utc_now
from forensics.store.rows import insert_rows

if TYPE_CHECKING:
    from forensics.identity import Examiner
    from forensics.store.database import Database

GENESIS_HASH = "0" * 64
HEAD_KEY = "custody_head"
DELETED = "deleted"
"""`record_sha256` of an entry that removed its record on purpose."""
Action = CustodyAction
"""The core's custody actions (declared in `forensics.records.core`)."""

__all__ = [
    "DELETED",
    "ENTRY_COLUMNS",
    "GENESIS_HASH",
    "HEAD_KEY",
    "Action",
    "CustodyLog",
    "canonical_json",
    "entry_hash",
    "insert_entry",
    "record_digest",
    "row_hash",
]

EXAMINER_ADDED = CustodyAction.EXAMINER_ADDED
"""The action of the entry that adds an examiner's key to the case."""


class CustodyLog:
    """Reads and appends the custody chain of one case database.

    Attributes:
        signer: the examiner whose key signs every entry appended (None: unsigned).
    """

    def __init__(self, db: Database, signer: Examiner | None = None) -> None:
        self._db = db
        self.signer = signer
        self._listed: str | None = None
        """A key known to be in the case's examiners within the current transaction."""
        self._known: set[str] = set()
        """Keys found among the case's examiners, put there by a committed transaction (they
        stay): not looked up again in later transactions (one exchange less on a server)."""
        self._own = False
        """Inside a write transaction of the case's journal (`new_transaction` to
        `transaction_ended`): it holds the write lock, so only this log appends."""
        self._last: tuple[int, str] | None = None
        """The last entry appended in that transaction (seq, hash): the next links to it."""
        self._head_due = False
        """The head in `case_info` is written once, before the commit (`write_head`)."""
        self._unwritten: list[dict[str, Any]] = []
        """Rows `log` made and `write_logged` has not stored yet (in order)."""

    def new_transaction(self) -> None:
        """A journal's write transaction begins."""
        self.rolled_back()
        self._own = True

    def rolled_back(self) -> None:
        """Part of the transaction was undone (a savepoint): forget what was found or
        appended; it is read again from the tables when needed."""
        self._listed = None
        self._last = None
        self._unwritten.clear()

    def write_head(self) -> None:
        """Anchor the head in `case_info` (the journal calls it just before its commit): one
        write per transaction, where each entry wrote it (a card's photos append thousands
        of entries in a few transactions)."""
        self.write_logged()
        if not self._head_due:
            return
        self._head_due = False
        last = self._last or self._read_last()
        if last is not None:
            self._set_head(*last, with_commit=self._db.on_server)

    def transaction_ended(self) -> None:
        """The journal's transaction committed or rolled back: nothing is cached past it
        (another process may append next)."""
        self._own = False
        self._last = None
        self._head_due = False
        self._listed = None
        self._unwritten.clear()

    def _read_last(self) -> tuple[int, str] | None:
        self.write_logged()
        row = self._db.conn.execute(
            "SELECT seq, hash FROM custody ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return None if row is None else (int(row["seq"]), str(row["hash"]))

    def _set_head(self, seq: int, hash_: str, *, with_commit: bool = False) -> None:
        """Write the head; `with_commit`: on a server, sent with the transaction's COMMIT in
        one exchange (`Database.with_commit`), as nothing reads it before."""
        statement = (
            "INSERT INTO case_info (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (HEAD_KEY, canonical_json({"seq": seq, "hash": hash_})),
        )
        if with_commit:
            self._db.with_commit.append(statement)
        else:
            self._db.conn.execute(*statement)

    def append(
        self,
        action: str,
        actor: str,
        *,
        item_id: str | None = None,
        subject: tuple[str, str] | None = None,
        record: Mapping[str, Any] | None = None,
        deleted: bool = False,
        details: Mapping[str, Any] | None = None,
        reason: str | None = None,
    ) -> CustodyEntry:
        """Append one entry. Call inside `transaction()` together with the change it records.

        Args:
            action: what was done (see `Action`).
            actor: who did it.
            item_id: the item the action concerns, if any.
            subject: `(type, id)` of the record changed, when it is not the item itself.
            record: the changed record's state after the action; its digest is chained.
            deleted: the action removed the subject record on purpose.
            details: facts about the action (JSON-serialisable, strings already escaped).
            reason: why, in the actor's words.

        Returns:
            The entry as written.
        """
        if not self._db.conn.in_transaction:
            raise RuntimeError("custody entries are appended inside a transaction")
        self.write_logged()
        if self.signer is not None and action != EXAMINER_ADDED:
            self._add_signer_once(self.signer)
        return row_to_entry(
            self._append(action, actor, item_id, subject, record, deleted, details, reason)
        )

    def log(
        self,
        action: str,
        actor: str,
        *,
        item_id: str | None = None,
        subject: tuple[str, str] | None = None,
        record: Mapping[str, Any] | None = None,
        details: Mapping[str, Any] | None = None,
        reason: str | None = None,
        later: bool = False,
    ) -> None:
        """`append` for a batch (a card's items): no `CustodyEntry` is built (each cost a
        JSON parse). With `later`, the row is stored with the next ones by `write_logged`,
        several to a statement: the caller calls it once the batch is logged (anything
        else that appends or reads the log, an attempt and the commit call it first)."""
        if not self._db.conn.in_transaction:
            raise RuntimeError("custody entries are appended inside a transaction")
        if self.signer is not None and action != EXAMINER_ADDED:
            self._add_signer_once(self.signer)
        self._append(action, actor, item_id, subject, record, False, details, reason, later=later)

    def write_logged(self) -> None:
        """Store the rows `log` made (in the transaction they were made in)."""
        if self._unwritten:
            rows, self._unwritten = self._unwritten, []
            insert_rows(self._db, "custody", rows)

    def ensure_signer(self) -> None:
        """Add the signer's key to the case's examiners now if it is not there yet (a seal
        is checked against that list). Call inside a transaction."""
        if self.signer is not None:
            self._add_signer_once(self.signer)

    def _add_signer_once(self, signer: Examiner) -> None:
        """Add the signer's key to the case's examiners, the first time it signs here (looked
        up once per transaction: a batch's every entry would otherwise ask again)."""
        if self._listed == signer.fingerprint or signer.fingerprint in self._known:
            return
        self.write_logged()
        if record_rows.find(self._db, EXAMINER, signer.fingerprint) is not None:
            self._listed = signer.fingerprint
            self._known.add(signer.fingerprint)
            return
        examiner = CaseExaminer(
            fingerprint=signer.fingerprint,
            name=signer.name,
            organisation=signer.organisation or None,
            role=signer.role or None,
            public_key=signer.public_key,
            added_at=utc_now(),
        )
        record_rows.insert(self._db, EXAMINER, examiner)
        self._listed = signer.fingerprint
        state = EXAMINER.state(examiner)
        self._append(
            EXAMINER_ADDED,
            signer.name,
            None,
            (EXAMINER.subject, signer.fingerprint),
            state,
            False,
            state,
            "the examiner's key signs in this case for the first time",
        )

    def _append(
        self,
        action: str,
        actor: str,
        item_id: str | None,
        subject: tuple[str, str] | None,
        record: Mapping[str, Any] | None,
        deleted: bool,
        details: Mapping[str, Any] | None,
        reason: str | None,
        *,
        later: bool = False,
    ) -> dict[str, Any]:
        """Hash, sign, store and link one entry (`later`: stored by `write_logged`); returns
        its row."""
        last = self._last if self._last is not None else self._read_last()
        seq = 1 if last is None else last[0] + 1
        prev_hash = GENESIS_HASH if last is None else last[1]
        tracked = record is not None or deleted
        subject_type, subject_id = (
            subject if subject else (("item", item_id) if item_id and tracked else (None, None))
        )
        if deleted:
            digest: str | None = DELETED
        else:
            digest = record_digest(record) if record is not None else None
        fields: dict[str, Any] = {
            "seq": seq,
            "entry_id": new_id(),
            "at": utc_now(),
            "actor": actor,
            "action": action,
            "item_id": item_id,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "record_sha256": digest,
            "details": canonical_json(dict(details or {})),
            "reason": reason,
            "prev_hash": prev_hash,
        }
        if later:
            row = signed_row(fields, self.signer)
            self._unwritten.append(row)
        else:
            row = insert_entry(self._db, fields, self.signer)
        if self._own:
            self._last = (seq, row["hash"])
            self._head_due = True
        else:
            self._set_head(seq, row["hash"])
        return row

    def stored_rows(self) -> Iterator[Mapping[str, Any]]:
        """Every entry as stored (details as their JSON text), in order: what `verify`
        re-hashes, read lazily."""
        self.write_logged()
        yield from self._db.stream("SELECT * FROM custody ORDER BY seq")

    def last_details(self, action: str) -> dict[str, Any] | None:
        """The details of the newest entry with this action, or None."""
        self.write_logged()
        row = self._db.conn.execute(
            "SELECT details FROM custody WHERE action = ? ORDER BY seq DESC LIMIT 1", (action,)
        ).fetchone()
        return None if row is None else dict(json.loads(row["details"]))

    def entries(
        self, *, item_id: str | None = None, subject: tuple[str, str] | None = None
    ) -> list[CustodyEntry]:
        """The entries in order, optionally only those about one item or record."""
        self.write_logged()
        if item_id is not None:
            rows = self._db.query("SELECT * FROM custody WHERE item_id = ? ORDER BY seq", [item_id])
        elif subject is not None:
            rows = self._db.query(
                "SELECT * FROM custody WHERE subject_type = ? AND subject_id = ? ORDER BY seq",
                list(subject),
            )
        else:
            rows = self._db.query("SELECT * FROM custody ORDER BY seq")
        return [row_to_entry(row) for row in rows]

    def head(self) -> tuple[int, str]:
        """The anchored head `(seq, hash)`: `(0, GENESIS_HASH)` for an empty log (within a
        transaction that appended, the head it anchors at its commit)."""
        self.write_logged()
        if self._head_due:
            last = self._last or self._read_last()
            if last is not None:
                return last
        row = self._db.conn.execute(
            "SELECT value FROM case_info WHERE key = ?", (HEAD_KEY,)
        ).fetchone()
        if row is None:
            return 0, GENESIS_HASH
        head = json.loads(row["value"])
        return int(head["seq"]), str(head["hash"])

    def latest_digests(self) -> dict[tuple[str, str], tuple[int, str]]:
        """For every record the log has seen: the newest entry's `(seq, record_sha256)`."""
        self.write_logged()
        latest: dict[tuple[str, str], tuple[int, str]] = {}
        for row in self._db.stream(
            "SELECT seq, subject_type, subject_id, record_sha256 FROM custody "
            "WHERE record_sha256 IS NOT NULL ORDER BY seq"
        ):
            latest[(row["subject_type"], row["subject_id"])] = (
                int(row["seq"]),
                row["record_sha256"],
            )
        return latest
