"""Who a signing key is, by the name *we* know it under: never the name it claims.

A custody entry, a seal or an archive is signed by a key; the name written next to it (the
entry's actor, the case's examiner list, a manifest's signer) is what the key's holder said
about themselves. So a report names a signer only from what this examiner holds: their own
examiner profiles (keys made on this machine) and the team keys they trusted
(`trusted_keys.json`). Any other key is "unknown", shown by its fingerprint.

The profiles belong to the application (`app.profiles`); their callers hand the
`(fingerprint, name)` pairs in, as the CLI and the GUI do, so the core reads no profile file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from forensics.errors import ValidationError
from forensics.exchange.trust_store import TrustStore
from forensics.identity import session_examiner, short_fingerprint

log = logging.getLogger(__name__)

PROFILE = "your examiner profile"
TRUSTED = "a trusted team key"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class KnownKey:
    """A key we can name, and why we can."""

    name: str
    how: str
    """`PROFILE` or `TRUSTED`."""


KeyNames = Mapping[str, KnownKey]
"""fingerprint -> the name we know the key by."""


def known_keys(
    profiles: Iterable[tuple[str, str]] = (), store: TrustStore | None = None
) -> dict[str, KnownKey]:
    """The keys this examiner can name: their profiles' and their trusted team keys.

    Args:
        profiles: `(fingerprint, name)` of each examiner profile on this machine.
        store: the trusted team keys (the user's own store by default).

    Returns:
        fingerprint -> name; a profile wins over a trusted key of the same fingerprint. The
        examiner at the keyboard (`forensics.identity.session_examiner`) is always there.
    """
    found: dict[str, KnownKey] = {}
    try:
        for fp, name in (store or TrustStore()).names().items():
            found[fp] = KnownKey(name, TRUSTED)
    except ValidationError as exc:  # a broken store names no one; the report says unknown
        log.warning("%s", exc)
    for fp, name in profiles:
        found[fp] = KnownKey(name, PROFILE)
    current = session_examiner()
    if current is not None and current.profile:  # a profile's key, not a one-run key
        found[current.fingerprint] = KnownKey(current.name, PROFILE)
    return found


def signer_name(fingerprint: str | None, known: KeyNames) -> str:
    """The name a report prints for an entry's signer.

    Returns:
        Our name for the key; "unknown key 1234 abcd ..." for any other key; "unsigned" for
        an entry made before signing existed.
    """
    if fingerprint is None:
        return "unsigned"
    key = known.get(fingerprint)
    if key is None:
        return f"{UNKNOWN} key {short_fingerprint(fingerprint)}"
    return key.name
