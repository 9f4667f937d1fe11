"""Verifying a case: every stored byte re-hashed, the custody chain re-walked.

What is checked, and why each check exists:
- each custody entry's hash is recomputed (a changed row), its `prev_hash` matches the entry
  before it (a row inserted or removed), sequence numbers are contiguous, and the last entry
  matches the head anchored in `case_info` (newest rows removed);
- each record the log tracks still has the digest its newest entry recorded (a row edited in
  the database behind the workbench's back), and every item has such an entry;
- each entry's signature holds, under a key the case lists for the examiner it names
  (`verify_signatures`); the chain still holds every entry sealed by a seal kept in the case
  or handed in (`seals`: a truncation or rewrite since the seal);
- each stored evidence file still hashes to its name and size, no referenced file is missing,
  and no file was slipped into the store; derived files still hash to their names, and none
  that a record refers to (a frame's PNG, a thumbnail) is missing.

Verify under load: the database is read in two read transactions (`snapshot`): the chain,
its anchored head and the records in the first, one state of the case however many ingests
commit meanwhile; the items' contents, streamed while their files are hashed, in the second.
A file that snapshot does not know is a finding only when it is still there, no writer holds
an in-flight marker for it, and no item committed since refers to it: a blob of an ingest
under way (or of one that committed after the snapshot) is not evidence slipped into the store.

Constant memory on any case: every read is streamed and checked a batch at a time
(`forensics.store.verify_reads`, `verify_records`); only the findings are kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.models import Finding
from forensics.seals import case_seals, check_seals
from forensics.store.custody import GENESIS_HASH, Action, row_hash
from forensics.store.db import snapshot
from forensics.store.derived_refs import DerivedRef, derived_refs
from forensics.store.evidence import hash_file
from forensics.store.verify_reads import (
    acquisition_items,
    batched,
    content_bytes,
    contents,
    known_contents,
)
from forensics.verify_records import check_records
from forensics.verify_signatures import check_signatures

log = logging.getLogger(__name__)

_check_records = check_records
"""The record check by its former name (unpack checks a received case's records with it)."""


@dataclass
class VerifyReport:
    """The outcome of one verification."""

    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    entries_checked: int = 0
    records_checked: int = 0
    notices: list[Finding] = field(default_factory=list)
    """What a reader should know but is not wrong: entries made before signing, names given
    with --examiner rather than proven by a key."""
    seals_checked: int = 0
    logged: bool = False
    """True when the verification was appended to the custody log."""
    not_logged_reason: str | None = None
    """Why it was not (a read-only case, a damaged chain), for the user."""

    @property
    def ok(self) -> bool:
        """True when nothing was found."""
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        """The report as `pwb verify --json` prints it."""
        return {
            "ok": self.ok,
            "files_checked": self.files_checked,
            "entries_checked": self.entries_checked,
            "records_checked": self.records_checked,
            "seals_checked": self.seals_checked,
            "notices": [n.to_json() for n in self.notices],
            "logged": self.logged,
            "not_logged_reason": self.not_logged_reason,
            "findings": [f.to_json() for f in self.findings],
        }


def verify_case(
    case: Case,
    *,
    actor: str | None = None,
    record_result: bool = True,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    seals: Iterable[tuple[str, Mapping[str, Any]]] = (),
) -> VerifyReport:
    """Check the whole case and, unless read-only, log the verification itself.

    Args:
        case: the open case.
        actor: who verifies (for the custody entry).
        record_result: append a `verified` custody entry with the outcome (not when the
            chain itself is damaged: that would re-anchor its head on the damage).
        progress: called with bytes hashed, bytes in total and the current file.
        cancel: stops between files.
        seals: seals kept outside the case, `(where from, seal)`; those kept in the case
            are checked too.

    Returns:
        The findings; empty when everything matches.
    """
    report = VerifyReport()
    with snapshot(case.db):
        _check_chain(case, report)
        signature_findings, report.notices = check_signatures(case)
        report.findings += signature_findings
        all_seals = [*case_seals(case), *seals]
        report.seals_checked = len(all_seals)
        report.findings += check_seals(case, all_seals)
        check_records(case, report)
        derived = derived_refs(case.db)
    with snapshot(case.db):
        suspects = _check_evidence(case, report, progress, cancel or CancelToken())
        _check_acquisitions(case, report)
    _report_unexpected(case, report, suspects)  # judged outside the snapshot
    _check_derived(case, report, derived, cancel or CancelToken())
    chain_damaged = any(f.kind.startswith("custody_") for f in report.findings)
    # Appending to a damaged chain would re-anchor its head on the damage: a removed last
    # entry would look whole at the next run. The log stays as found until someone looks.
    if case.readonly:
        report.not_logged_reason = "read-only case: the verification was not logged"
    elif chain_damaged:
        report.not_logged_reason = "the custody chain is damaged: it is left as found"
    elif not record_result:
        report.not_logged_reason = "not asked to log it"
    if record_result and not case.readonly and not chain_damaged:
        report.logged = True
        with case.recording(case.actor(actor)) as rec:
            rec.note(
                Action.VERIFIED,
                details={
                    "ok": report.ok,
                    "findings": len(report.findings),
                    "files_checked": report.files_checked,
                    "entries_checked": report.entries_checked,
                },
            )
    return report


def _check_chain(case: Case, report: VerifyReport, cancel: CancelToken | None = None) -> None:
    expected_seq = 1
    prev_hash = GENESIS_HASH
    last_seq, last_hash = 0, GENESIS_HASH
    for n, row in enumerate(case.custody.stored_rows()):
        if cancel is not None and n % 512 == 0:
            cancel.raise_if_cancelled()
        seq = int(row["seq"])
        report.entries_checked += 1
        gap = seq != expected_seq
        if gap:
            missing = (
                f"entry {expected_seq}"
                if seq == expected_seq + 1
                else f"entries {expected_seq} to {seq - 1}"
            )
            report.findings.append(
                Finding(
                    "custody_removed",
                    f"custody {missing} removed: the log jumps to entry {seq}",
                    entry_seq=expected_seq,
                    expected=str(expected_seq),
                    found=str(seq),
                )
            )
        if row["prev_hash"] != prev_hash and not gap:
            report.findings.append(
                Finding(
                    "custody_broken_link",
                    f"custody entry {seq} does not follow entry {seq - 1}: an entry was inserted, "
                    "removed or changed before it",
                    entry_seq=seq,
                    item_id=row["item_id"],
                    expected=prev_hash,
                    found=row["prev_hash"],
                )
            )
        recomputed = row_hash(row)
        if recomputed != row["hash"]:
            report.findings.append(
                Finding(
                    "custody_changed",
                    f"custody entry {seq} ({row['action']}) was changed after it was written",
                    entry_seq=seq,
                    item_id=row["item_id"],
                    expected=row["hash"],
                    found=recomputed,
                )
            )
        prev_hash = row["hash"]
        expected_seq = seq + 1
        last_seq, last_hash = seq, row["hash"]
    head_seq, head_hash = case.custody.head()
    if head_seq > last_seq:
        report.findings.append(
            Finding(
                "custody_removed",
                f"custody entries after {last_seq} were removed: the log's anchored head is entry "
                f"{head_seq}",
                entry_seq=last_seq + 1,
                expected=str(head_seq),
                found=str(last_seq),
            )
        )
    elif head_seq < last_seq:
        report.findings.append(
            Finding(
                "custody_added",
                f"custody entries after {head_seq} were added outside the workbench",
                entry_seq=head_seq + 1,
                expected=str(head_seq),
                found=str(last_seq),
            )
        )
    elif head_hash != last_hash:
        report.findings.append(
            Finding(
                "custody_changed",
                f"custody entry {last_seq} differs from the anchored head",
                entry_seq=last_seq,
                expected=head_hash,
                found=last_hash,
            )
        )


def _check_evidence(
    case: Case, report: VerifyReport, progress: ProgressFn, cancel: CancelToken
) -> list[tuple[str, Path]]:
    """Each content the items hold, streamed in sha256 order, re-hashed; then each file in
    the store checked to be known, a batch of names at a time (`verify_reads`).

    Returns:
        The files the snapshot knows no item of (`_report_unexpected` judges them).
    """
    total = content_bytes(case.db)
    done = 0
    for content in contents(case.db):
        cancel.raise_if_cancelled()
        sha, ids = content.sha256, content.item_ids
        path = case.evidence.path_of(sha)
        progress(done, total, sha)
        if not path.is_file() or path.is_symlink():
            for item_id in ids:
                report.findings.append(
                    Finding(
                        "evidence_missing",
                        f"stored file of item {item_id} is missing from the evidence store",
                        item_id=item_id,
                        expected=sha,
                        found="missing",
                    )
                )
            continue
        found, size = hash_file(path, cancel)
        report.files_checked += 1
        done += size
        if found != sha:
            for item_id in ids:
                report.findings.append(
                    Finding(
                        "evidence_changed",
                        f"stored file of item {item_id} no longer matches its sha256",
                        item_id=item_id,
                        expected=sha,
                        found=found,
                    )
                )
        elif content.size is not None and size != content.size:
            for item_id in ids:
                report.findings.append(
                    Finding(
                        "evidence_changed",
                        f"stored file of item {item_id} has the wrong size",
                        item_id=item_id,
                        expected=str(content.size),
                        found=str(size),
                    )
                )
    suspects: list[tuple[str, Path]] = []
    for stored in batched(case.evidence.stored_hashes()):
        known = known_contents(case.db, [name for name, _ in stored])
        suspects += [(name, path) for name, path in stored if name not in known]
    progress(total, total, "done")
    return suspects


def _report_unexpected(case: Case, report: VerifyReport, suspects: list[tuple[str, Path]]) -> None:
    """The blobs the snapshot did not know that are no writer's at work (see `_unexpected`),
    judged after the snapshot ends: within it, an item committed since is not seen, and its
    blob, renamed before the listing and its marker cleared after the commit, was reported
    (an ingest running beside verify)."""
    for name, path in suspects:
        if _unexpected(case, name, path):
            report.findings.append(
                Finding(
                    "evidence_unexpected",
                    f"a file no item refers to was found in the evidence "
                    f"store: {path.relative_to(case.root)}",
                    found=name,
                )
            )


def _unexpected(case: Case, name: str, path: Path) -> bool:
    """A blob the snapshot does not know, judged now (outside any read transaction): not
    one of a writer at work.

    The order matters: an ingest holds its marker until after its commit, so a marker gone
    means its item is committed (or its blob released) by the time the database is asked.
    """
    if case.evidence.in_flight(name):
        return False
    if case.items.has_content(name):
        return False  # committed after the snapshot was taken
    return path.is_file() or path.is_symlink()


def _check_derived(
    case: Case, report: VerifyReport, refs: list[DerivedRef], cancel: CancelToken
) -> None:
    hashed: set[str] = set()
    for path in case.evidence.derived_files():
        cancel.raise_if_cancelled()
        expected = path.name.split(".", 1)[0]
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            continue  # gone since it was listed: the referenced check below sees it
        hashed.add(path.name)
        report.files_checked += 1
        if digest != expected:
            report.findings.append(
                Finding(
                    "derived_changed",
                    f"derived file {path.relative_to(case.root)} no longer matches its sha256",
                    expected=expected,
                    found=digest,
                )
            )
    for ref in refs:
        path = case.evidence.derived_path(ref.sha256, ref.suffix)
        if path.name in hashed or path.is_file():
            continue
        report.findings.append(
            Finding(
                "derived_missing",
                f"derived file {path.relative_to(case.root)} of {ref.owner} is missing",
                expected=ref.sha256,
                found="missing",
            )
        )


def _check_acquisitions(case: Case, report: VerifyReport) -> None:
    """An E01 whose media did not match the hashes its acquisition stored stays a finding at
    every verify: the case holds damaged or altered evidence (see `intake.ewf_check`)."""
    from forensics.records.acquisition import acquisition_of

    for item_id, attributes in acquisition_items(case.db):
        record = acquisition_of(_json_object(attributes))
        if record is None or record.get("verified") is not False:
            continue
        for problem in record.get("problems") or ["the media does not match its stored hashes"]:
            report.findings.append(
                Finding(
                    "ewf_integrity",
                    problem,
                    item_id=item_id,
                    expected=record.get("stored_md5") or record.get("stored_sha1"),
                    found=record.get("media_md5") or record.get("media_sha1"),
                )
            )


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
