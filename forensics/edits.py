"""What an examiner needs to settle an edit conflict: the record as stored now, and who
changed it since their form opened, and when (from the custody chain).

`store.rebase` refuses an edit whose fields a colleague changed since the form was made;
the examiner then chooses between the colleague's values and their own. This module finds
the two facts that choice rests on, for any declared record type, so the GUI's one conflict
dialog and the CLI's message say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

from forensics.errors import EditConflictError
from forensics.records.declare import record_type_of
from forensics.records.registry import BY_SUBJECT
from forensics.store import record_rows

if TYPE_CHECKING:
    from forensics.case import Case
    from forensics.records.core import CustodyEntry

R = TypeVar("R")


@dataclass(frozen=True)
class Change:
    """One recorded change to a record: who made it and when."""

    actor: str
    at: str
    """ISO 8601 UTC, as the custody entry keeps it."""
    action: str
    reason: str | None

    @property
    def when(self) -> str:
        """The time as a person reads it ("2026-12-05 16:40 UTC")."""
        return self.at[:16].replace("T", " ") + " UTC"


def stored(case: Case, record: R) -> R | None:
    """The record as stored now (None: deleted since)."""
    record_type = record_type_of(record)
    found: R | None = record_rows.find(case.db, record_type, record_type.key_of(record))
    return found


def stored_of(case: Case, conflict: EditConflictError) -> Any | None:
    """The record a conflict is about, as stored now (None: deleted): for a form that showed
    no such record (a keyframe a colleague made on the frame since it was shown)."""
    return record_rows.find(case.db, BY_SUBJECT[conflict.subject], conflict.record_id)


def logged_changes(case: Case, conflict: EditConflictError) -> list[Change]:
    """Every recorded change to the record a conflict is about (oldest first): for a form
    that showed no such record, all of them were made since."""
    entries = case.custody.entries(subject=(conflict.subject, conflict.record_id))
    return [Change(e.actor, e.at, e.action, e.reason) for e in entries]


def changed_since(case: Case, based_on: Any) -> list[Change]:
    """The recorded changes to a record made after the state `based_on` (oldest first).

    The custody entry that logged `based_on` is found by its digest; when none holds it (a
    form made from a state never logged as such), the newest change is the one shown.
    """
    record_type = record_type_of(based_on)
    subject = (record_type.subject, record_type.key_of(based_on))
    entries: list[CustodyEntry] = case.custody.entries(subject=subject)
    digest = record_type.digest(based_on)
    start = max(
        (i + 1 for i, e in enumerate(entries) if e.record_sha256 == digest),
        default=max(0, len(entries) - 1),
    )
    return [Change(e.actor, e.at, e.action, e.reason) for e in entries[start:]]


def state_at(
    case: Case, current: R, seq: int, *, label: str | None = None, stamps: tuple[str, ...] = ()
) -> R:
    """A record as it was just after custody entry `seq`: the state an examiner saw when
    `pwb show` listed the log up to that entry (the base of a CLI edit's `--as-of`);
    `label` names it in a refusal ("item 'Gerbera drone'").

    Rebuilt from the record as stored now by undoing, newest first, the field changes that
    the later entries about it spell out (`details["changes"]`), and checked against the
    digest the log kept for it at `seq`. `stamps` are fields its log leaves out (an
    annotation's `updated_at`): they keep their value now, so the digest cannot be checked,
    and the caller compares the state with them ignored.

    Raises:
        EditConflictError: a later change the log does not spell field by field, or a rebuilt
            state whose digest is not the one logged (the state at `seq` cannot be known, so
            no field can be said to be unchanged since).
    """
    record_type = record_type_of(current)
    key = record_type.key_of(current)
    entries = case.custody.entries(subject=(record_type.subject, key))
    known = [e.record_sha256 for e in entries if e.seq <= seq and e.record_sha256 is not None]
    rebuilt: Any = current
    for entry in reversed([e for e in entries if e.seq > seq and e.record_sha256 is not None]):
        changes = entry.details.get("changes")
        rebuilt = _undo(changes, rebuilt) if isinstance(changes, dict) else None
        if rebuilt is None:
            break
    if rebuilt is not None and known and (stamps or record_type.digest(rebuilt) == known[-1]):
        return cast("R", rebuilt)
    label = label or f"{record_type.subject.replace('_', ' ')} {key}"
    why = (
        f"did not exist yet at custody entry {seq}"
        if not known
        else f"was changed after custody entry {seq} in a way its log does not spell field by field"
    )
    raise EditConflictError(
        f"{label} {why}: nothing was written",
        record_type.subject,
        key,
        [],
    )


def _undo(changes: dict[str, Any], record: Any) -> Any:
    """The record with each change's "from" value back (None: a change names no field)."""
    names = {f.name: getattr(record, f.name) for f in fields(record)}
    values: dict[str, Any] = {}
    for name, change in changes.items():
        if name not in names or not isinstance(change, dict) or "from" not in change:
            return None
        old = change["from"]
        values[name] = tuple(old) if isinstance(names[name], tuple) and old is not None else old
    return replace(record, **values)


def explain(case: Case, conflict: EditConflictError, what: str, based_on: Any) -> str:
    """A refused edit in words, for a person at a terminal: who changed the record since
    `based_on` and when (names from the custody log), and each clashing field's value now
    against theirs."""
    told = changed_since(case, based_on)
    who = "; ".join(f"{c.actor} at {c.when}" for c in told[-3:]) or "someone else"
    fields = "; ".join(
        f"{c['field']} is now {c['theirs']!r}, yours {c['mine']!r}" for c in conflict.clashes
    )
    return f"{what} was changed since you read it, by {who}" + (f" ({fields})" if fields else "")
