"""Which states of a record the other side is known to have had: the merge rule (issue 14).

A merge may change one of our records (take their newer state, or carry their deletion) only
when their chain shows the change was made from a state of that record they are known to have
had: our current state must be in their chain's history of the record *and* be a state this
case exchanged with another party, sent in one of our packs or received in an unpack or merge
(`exchanged_states`, written with the custody entry of each). A chain that merely claims our
state (re-hashed, or built from a copy of our case we never sent) proves nothing, and an
unsigned archive proves nothing about who made its chain: both make a conflict, never an
update or a deletion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from forensics.store.custody import DELETED

SENT = "sent"
RECEIVED = "received"


def last_states(chain: Iterable[Mapping[str, Any]]) -> list[tuple[str, str, str]]:
    """The last logged state of every record a chain names: `(subject type, id, digest)`.

    A record whose last entry deleted it has no state to remember.
    """
    last: dict[tuple[str, str], str | None] = {}
    for e in chain:
        if e.get("subject_type") and e.get("subject_id") and e.get("record_sha256"):
            digest = str(e["record_sha256"])
            last[(str(e["subject_type"]), str(e["subject_id"]))] = (
                None if digest == DELETED else digest
            )
    return [(t, i, d) for (t, i), d in sorted(last.items()) if d is not None]
