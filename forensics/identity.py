"""Who is at the keyboard: the examiner whose Ed25519 key signs what this process writes.

The application loads the examiner's profile (`app.profiles`) and hands it to the core with
`use_examiner`, once at start (and again when the user switches in the GUI): every `Case`
opened afterwards signs its custody entries with that key, whichever thread or job opened it.
Nothing here reads the user's config folder; the key is unlocked (a passphrase asked for)
only when the first entry is signed, so commands that only read never ask.

A signature is made over a domain-separated message (`ENTRY_DOMAIN` + the entry's hash, or
`SEAL_DOMAIN` + a seal's canonical JSON), so a signature of one kind can never be passed off
as the other.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # `cryptography` is imported where a key is made, unlocked or checked: every `pwb`
    # command activates the examiner, and one that only reads must not pay for it.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ENTRY_DOMAIN = b"pwb-custody-entry-v1\x00"
SEAL_DOMAIN = b"pwb-seal-v1\x00"


HOME_ENV = "PWB_HOME"
"""Overrides the user's config folder (profiles, trusted team keys, the seal journal)."""


def config_home() -> Path:
    """The user's workbench config folder: `PWB_HOME`, else the XDG config folder.

    One rule for everything kept per user, so profiles and trusted keys sit side by side.
    """
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CONFIG_HOME")
    return (Path(xdg) if xdg else Path.home() / ".config") / "provenance-workbench"


def fingerprint(public_raw: bytes) -> str:
    """A key's fingerprint: sha256 of the raw 32-byte public key, in hex."""
    return hashlib.sha256(public_raw).hexdigest()


def short_fingerprint(fp: str) -> str:
    """The first 16 hex digits, grouped, as people compare them aloud."""
    return " ".join(fp[i : i + 4] for i in range(0, 16, 4))


def b64(data: bytes) -> str:
    """Base64 text of bytes (how keys and signatures are stored)."""
    return base64.b64encode(data).decode("ascii")


def public_raw_of(private: Ed25519PrivateKey) -> bytes:
    """The raw public half of a private key (`public_bytes_raw`: no import of
    `cryptography`'s serialization, which loads its SSH and cipher modules, ~5 ms of every
    signing command's start)."""
    return private.public_key().public_bytes_raw()


@dataclass
class _Unlocker:
    """Unlocks the private key once, on first use, then keeps it for the process."""

    load: Callable[[], Ed25519PrivateKey]
    key: Ed25519PrivateKey | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self) -> Ed25519PrivateKey:
        with self.lock:
            if self.key is None:
                self.key = self.load()
            return self.key


@dataclass(frozen=True)
class Examiner:
    """An examiner: who they say they are, and the key that proves entries are theirs.

    Attributes:
        name: the name entries are credited to.
        organisation: where they work (may be empty).
        role: their role on cases (may be empty).
        public_raw: the raw Ed25519 public key.
        unlock: returns the private key (may ask for a passphrase; called once).
        journal: the examiner's own seal journal, kept outside any case (None: no journal).
        profile: the name of the profile the examiner was loaded from ("" for a key made
            for one run, such as the demo builder's).
    """

    name: str
    organisation: str
    role: str
    public_raw: bytes
    unlock: Callable[[], Ed25519PrivateKey] = field(compare=False, repr=False)
    journal: Path | None = None
    profile: str = ""
    _matched: list[Ed25519PrivateKey] = field(
        default_factory=list, init=False, compare=False, repr=False
    )
    """The private key once found to match `public_raw` (deriving the public half for every
    signature cost 0.1-0.4 ms of each custody entry of an ingest)."""

    @classmethod
    def with_key(
        cls,
        name: str,
        private: Ed25519PrivateKey,
        *,
        organisation: str = "",
        role: str = "",
        journal: Path | None = None,
        profile: str = "",
    ) -> Examiner:
        """An examiner whose private key is already in memory."""
        return cls(
            name,
            organisation,
            role,
            public_raw_of(private),
            _Unlocker(lambda: private),
            journal,
            profile,
        )

    @classmethod
    def locked(
        cls,
        name: str,
        public_raw: bytes,
        load: Callable[[], Ed25519PrivateKey],
        *,
        organisation: str = "",
        role: str = "",
        journal: Path | None = None,
        profile: str = "",
    ) -> Examiner:
        """An examiner whose private key is loaded (and its passphrase asked) on first use."""
        return cls(name, organisation, role, public_raw, _Unlocker(load), journal, profile)

    @classmethod
    def generate(cls, name: str, *, organisation: str = "", role: str = "") -> Examiner:
        """An examiner with a new key that lives only in this process (the demo builder)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return cls.with_key(
            name, Ed25519PrivateKey.generate(), organisation=organisation, role=role
        )

    @property
    def fingerprint(self) -> str:
        """The public key's fingerprint."""
        return fingerprint(self.public_raw)

    @property
    def public_key(self) -> str:
        """The public key in base64, as a case stores it."""
        return b64(self.public_raw)

    def label(self) -> str:
        """ "Name (Organisation, role)", for a status bar or a report."""
        extra = ", ".join(p for p in (self.organisation, self.role) if p)
        return f"{self.name} ({extra})" if extra else self.name

    def sign(self, domain: bytes, message: bytes) -> str:
        """The base64 Ed25519 signature of `domain + message`."""
        private = self.unlock()
        if not (self._matched and self._matched[0] is private):
            if public_raw_of(private) != self.public_raw:
                raise ValueError(f"the private key of {self.name} does not match its public key")
            self._matched[:] = [private]
        return b64(private.sign(domain + message))

    def sign_entry(self, entry_hash: str) -> str:
        """The signature of one custody entry (over its hash)."""
        return self.sign(ENTRY_DOMAIN, entry_hash.encode("ascii"))


def signature_holds(public_key_b64: str, domain: bytes, message: bytes, signature: str) -> bool:
    """Whether `signature` is the key's signature of `domain + message` (never raises)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64, validate=True))
        public.verify(base64.b64decode(signature, validate=True), domain + message)
    except (InvalidSignature, ValueError, TypeError, binascii.Error):
        return False
    return True


_session: Examiner | None = None


def use_examiner(examiner: Examiner | None) -> None:
    """Set who this process acts as: every case opened afterwards signs with this key."""
    global _session
    _session = examiner


def session_examiner() -> Examiner | None:
    """The examiner set by `use_examiner` (None: entries are written unsigned)."""
    return _session
