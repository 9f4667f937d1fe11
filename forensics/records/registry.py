"""Every record type of a case, in one explicit tuple (no registry filled by imports).

`verify`'s fetchers, the schema test and the exchange serialisation walk this list; a new
record type is declared in its module here and added below.
"""

from __future__ import annotations

from typing import Any

from forensics.records import annotations as annotation_records
from forensics.records import comments, examiners, frames, geoloc, media, merges, ocr, provenance
from forensics.records.core import CASE, ITEM
from forensics.records.declare import RecordType, record_type_of

RECORD_TYPES: tuple[RecordType[Any], ...] = (
    CASE,
    ITEM,
    examiners.EXAMINER,
    examiners.SEAL,
    media.METADATA,
    media.POSITION,
    frames.FRAME_RUN,
    frames.FRAME,
    frames.SCENE,
    *annotation_records.RECORD_TYPES,
    *geoloc.RECORD_TYPES,
    *provenance.RECORD_TYPES,
    merges.MERGE,
    merges.CONFLICT,
    *ocr.RECORD_TYPES,
    *comments.RECORD_TYPES,
)
"""Every declared record type."""


def _by_subject() -> dict[str, RecordType[Any]]:
    out: dict[str, RecordType[Any]] = {}
    for record_type in RECORD_TYPES:
        if record_type.subject in out:
            raise RuntimeError(f"two record types share the subject {record_type.subject}")
        out[record_type.subject] = record_type
    return out


BY_SUBJECT: dict[str, RecordType[Any]] = _by_subject()
"""Record type by custody subject."""

__all__ = ["BY_SUBJECT", "LOGGED", "RECORD_TYPES", "record_type_of"]

LOGGED: tuple[RecordType[Any], ...] = tuple(t for t in RECORD_TYPES if t.logged)
"""The record types whose custody entries digest their state (what `verify` re-checks)."""
