"""How every provenance record is written: its row and its custody entry in one transaction.

Manufacturers, components, links, sources, claims, figures and citations all go through
`write` (and `write_edit` for a change, which logs each field's old and new value), so every
record type is logged the same way and `pwb verify` can re-check each one. `record_id` lets a
caller that needs stable ids (the demo builder) choose them; otherwise ids are uuid4.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from forensics.case import Case
from forensics.errors import ValidationError
from forensics.records.provenance import Source
from forensics.store.provenance import ProvenanceRepository, Record, subject_of


def new_id(record_id: str | None) -> str:
    """The caller's id, else a new uuid4."""
    return record_id or str(uuid.uuid4())


def derived_id(parent: str, key: str) -> str:
    """A stable id for a record owned by `parent` (e.g. its citation of a source).

    Deriving it (uuid5) rather than drawing a uuid4 keeps rebuilt cases identical.
    """
    return str(uuid.uuid5(uuid.UUID(parent), key))


def require_sources(repo: ProvenanceRepository, source_ids: Iterable[str]) -> None:
    """Check every cited source exists before anything is written.

    Raises:
        NotFoundError: a source does not exist.
    """
    for source_id in source_ids:
        repo.get(Source, source_id)


def write(
    case: Case,
    record: Record,
    action: str,
    actor: str,
    *,
    insert: bool,
    item_id: str | None = None,
    details: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """Insert or update one record and append its custody entry (own transaction)."""
    repo = ProvenanceRepository(case.db)
    with case.transaction():
        if insert:
            repo.insert(record)
        else:
            repo.update(record)
        case.custody.append(
            action,
            actor,
            item_id=item_id,
            subject=(subject_of(record), record.id),
            record=record.record(),
            details=dict(details or {}),
            reason=reason,
        )


def check_editable(changes: Mapping[str, Any], editable: Sequence[str]) -> None:
    """Refuse fields outside `editable` (ids, creation stamps) before reading anything."""
    bad = set(changes) - set(editable)
    if bad:
        raise ValidationError(f"cannot edit {', '.join(sorted(bad))}")


def write_edit(
    case: Case,
    before: Record,
    after: Record,
    action: str,
    actor: str | None,
    reason: str | None,
    *,
    item_id: str | None = None,
) -> None:
    """Save an edited record, logging each changed field's old and new value."""
    old, new = before.record(), after.record()
    diff = {
        k: {"from": old[k], "to": new[k]} for k in new if old[k] != new[k] and k != "updated_at"
    }
    write(
        case,
        after,
        action,
        case.actor(actor),
        insert=False,
        item_id=item_id,
        details={"changes": diff},
        reason=reason,
    )
