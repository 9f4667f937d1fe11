"""The one recorded-write path: a record change and its custody entry, written together.

An update names the record as it was (`before`) and is refused with `EditConflictError` when
the stored record is no longer that (someone changed it since it was read): the record's own
state is its version, compared inside the write transaction, so a stale edit is a conflict on
both engines and never a silent overwrite.

Every feature changes records through a `Recording`, opened by `case.recording(actor,
reason=...)`: `rec.insert(record, action)`, `rec.update(before, after, action)` and
`rec.delete(record, action)` write the row (SQL derived from the record's declaration) and
append the custody entry with the record's subject and the digest of its new state, in the
same transaction. A composite record that its own repository writes (a metadata record with
its positions, an extraction run with its frames) is logged with `rec.saved(...)` inside the
same transaction; an action that changes no record (an export, a verification, a refused
file) with `rec.note(...)`. Nothing else appends to the custody log.

When the outermost transaction commits, the changes are published as one `ChangeSet` on the
case folder's change bus (`forensics.store.events`); a rollback publishes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from forensics.errors import DuplicateItemError, EditConflictError, ReadOnlyCaseError
from forensics.records.core import ITEM, CustodyEntry
from forensics.records.declare import Change, RecordChange, RecordType, record_type_of
from forensics.store import record_rows

if TYPE_CHECKING:
    from forensics.store.journal import Journal

R = TypeVar("R")


class Recording:
    """Recorded writes inside one transaction, on behalf of one actor.

    Args:
        journal: the case's write journal (its transaction and pending changes).
        actor: who makes the changes.
        reason: why, in the actor's words (each call may give its own).
    """

    def __init__(
        self,
        journal: Journal,
        actor: str,
        reason: str | None,
        only: RecordType[Any] | None = None,
    ) -> None:
        self._journal = journal
        self.actor = actor
        self.reason = reason
        self._only = only

    def _allowed(self, record_type: RecordType[Any] | None) -> None:
        """Refuse what a restricted recording (`only`: a reviewer's comment) may not write."""
        if self._only is not None and record_type is not self._only:
            raise ReadOnlyCaseError(
                f"only {self._only.subject.replace('_', ' ')}s may be added here; "
                "this case cannot be changed otherwise"
            )

    # record changes -------------------------------------------------------------------------
    def insert(
        self,
        record: R,
        action: str,
        *,
        item_id: str | None = None,
        details: Mapping[str, Any] | None = None,
        reason: str | None = None,
    ) -> CustodyEntry:
        """Insert a new record and log it with its state.

        Args:
            record: the new record (of a declared record type).
            action: the custody action.
            item_id: the item the entry concerns (an item's own id by default).
            details: facts about the action for the entry.
            reason: why, when it differs from the recording's reason.

        Returns:
            The custody entry.
        """
        record_type: RecordType[R] = record_type_of(record)
        self._allowed(record_type)
        record_rows.insert(self._journal.db, record_type, record)
        return self._logged(
            record_type, record, action, RecordChange.INSERTED, item_id, details, reason
        )

    def insert_all(
        self,
        records: Sequence[R],
        action: str,
        *,
        details: Sequence[Mapping[str, Any]],
        refused: Callable[[R, DuplicateItemError], None],
    ) -> None:
        """`insert` for many new records, in order (a batch of a card's items): the same rows
        and entries, without building an entry object per record that nobody reads.

        Args:
            records: the new records (of declared record types).
            action: the custody action of each.
            details: the facts for each record's entry, in the same order.
            refused: called for a record a uniqueness rule refuses (nothing of it written),
                at its place in the order, so what it logs sits where the record's entry
                would have been (it may raise: the caller's transaction is then undone).
        """
        journal = self._journal
        types = [record_type_of(record) for record in records]
        for record_type in set(types):
            self._allowed(record_type)
        by_type: dict[RecordType[Any], list[int]] = {}
        for n, record_type in enumerate(types):
            by_type.setdefault(record_type, []).append(n)
        refusals: list[DuplicateItemError | None] = [None] * len(records)
        for record_type, positions in by_type.items():
            some = [records[n] for n in positions]
            for n, refusal in zip(
                positions, record_rows.insert_many(journal.db, record_type, some), strict=True
            ):
                refusals[n] = refusal
        for record, record_type, facts, refusal in zip(
            records, types, details, refusals, strict=True
        ):
            if refusal is not None:
                journal.custody.write_logged()  # what it logs goes after the entries before
                refused(record, refusal)
                continue
            key = record_type.key_of(record)
            item_id = self._item_of(record_type, key, None)
            journal.custody.log(
                action,
                self.actor,
                item_id=item_id,
                subject=(record_type.subject, key),
                record=record_type.state(record),
                details=facts,
                reason=self.reason,
                later=True,
            )
            journal.pending.append(Change(record_type.subject, key, RecordChange.INSERTED, item_id))
            journal.actions.append(action)
        journal.custody.write_logged()

    def update(
        self,
        before: R,
        after: R,
        action: str,
        *,
        item_id: str | None = None,
        details: Mapping[str, Any] | None = None,
        reason: str | None = None,
        log_changes: bool = True,
    ) -> CustodyEntry:
        """Overwrite a record with its new state and log it, with each changed field.

        Args:
            before: the record as it was (for the entry's `changes`).
            after: the record as it is now (same key).
            action: the custody action.
            item_id: the item the entry concerns (an item's own id by default).
            details: facts about the action; `changes` (field -> from/to, `updated_at` left
                out) is added unless `log_changes` is False or the details carry their own.
            reason: why, when it differs from the recording's reason.
            log_changes: add the changed fields to the details.

        Returns:
            The custody entry.
        """
        record_type: RecordType[R] = record_type_of(after)
        self._allowed(None)
        self._check_not_stale(record_type, before)
        record_rows.update(self._journal.db, record_type, after)
        facts = dict(details or {})
        if log_changes and "changes" not in facts:
            facts["changes"] = record_type.changes(before, after, ignore=("updated_at",))
        return self._logged(
            record_type, after, action, RecordChange.UPDATED, item_id, facts, reason
        )

    def delete(
        self,
        record: R,
        action: str,
        *,
        item_id: str | None = None,
        details: Mapping[str, Any] | None = None,
        reason: str | None = None,
    ) -> CustodyEntry:
        """Delete a record and log that it was removed on purpose.

        Returns:
            The custody entry.
        """
        record_type: RecordType[R] = record_type_of(record)
        self._allowed(None)
        key = record_type.key_of(record)
        record_rows.delete(self._journal.db, record_type, key)
        return self.saved(
            record_type.subject,
            key,
            None,
            action,
            change=RecordChange.DELETED,
            item_id=self._item_of(record_type, key, item_id),
            details=details,
            reason=reason,
        )

    def saved(
        self,
        subject: str,
        record_id: str,
        state: Mapping[str, Any] | None,
        action: str,
        *,
        change: RecordChange = RecordChange.UPDATED,
        item_id: str | None = None,
        details: Mapping[str, Any] | None = None,
        reason: str | None = None,
    ) -> CustodyEntry:
        """Log a record its own repository wrote in this transaction (a composite record).

        Args:
            subject: the record type's custody subject.
            record_id: its key.
            state: its canonical state after the change (None for a deletion).
            action: the custody action.
            change: what happened to it.
            item_id: the item the entry concerns.
            details: facts about the action.
            reason: why, when it differs from the recording's reason.

        Returns:
            The custody entry.
        """
        self._allowed(None)
        return self._saved(subject, record_id, state, action, change, item_id, details, reason)

    def logged(
        self,
        subject: str,
        record_id: str,
        state: Mapping[str, Any],
        action: str,
        *,
        change: RecordChange = RecordChange.UPDATED,
        item_id: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        """`saved` for a record written, not deleted, whose entry nobody reads back (a card's
        extraction records, three a photo): the same entry, without building the
        `CustodyEntry` to return (each cost a JSON parse), stored with the next ones several
        to a statement (`CustodyLog.log(later=True)`: the commit, an attempt and anything
        that reads or appends to the log store them first)."""
        self._allowed(None)
        self._journal.custody.log(
            action,
            self.actor,
            item_id=item_id,
            subject=(subject, record_id),
            record=state,
            details=details,
            reason=self.reason,
            later=True,
        )
        self._journal.pending.append(Change(subject, record_id, change, item_id))
        self._journal.actions.append(action)

    def _saved(
        self,
        subject: str,
        record_id: str,
        state: Mapping[str, Any] | None,
        action: str,
        change: RecordChange,
        item_id: str | None,
        details: Mapping[str, Any] | None,
        reason: str | None,
    ) -> CustodyEntry:
        deleted = change is RecordChange.DELETED
        entry = self._journal.custody.append(
            action,
            self.actor,
            item_id=item_id,
            subject=(subject, record_id),
            record=None if deleted else state,
            deleted=deleted,
            details=details,
            reason=reason if reason is not None else self.reason,
        )
        self._journal.pending.append(Change(subject, record_id, change, item_id))
        self._journal.actions.append(action)
        return entry

    def note(
        self,
        action: str,
        *,
        item_id: str | None = None,
        details: Mapping[str, Any] | None = None,
        reason: str | None = None,
    ) -> CustodyEntry:
        """Log an action that changes no record: an export, a verification, a refused file.

        Returns:
            The custody entry.
        """
        self._allowed(None)
        entry = self._journal.custody.append(
            action,
            self.actor,
            item_id=item_id,
            details=details,
            reason=reason if reason is not None else self.reason,
        )
        self._journal.actions.append(action)
        if item_id is not None:
            self._journal.noted.append(item_id)
        return entry

    # ----------------------------------------------------------------------------------------
    def _check_not_stale(self, record_type: RecordType[R], before: R) -> None:
        """Refuse an update whose `before` is not the stored record: someone changed it since
        it was read (another examiner, another process). Inside the write transaction, which
        holds the case's write lock, so nobody can change it between this read and the write.

        Raises:
            EditConflictError: the stored state differs from `before` (which fields).
        """
        key = record_type.key_of(before)
        stored = record_rows.find(self._journal.db, record_type, key)
        if stored is None:
            return  # record_rows.update says it is missing
        fields = list(record_type.changes(before, stored))
        if fields:
            label = record_type.subject.replace("_", " ")
            raise EditConflictError(
                f"{label} {key} was changed by someone else since it was read "
                f"({', '.join(fields)}): nothing was written; reload it and edit again",
                record_type.subject,
                key,
                fields,
            )

    @staticmethod
    def _item_of(record_type: RecordType[Any], key: str, item_id: str | None) -> str | None:
        return key if item_id is None and record_type is ITEM else item_id

    def _logged(
        self,
        record_type: RecordType[R],
        record: R,
        action: str,
        change: RecordChange,
        item_id: str | None,
        details: Mapping[str, Any] | None,
        reason: str | None,
    ) -> CustodyEntry:
        key = record_type.key_of(record)
        return self._saved(
            record_type.subject,
            key,
            record_type.state(record),
            action,
            change,
            self._item_of(record_type, key, item_id),
            details,
            reason,
        )
