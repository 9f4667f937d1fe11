"""What provenance writes share: ids, the sources they cite, the fields an edit may change.

Manufacturers, components, links, sources, claims, figures and citations are written through
`case.recording()` like every record (`rec.insert`, `rec.update`, which logs each changed
field), so `pwb verify` re-checks each one. `record_id` lets a caller that needs stable ids
(the demo builder) choose them; otherwise ids are uuid4.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from forensics.errors import ValidationError
from forensics.records.provenance import Source
from forensics.store.provenance import ProvenanceRepository


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


def check_editable(changes: Mapping[str, Any], editable: Sequence[str]) -> None:
    """Refuse fields outside `editable` (ids, creation stamps) before reading anything."""
    bad = set(changes) - set(editable)
    if bad:
        raise ValidationError(f"cannot edit {', '.join(sorted(bad))}")
