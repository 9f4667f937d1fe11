"""Seals: an examiner's signed statement of the custody head at one moment.

The chain's head is anchored in the database, where anyone who can write the database can
move it: removing the newest entries and moving the head back, or rewriting the whole chain
without a key (every entry unsigned, as if made before signing), leaves a log that checks out
on its own. A seal is the anchor kept elsewhere: `{case, seq, hash, time, examiner, key}`
signed with the examiner's key. `verify --against SEAL` re-finds that entry: a chain that no
longer reaches it was cut short, one whose entry differs was rewritten (and with it every later
entry). A seal is also kept in the case and in the examiner's own journal (outside the case),
and printed in reports and pack manifests, so the copies that matter are out of reach of
whoever can write the case.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forensics.errors import ValidationError
from forensics.identity import SEAL_DOMAIN, Examiner, fingerprint, short_fingerprint
from forensics.identity import signature_holds as _holds
from forensics.records.core import Finding
from forensics.records.declare import canonical_json
from forensics.store import seals as store
from forensics.store.db import utc_now

if TYPE_CHECKING:
    from forensics.case import Case

log = logging.getLogger(__name__)

SEAL_TYPE = "pwb-seal"
SEAL_FIELDS = (
    "type",
    "version",
    "case_id",
    "case_title",
    "seq",
    "hash",
    "sealed_at",
    "examiner",
    "organisation",
    "role",
    "fingerprint",
    "public_key",
    "purpose",
)
"""What a seal says; its `signature` covers the canonical JSON of exactly these."""
JOURNAL_FOLDER = "journal_folder"
"""The case folder a journal line's seal was made in (a note beside the seal, not signed)."""


def _signed_part(doc: Mapping[str, Any]) -> bytes:
    return canonical_json({k: doc.get(k) for k in SEAL_FIELDS}).encode("ascii")


def make_seal(case: Case, examiner: Examiner, purpose: str) -> dict[str, Any]:
    """Sign the case's current head.

    Args:
        case: the open case.
        examiner: who seals (their key signs).
        purpose: why ("sealed by hand", "pack", "report", "closing the workbench").

    Returns:
        The seal document (JSON-able).
    """
    seq, head = case.custody.head()
    info = case.info
    doc: dict[str, Any] = {
        "type": SEAL_TYPE,
        "version": 1,
        "case_id": info.case_id,
        "case_title": info.title,
        "seq": seq,
        "hash": head,
        "sealed_at": utc_now(),
        "examiner": examiner.name,
        "organisation": examiner.organisation or None,
        "role": examiner.role or None,
        "fingerprint": examiner.fingerprint,
        "public_key": examiner.public_key,
        "purpose": purpose,
    }
    doc["signature"] = examiner.sign(SEAL_DOMAIN, _signed_part(doc))
    return doc


def seal_case(case: Case, purpose: str) -> dict[str, Any] | None:
    """Seal the head with the case's signer and keep the seal in the case (unless it is
    read-only) and in the examiner's journal.

    Returns:
        The seal, or None when no examiner signs for this case (nothing to seal with).
    """
    examiner = case.signer
    if examiner is None:
        return None
    if case.readonly:
        doc = make_seal(case, examiner, purpose)
    else:
        with case.transaction():
            case.custody.ensure_signer()
            doc = make_seal(case, examiner, purpose)
            store.add_seal(case.db, str(uuid.uuid4()), doc)
    if examiner.journal is not None:
        append_journal(examiner.journal, doc, case.root)
    return doc


def append_journal(journal: Path, doc: Mapping[str, Any], folder: Path) -> None:
    """Add a seal to the examiner's journal (one JSON document per line), noting the case
    folder it was made in: copies of a case (an archive unpacked elsewhere) share its id but
    go their own ways, and only the folder tells which copy a seal is of."""
    journal.parent.mkdir(parents=True, exist_ok=True)
    line = {**doc, JOURNAL_FOLDER: str(folder.resolve())}
    with journal.open("a", encoding="utf-8") as fh:
        fh.write(canonical_json(line) + "\n")


def journal_seals(journal: Path | None, case_id: str, folder: Path) -> list[dict[str, Any]]:
    """The seals an examiner's journal holds of the case in `folder` (a damaged line is
    skipped, and logged)."""
    if journal is None or not journal.is_file():
        return []
    where = str(folder.resolve())
    out: list[dict[str, Any]] = []
    for n, line in enumerate(journal.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            doc = json.loads(line)
        except ValueError:
            log.warning("%s line %d: not a seal, skipped", journal, n)
            continue
        if (
            isinstance(doc, dict)
            and doc.get("case_id") == case_id
            and doc.get(JOURNAL_FOLDER) == where
        ):
            out.append(doc)
    return out


def write_seal(doc: Mapping[str, Any], out: Path) -> None:
    """Write a seal to a file of its own (indented JSON)."""
    out.write_text(json.dumps(dict(doc), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load_seal(path: Path) -> dict[str, Any]:
    """Read a seal file.

    Raises:
        ValidationError: the file cannot be read or is not a seal.
    """
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(f"{path}: cannot read the seal ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("type") != SEAL_TYPE:
        raise ValidationError(f"{path}: not a Provenance Workbench seal")
    missing = [k for k in (*SEAL_FIELDS, "signature") if k not in doc]
    if missing:
        raise ValidationError(f"{path}: the seal lacks {', '.join(missing)}")
    return doc


def seal_lines(doc: Mapping[str, Any]) -> list[str]:
    """The seal as lines of text, for a report, a manifest reader or a printout."""
    return [
        f"Sealed {doc.get('sealed_at')} by {doc.get('examiner')} "
        f"(key {short_fingerprint(str(doc.get('fingerprint', '')))}) for: {doc.get('purpose')}",
        f"Custody head: entry {doc.get('seq')}, sha256 {doc.get('hash')}",
        f"Case: {doc.get('case_id')}",
        f"Key fingerprint: {doc.get('fingerprint')}",
        f"Signature (Ed25519): {doc.get('signature')}",
    ]


def signature_holds(doc: Mapping[str, Any]) -> bool:
    """The seal's signature is its key's, and its fingerprint names that key."""
    try:
        raw = base64.b64decode(str(doc.get("public_key", "")), validate=True)
    except (ValueError, binascii.Error):
        return False
    if fingerprint(raw) != doc.get("fingerprint"):
        return False
    return _holds(
        str(doc.get("public_key")), SEAL_DOMAIN, _signed_part(doc), str(doc.get("signature"))
    )


def check_seals(case: Case, seals: Iterable[tuple[str, Mapping[str, Any]]]) -> list[Finding]:
    """Check the chain against seals: `(where the seal came from, the seal)` pairs.

    A seal whose entry the chain no longer has finds a truncation; one whose entry hashes
    differently finds a rewrite; a seal that does not hold or whose key the case does not
    list is a finding of its own.
    """
    findings: list[Finding] = []
    info = case.info
    known = store.examiners(case.db)
    last = store.last_seq(case.db)
    for source, doc in seals:
        who = f"the seal {source} by {doc.get('examiner')} at {doc.get('sealed_at')}"
        if not signature_holds(doc):
            findings.append(
                Finding(
                    "seal_invalid",
                    f"{who} does not hold: it was changed after signing or never signed",
                    found=str(doc.get("fingerprint")),
                )
            )
            continue
        if doc.get("case_id") != info.case_id:
            findings.append(
                Finding(
                    "seal_other_case",
                    f"{who} seals another case ({doc.get('case_id')})",
                    expected=info.case_id,
                    found=str(doc.get("case_id")),
                )
            )
            continue
        examiner = known.get(str(doc.get("fingerprint")))
        if examiner is None or examiner.public_key != doc.get("public_key"):
            findings.append(
                Finding(
                    "seal_key_unknown",
                    f"{who} is signed by a key the case's examiners do not list: the list "
                    "was rewritten, or the seal is not from an examiner of this case",
                    found=str(doc.get("fingerprint")),
                )
            )
        seq = int(doc.get("seq") or 0)
        if seq == 0:
            continue
        stored = store.entry_hash_at(case.db, seq)
        if stored is None:
            findings.append(
                Finding(
                    "custody_truncated",
                    f"custody entry {seq}, sealed in {who}, is gone: the log ends at entry "
                    f"{last}, so entries were removed since the seal",
                    entry_seq=seq,
                    expected=str(doc.get("hash")),
                    found="missing",
                )
            )
        elif stored != doc.get("hash"):
            findings.append(
                Finding(
                    "custody_rewritten",
                    f"custody entry {seq} differs from the one sealed in {who}: the log up "
                    "to it was rewritten since the seal",
                    entry_seq=seq,
                    expected=str(doc.get("hash")),
                    found=stored,
                )
            )
    return findings


def case_seals(case: Case) -> list[tuple[str, dict[str, Any]]]:
    """The seals kept in the case itself, labelled for findings."""
    return [("kept in the case", doc) for doc in store.stored_seals(case.db)]
