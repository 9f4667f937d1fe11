"""Checking who signed each custody entry, for `verify`.

Every entry written since signing came in carries its signer's key fingerprint and an Ed25519
signature of its hash. Each is checked against the key the case lists for that fingerprint
(`case_examiners`), and the entry must name the examiner that key belongs to, unless it says the
name was given (`--examiner TEXT`), which is reported as a notice: a name given, not proven.

Entries made before signing have neither; they are a notice of their own class
(`custody_unsigned_legacy`), not a failure, as long as they come before the first signed entry.
An unsigned entry after a signed one was written or rewritten by something without a key: a
finding. Without a seal kept outside the case, a chain rewritten from its first entry with no
key at all looks like a case made before signing; the notice says how many entries that is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from forensics.identity import ENTRY_DOMAIN, short_fingerprint, signature_holds
from forensics.records.core import Finding
from forensics.store import seals as store

if TYPE_CHECKING:
    from forensics.case import Case


def check_signatures(case: Case) -> tuple[list[Finding], list[Finding]]:
    """Check every entry's signature and signer.

    Returns:
        `(findings, notices)`: what is wrong, and what a reader should know (entries made
        before signing, names given rather than proven).
    """
    findings: list[Finding] = []
    notices: list[Finding] = []
    known = store.examiners(case.db)
    # The first and last unsigned entries before the first signed one, and how many (not
    # each one: a case made before signing may hold a million).
    unsigned_before: list[int] = []
    first_signed: int | None = None
    unsigned_count = 0
    for row in store.signature_rows(case.db):
        seq = int(row["seq"])
        signer = row["signer"]
        if signer is None:
            if first_signed is None:
                unsigned_before = [unsigned_before[0] if unsigned_before else seq, seq]
                unsigned_count += 1
            else:
                findings.append(
                    Finding(
                        "custody_unsigned",
                        f"custody entry {seq} ({row['action']}) is unsigned although entry "
                        f"{first_signed} before it was signed: it was written or rewritten "
                        "without an examiner's key",
                        entry_seq=seq,
                        expected="a signature",
                        found="none",
                    )
                )
            continue
        if first_signed is None:
            first_signed = seq
        examiner = known.get(signer)
        if examiner is None:
            findings.append(
                Finding(
                    "custody_unknown_key",
                    f"custody entry {seq} ({row['action']}) is signed by a key the case does "
                    f"not know ({short_fingerprint(signer)})",
                    entry_seq=seq,
                    found=signer,
                )
            )
            continue
        if not row["signature"] or not signature_holds(
            examiner.public_key, ENTRY_DOMAIN, str(row["hash"]).encode("ascii"), row["signature"]
        ):
            findings.append(
                Finding(
                    "custody_bad_signature",
                    f"custody entry {seq} ({row['action']}) does not carry {examiner.name}'s "
                    "signature of its hash: the entry was changed (and re-hashed) without "
                    "the key, or the signature was altered",
                    entry_seq=seq,
                    expected=signer,
                )
            )
            continue
        if row["actor"] != examiner.name:
            if row["actor_given"]:
                notices.append(
                    Finding(
                        "custody_name_given",
                        f"custody entry {seq} credits {row['actor']!r}, a name given with "
                        f"--examiner (not proven); it is signed by {examiner.name}",
                        entry_seq=seq,
                        expected=examiner.name,
                        found=row["actor"],
                    )
                )
            else:
                findings.append(
                    Finding(
                        "custody_wrong_examiner",
                        f"custody entry {seq} names {row['actor']!r} but is signed by "
                        f"{examiner.name}'s key",
                        entry_seq=seq,
                        expected=examiner.name,
                        found=row["actor"],
                    )
                )
    me = case.signer
    for fp, examiner in known.items():
        if me is not None and fp != me.fingerprint and examiner.name == me.name:
            notices.append(
                Finding(
                    "examiner_other_key",
                    f"the case lists a key named {examiner.name!r} ({short_fingerprint(fp)}) "
                    f"that is not yours ({short_fingerprint(me.fingerprint)}): an old "
                    "profile of yours, a namesake, or someone signing in your name",
                    expected=me.fingerprint,
                    found=fp,
                )
            )
    if unsigned_before:
        first, last = unsigned_before[0], unsigned_before[-1]
        span = f"entry {first}" if first == last else f"entries {first} to {last}"
        notices.append(
            Finding(
                "custody_unsigned_legacy",
                f"custody {span} unsigned (made before signing, or by a program with no "
                "examiner profile): who made them is stated, not proven",
                entry_seq=first,
                found=str(unsigned_count),
            )
        )
    return findings, notices
