"""Team signatures: an Ed25519 key pair signs an archive's manifest.

The manifest lists the sha256 of every other member, so one signature over its exact bytes
covers the whole archive. A key file is JSON (the team's name, the raw keys in base64, the
fingerprint), written with mode 0600; `OUT.pub` beside it holds only the public half, for
handing to the teams that will check our archives. The fingerprint is the sha256 of the raw
public key: the name inside a signature is what the signer claims, the fingerprint is who
actually signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from forensics.errors import ValidationError

KEY_TYPE = "pwb-ed25519-key"
PUBLIC_TYPE = "pwb-ed25519-public-key"


def fingerprint(public_raw: bytes) -> str:
    """The key's fingerprint: sha256 of the raw 32-byte public key, in hex."""
    return hashlib.sha256(public_raw).hexdigest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    """A team's private key with its name."""

    name: str
    private: Ed25519PrivateKey

    @property
    def public_raw(self) -> bytes:
        """The raw public key."""
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def fingerprint(self) -> str:
        """The public key's fingerprint."""
        return fingerprint(self.public_raw)

    def sign(self, manifest_bytes: bytes) -> bytes:
        """The `manifest.sig` document for these manifest bytes."""
        doc = {
            "algorithm": "Ed25519",
            "signer": self.name,
            "public_key": _b64(self.public_raw),
            "fingerprint": self.fingerprint,
            "signature": _b64(self.private.sign(manifest_bytes)),
        }
        return json.dumps(doc, indent=2).encode("utf-8")


@dataclass(frozen=True)
class SignatureCheck:
    """Who signed an archive, and whether the signature holds."""

    signer: str
    fingerprint: str
    valid: bool
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """As `pwb unpack --json` prints it."""
        return {
            "signer": self.signer,
            "fingerprint": self.fingerprint,
            "valid": self.valid,
            "reason": self.reason,
        }


def generate(out: Path, name: str) -> SigningKey:
    """Make a new key pair: `out` (private, mode 0600) and `out.pub` (public).

    Raises:
        ValidationError: the file exists already or the name is empty.
    """
    if not name.strip():
        raise ValidationError("a key needs the team's name")
    if out.exists():
        raise ValidationError(f"{out}: already exists; not overwriting a key")
    key = SigningKey(name, Ed25519PrivateKey.generate())
    private_raw = key.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    doc = {
        "type": KEY_TYPE,
        "name": name,
        "private_key": _b64(private_raw),
        "public_key": _b64(key.public_raw),
        "fingerprint": key.fingerprint,
    }
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2)
    public = {
        "type": PUBLIC_TYPE,
        "name": name,
        "public_key": doc["public_key"],
        "fingerprint": key.fingerprint,
    }
    Path(f"{out}.pub").write_text(json.dumps(public, indent=2), encoding="utf-8")
    return key


def load_key(path: Path) -> SigningKey:
    """Read a private key file written by `generate`.

    Raises:
        ValidationError: the file is missing or not a key.
    """
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("type") != KEY_TYPE:
            raise ValueError("not a Provenance Workbench private key")
        raw = base64.b64decode(doc["private_key"], validate=True)
        return SigningKey(str(doc["name"]), Ed25519PrivateKey.from_private_bytes(raw))
    except (OSError, ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise ValidationError(f"{path}: cannot read the signing key ({exc})") from exc


def load_trusted(paths: list[Path]) -> dict[str, str]:
    """Public (or private) key files -> {fingerprint: name}.

    Raises:
        ValidationError: a file is not a key.
    """
    out: dict[str, str] = {}
    for path in paths:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            raw = base64.b64decode(doc["public_key"], validate=True)
            Ed25519PublicKey.from_public_bytes(raw)
        except (OSError, ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise ValidationError(f"{path}: cannot read the public key ({exc})") from exc
        out[fingerprint(raw)] = str(doc.get("name", ""))
    return out


def check(manifest_bytes: bytes, signature_doc: bytes) -> SignatureCheck:
    """Check a `manifest.sig` against the manifest bytes (never raises on bad input)."""
    try:
        doc = json.loads(signature_doc)
        signer = str(doc["signer"])
        raw = base64.b64decode(doc["public_key"], validate=True)
        sig = base64.b64decode(doc["signature"], validate=True)
        public = Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        return SignatureCheck("?", "?", False, f"manifest.sig is malformed ({exc})")
    fp = fingerprint(raw)
    if doc.get("fingerprint") not in (None, fp):
        return SignatureCheck(
            signer, fp, False, "manifest.sig names a fingerprint that is not its key's"
        )
    try:
        public.verify(sig, manifest_bytes)
    except InvalidSignature:
        return SignatureCheck(
            signer,
            fp,
            False,
            "the signature does not match manifest.json: the manifest was "
            "changed after signing, or signed by another key",
        )
    return SignatureCheck(signer, fp, True)
