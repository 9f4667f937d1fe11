"""How `verify` reads the current state of each kind of record the custody log tracks.

A custody entry that changed a record stores the digest of the record's new state; `verify`
reads the record again and compares. The fetchers are derived from the record declarations
(`forensics.records.registry`): a simple record is read by its key and digested through its
declaration's `state`. A composite record (its state includes other rows: an extraction run
and its frames, a metadata record and its positions and tracks, the case facts kept as
key/value rows) has its reader here, and a test checks every composite type has one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from forensics.records.core import CASE
from forensics.records.declare import RecordType
from forensics.records.frames import FRAME_RUN
from forensics.records.media import METADATA
from forensics.records.registry import LOGGED
from forensics.store import record_rows
from forensics.store.case_facts import CaseFacts
from forensics.store.frames import fetch_run_state
from forensics.store.media import fetch_metadata_state
from forensics.store.verify_reads import rows_by_key

if TYPE_CHECKING:
    from forensics.store.database import Database

Fetcher = Callable[["Database", str], dict[str, Any] | None]


def _case(db: Database, case_id: str) -> dict[str, Any] | None:
    info = CaseFacts(db).read()
    return None if info is None or info.case_id != case_id else CASE.state(info)


COMPOSITE: dict[str, Fetcher] = {
    CASE.subject: _case,
    FRAME_RUN.subject: fetch_run_state,
    METADATA.subject: fetch_metadata_state,
}
"""Readers of the record types whose state is not one row of their own table."""


def _row_fetcher(record_type: RecordType[Any]) -> Fetcher:
    def fetch(db: Database, key: str) -> dict[str, Any] | None:
        found = record_rows.find(db, record_type, key)
        return None if found is None else record_type.state(found)

    return fetch


def _fetchers() -> dict[str, Fetcher]:
    out: dict[str, Fetcher] = {}
    for record_type in LOGGED:
        if record_type.composite or not record_type.stored:
            out[record_type.subject] = COMPOSITE[record_type.subject]
        else:
            out[record_type.subject] = _row_fetcher(record_type)
    return out


FETCHERS: dict[str, Fetcher] = _fetchers()
"""Custody subject type -> current record state (for `verify`)."""


def fetch_states(db: Database, subject_type: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The current state of several records of one type: key -> state (a key missing from
    the result: no such record). A simple record type is read with one query for all the
    keys (`verify` reads a million items that way); a composite one, key by key."""
    record_type = _SIMPLE.get(subject_type)
    if record_type is None:
        fetch = FETCHERS[subject_type]
        found = {key: fetch(db, key) for key in keys}
        return {key: state for key, state in found.items() if state is not None}
    rows = rows_by_key(db, record_type.table, record_type.key_column, keys)
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        record = record_type.from_row(row)
        out[record_type.key_of(record)] = record_type.state(record)
    return out


_SIMPLE: dict[str, RecordType[Any]] = {
    t.subject: t for t in LOGGED if not (t.composite or not t.stored)
}
"""The record types read from one row of their own table."""
