"""The examiners who have worked on a case: each one's name and public key.

An examiner's custody entries are signed with their key; `verify` checks each signature
against the key listed here and that the entry names the examiner the key belongs to. A key
is added (with its own custody entry, signed by that key) the first time it signs in the case.
"""

from __future__ import annotations

from dataclasses import dataclass

from forensics.records.declare import RecordType


@dataclass(frozen=True)
class CaseExaminer:
    """One examiner's key, as the case knows it."""

    fingerprint: str
    """sha256 of the raw public key, in hex: who actually signed."""
    name: str
    """The name the examiner's profile gave when the key was added."""
    organisation: str | None
    role: str | None
    public_key: str
    """The raw Ed25519 public key, base64."""
    added_at: str


EXAMINER = RecordType(CaseExaminer, subject="examiner", table="case_examiners", key="fingerprint")
"""An examiner's key, added when it first signs an entry of the case."""


@dataclass(frozen=True)
class SealRecord:
    """A seal kept in the case: an examiner's signed statement of the custody head.

    The seal itself (`document`, canonical JSON) is what counts; the other fields repeat
    what it says, for listing. A copy kept outside the case (`pwb seal --out`, the
    examiner's journal, a printout) is what finds a log rewritten or cut short since.
    """

    id: str
    seq: int
    hash: str
    sealed_at: str
    examiner: str
    fingerprint: str
    purpose: str
    document: str


SEAL = RecordType(SealRecord, subject="seal", table="seals", logged=False)
"""A seal of the head, kept in the case (not a custody subject: it is signed itself)."""
