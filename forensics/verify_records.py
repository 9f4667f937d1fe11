"""Verify's record check: every record the custody log tracks still has the digest its newest
entry recorded, and every item has such an entry.

Read a batch at a time (`forensics.store.verify_reads`): the newest entries of a thousand
records, then those records with one query per record type, so a million items cost a
thousand queries and a few megabytes, on a folder case and on a server alike, and the
findings come in the same order on both (the order the records first appear in the log).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from forensics.models import Finding
from forensics.store.custody import DELETED, record_digest
from forensics.store.subjects import FETCHERS, fetch_states
from forensics.store.verify_reads import Latest, batched, latest_digests, unlogged_items

if TYPE_CHECKING:
    from forensics.case import Case
    from forensics.jobs import CancelToken
    from forensics.verify import VerifyReport


def check_records(case: Case, report: VerifyReport, cancel: CancelToken | None = None) -> None:
    """Append a finding for each record changed, removed or re-added behind the log's back,
    and for each item the log never recorded. Call inside a `snapshot()`."""
    for batch in batched(latest_digests(case.db)):
        if cancel is not None:
            cancel.raise_if_cancelled()
        wanted: dict[str, list[str]] = {}
        for latest in batch:
            if latest.subject_type in FETCHERS:
                wanted.setdefault(latest.subject_type, []).append(latest.subject_id)
        states = {t: fetch_states(case.db, t, ids) for t, ids in wanted.items()}
        for latest in batch:
            if latest.subject_type in states:
                report.records_checked += 1
                _compare(report, latest, states[latest.subject_type].get(latest.subject_id))
    for item_id in unlogged_items(case.db):
        report.findings.append(
            Finding(
                "item_unlogged",
                f"item {item_id} has no custody entry: it was added to the "
                "database outside the workbench",
                item_id=item_id,
            )
        )


def _compare(report: VerifyReport, latest: Latest, current: dict[str, object] | None) -> None:
    subject_type, subject_id, seq, digest = (
        latest.subject_type,
        latest.subject_id,
        latest.seq,
        latest.digest,
    )
    item_id = subject_id if subject_type == "item" else None
    if current is None:
        if digest != DELETED:
            report.findings.append(
                Finding(
                    f"{subject_type}_removed",
                    f"{subject_type} {subject_id} was removed from the database; custody entry "
                    f"{seq} recorded it",
                    item_id=item_id,
                    entry_seq=seq,
                    expected=digest,
                    found="missing",
                )
            )
        return
    found = record_digest(current)
    if digest == DELETED:
        report.findings.append(
            Finding(
                f"{subject_type}_added",
                f"{subject_type} {subject_id} exists although custody entry {seq} deleted it",
                item_id=item_id,
                entry_seq=seq,
                expected="deleted",
                found=found,
            )
        )
    elif found != digest:
        report.findings.append(
            Finding(
                f"{subject_type}_changed",
                f"{subject_type} {subject_id} differs from its state at custody entry {seq}",
                item_id=item_id,
                entry_seq=seq,
                expected=digest,
                found=found,
            )
        )
