"""What an examiner needs to settle an edit conflict: the record as stored now, and who
changed it since their form opened, and when (from the custody chain).

`store.rebase` refuses an edit whose fields a colleague changed since the form was made;
the examiner then chooses between the colleague's values and their own. This module finds
the two facts that choice rests on, for any declared record type, so the GUI's one conflict
dialog and the CLI's message say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from forensics.records.declare import record_type_of
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
