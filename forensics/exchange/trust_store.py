"""Known team keys, kept like SSH's known_hosts: a key is trusted only once we added it.

A signature proves which key signed a manifest; the name inside it is only what the signer
claims, and any key can claim to be "Team A". So an archive's signer is shown by the name *we*
gave its key when we added it to this store, and a key not in the store is shown by its
fingerprint as "unknown", never by the name it claims.

Keys are added from a team's public key file (`keygen`'s `OUT.pub`) or, trust on first use,
from a signed archive after its signature checked (the fingerprint is shown, to compare with
the team's by another channel). The store is `trusted_keys.json` in the user's config folder:
`PWB_HOME` when set, else `$XDG_CONFIG_HOME/provenance-workbench` (the examiner profiles use
the same folder with files of their own).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from forensics.errors import ValidationError
from forensics.exchange import archive as fmt
from forensics.exchange.signing import SignatureCheck, check, fingerprint
from forensics.identity import config_home
from forensics.textsafe import shown

STORE_FILE = "trusted_keys.json"
STORE_TYPE = "pwb-trusted-keys"
MAX_STORE_BYTES = 4 << 20


@dataclass(frozen=True)
class TrustedKey:
    """One key we trust, under the name we gave it."""

    fingerprint: str
    name: str
    public_key: str
    added_at: str

    def to_json(self) -> dict[str, Any]:
        """The store's (and `pwb trust list --json`'s) spelling."""
        return {
            "fingerprint": self.fingerprint,
            "name": self.name,
            "public_key": self.public_key,
            "added_at": self.added_at,
        }


def _public_raw(b64: str) -> bytes:
    raw = base64.b64decode(b64, validate=True)
    Ed25519PublicKey.from_public_bytes(raw)
    return raw


class TrustStore:
    """The known team keys in one JSON file (written whole, atomically, mode 0600)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_home() / STORE_FILE

    def keys(self) -> list[TrustedKey]:
        """Every trusted key, by name.

        Raises:
            ValidationError: the store file is unreadable or not a trust store.
        """
        if not self.path.exists():
            return []
        try:
            if self.path.stat().st_size > MAX_STORE_BYTES:
                raise ValueError("too large")
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            if doc.get("type") != STORE_TYPE:
                raise ValueError(f"not a {STORE_TYPE} file")
            keys = []
            for k in doc["keys"]:
                raw = _public_raw(str(k["public_key"]))
                if fingerprint(raw) != k["fingerprint"]:
                    raise ValueError(f"key {k['fingerprint']!r} does not match its fingerprint")
                keys.append(
                    TrustedKey(k["fingerprint"], str(k["name"]), k["public_key"], k["added_at"])
                )
        except (OSError, ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise ValidationError(f"{self.path}: cannot read the trusted keys ({exc})") from exc
        return sorted(keys, key=lambda k: (k.name, k.fingerprint))

    def names(self) -> dict[str, str]:
        """fingerprint -> the name we gave the key."""
        return {k.fingerprint: k.name for k in self.keys()}

    def add(self, public_b64: str, name: str) -> TrustedKey:
        """Trust a key under `name` (replacing the name of a key already there).

        Raises:
            ValidationError: not an Ed25519 public key, or an empty name.
        """
        if not name.strip():
            raise ValidationError("a trusted key needs the team's name")
        try:
            raw = _public_raw(public_b64)
        except (ValueError, binascii.Error) as exc:
            raise ValidationError(f"not an Ed25519 public key ({exc})") from exc
        added = TrustedKey(
            fingerprint(raw),
            name.strip(),
            public_b64,
            datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        keys = [k for k in self.keys() if k.fingerprint != added.fingerprint]
        self._write([*keys, added])
        return added

    def remove(self, fingerprint_prefix: str) -> TrustedKey:
        """Stop trusting the one key whose fingerprint starts with `fingerprint_prefix`.

        Raises:
            ValidationError: no key, or more than one, matches.
        """
        prefix = fingerprint_prefix.strip().lower()
        found = [k for k in self.keys() if prefix and k.fingerprint.startswith(prefix)]
        if len(found) != 1:
            what = "no trusted key" if not found else f"{len(found)} trusted keys"
            raise ValidationError(f"{what} with a fingerprint starting {shown(prefix)!r}")
        self._write([k for k in self.keys() if k.fingerprint != found[0].fingerprint])
        return found[0]

    def _write(self, keys: list[TrustedKey]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"type": STORE_TYPE, "keys": [k.to_json() for k in keys]}
        fd, tmp = tempfile.mkstemp(prefix=".trusted_keys.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, indent=2)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def public_key_of(path: Path) -> tuple[str, str]:
    """`(public key, claimed name)` from a key file or a signed archive (trust on first use).

    An archive's key is taken only when its signature over the manifest checks.

    Raises:
        ValidationError: not a key file nor a validly signed archive.
    """
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                manifest = zf.read(fmt.MANIFEST)
                sig_doc = zf.read(fmt.SIGNATURE)
        except (KeyError, OSError, zipfile.BadZipFile) as exc:
            raise ValidationError(f"{path}: not a signed archive ({exc})") from exc
        result = check(manifest, sig_doc)
        if not result.valid:
            raise ValidationError(f"{path}: its signature does not check ({result.reason})")
        return str(json.loads(sig_doc)["public_key"]), result.signer
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return str(doc["public_key"]), str(doc.get("name", ""))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(f"{path}: not a public key file ({exc})") from exc


def describe(signature: SignatureCheck | None, known: dict[str, str]) -> str:
    """The one line that says who signed an archive, by the name *we* gave the key.

    Args:
        signature: the archive's checked signature, None when it carries none.
        known: fingerprint -> our name for it (`TrustStore.names()`).
    """
    if signature is None:
        return "not signed"
    fp = shown(signature.fingerprint)
    if not signature.valid:
        return f"BAD SIGNATURE, key {fp}"
    name = known.get(signature.fingerprint)
    if name is None:
        return f"signed by an UNKNOWN key {fp} (not in the trusted keys)"
    return f"signed by {shown(name)} (trusted key {fp})"
