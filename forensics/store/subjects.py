"""How `verify` reads the current state of each kind of record the custody log tracks.

A custody entry that changed a record stores the digest of the record's new state; `verify`
reads the record again through the fetcher registered here for its subject type and compares.
A feature whose records are logged registers its fetcher in `FETCHERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from forensics.store.annotations import (
    annotation_subject,
    label_subject,
    link_subject,
    track_subject,
)
from forensics.store.frames import SUBJECT as FRAME_RUN
from forensics.store.frames import fetch_run_state
from forensics.store.hypotheses import EVIDENCE_SUBJECT as GEO_EVIDENCE
from forensics.store.hypotheses import SUBJECT as GEO_HYPOTHESIS
from forensics.store.hypotheses import fetch_evidence_link, fetch_hypothesis
from forensics.store.items import ItemRepository, item_record
from forensics.store.media import SUBJECT as MEDIA_METADATA
from forensics.store.media import fetch_metadata_state
from forensics.store.merges import CONFLICT_SUBJECT, MERGE_SUBJECT, fetch_conflict, fetch_merge
from forensics.store.provenance import provenance_fetchers

if TYPE_CHECKING:
    from forensics.store.database import Database

Fetcher = Callable[["Database", str], dict[str, Any] | None]


def _item(db: Database, item_id: str) -> dict[str, Any] | None:
    item = ItemRepository(db).find(item_id)
    return None if item is None else item_record(item)


_CASE_KEYS = ("case_id", "title", "examiner", "created_at", "created_with")


def _case(db: Database, case_id: str) -> dict[str, Any] | None:
    rows = {
        r["key"]: r["value"]
        for r in db.query(
            f"SELECT key, value FROM case_info WHERE key IN ({', '.join('?' * len(_CASE_KEYS))})",
            list(_CASE_KEYS),
        )
    }
    if rows.get("case_id") != case_id:
        return None
    return {k: rows.get(k) for k in _CASE_KEYS}


FETCHERS: dict[str, Fetcher] = {
    "item": _item,
    "case": _case,
    GEO_HYPOTHESIS: fetch_hypothesis,
    GEO_EVIDENCE: fetch_evidence_link,
    MEDIA_METADATA: fetch_metadata_state,
    "annotation": annotation_subject,
    "track": track_subject,
    "annotation_link": link_subject,
    "annotation_label": label_subject,
}

FETCHERS.update(provenance_fetchers())
FETCHERS[FRAME_RUN] = fetch_run_state
FETCHERS.update({MERGE_SUBJECT: fetch_merge, CONFLICT_SUBJECT: fetch_conflict})
