"""Storing bytes as an ingest stores a file's copy: the tests of batching and races share it."""

from __future__ import annotations

from forensics.case import Case
from forensics.intake.content_store import store_copy
from forensics.intake.records import ContentSource, IngestOptions, IngestOutcome


def store_bytes(
    case: Case, data: bytes, source: ContentSource, options: IngestOptions
) -> IngestOutcome:
    """`store_copy` of `data` as the content of `source` (synced at once unless batched)."""
    return store_copy(
        case,
        lambda: case.evidence.copy_in([data], len(data), sync=options.batch is None),
        len(data),
        source,
        options,
        parent_id=None,
    )
