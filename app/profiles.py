"""Examiner profiles: who is at the keyboard, kept in the user's config folder.

A profile is a name, an organisation, a role and an Ed25519 key pair, in one JSON file
(`profiles/<handle>.json`, mode 0600, in a folder of mode 0700) under the config folder:
`PWB_HOME` when set, else `$XDG_CONFIG_HOME/provenance-workbench`, else
`~/.config/provenance-workbench`. The private key is PKCS#8 PEM, encrypted with the
passphrase when the profile has one (the best encryption `cryptography` offers; asked at the
first signature, or read from `PWB_PASSPHRASE`). Which profile acts: `--profile NAME`, else
`PWB_PROFILE`, else the one `pwb profile use` chose (`current`). Each profile has its seal
journal beside it (`journal/<handle>.jsonl`): seals kept outside every case.

The OS keyring is not used: no keyring backend is installed with the workbench, and a key
file the examiner can back up and move is what a forensic lab's procedures expect.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from forensics.errors import ValidationError
from forensics.identity import (
    Examiner,
    b64,
    config_home,
    fingerprint,
    public_raw_of,
)
from forensics.store.db import utc_now

PROFILE_ENV = "PWB_PROFILE"
PASSPHRASE_ENV = "PWB_PASSPHRASE"
PROFILE_TYPE = "pwb-profile"
_HANDLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

if TYPE_CHECKING:
    # Loaded where a key is made or unlocked: `pwb` activates a profile for every command.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from forensics.exchange.signers import KnownKey

log = logging.getLogger(__name__)

AskPassphrase = Callable[[str], str]
"""Asks for a profile's passphrase (the prompt names the profile); raises to give up."""


@dataclass(frozen=True)
class Profile:
    """One examiner profile as stored (the private key still locked)."""

    handle: str
    name: str
    organisation: str
    role: str
    public_key: str
    fingerprint: str
    encrypted: bool
    created_at: str
    path: Path

    def label(self) -> str:
        """ "Name (Organisation, role)"."""
        extra = ", ".join(p for p in (self.organisation, self.role) if p)
        return f"{self.name} ({extra})" if extra else self.name


class ProfileStore:
    """The profiles in one config folder."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = home or config_home()

    @property
    def folder(self) -> Path:
        """Where the profile files are."""
        return self.home / "profiles"

    def journal(self, handle: str) -> Path:
        """The seal journal of one profile."""
        return self.home / "journal" / f"{handle}.jsonl"

    def create(
        self,
        handle: str,
        *,
        name: str | None = None,
        organisation: str = "",
        role: str = "",
        passphrase: str | None = None,
    ) -> Profile:
        """Make a profile with a new key pair; the first one becomes the current profile.

        Raises:
            ValidationError: a bad handle, an empty name, or the profile exists already.
        """
        if not _HANDLE.match(handle):
            raise ValidationError(
                f"{handle!r}: a profile's handle is letters, digits, '.', '_' or '-' "
                "(at most 64, starting with a letter or digit)"
            )
        name = (name or handle).strip()
        if not name:
            raise ValidationError("a profile needs the examiner's name")
        path = self.folder / f"{handle}.json"
        if path.exists():
            raise ValidationError(f"{path}: the profile {handle} exists already")
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import (
            BestAvailableEncryption,
            Encoding,
            NoEncryption,
            PrivateFormat,
        )

        private = Ed25519PrivateKey.generate()
        encryption = BestAvailableEncryption(passphrase.encode()) if passphrase else NoEncryption()
        pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, encryption)
        public_raw = public_raw_of(private)
        doc = {
            "type": PROFILE_TYPE,
            "version": 1,
            "handle": handle,
            "name": name,
            "organisation": organisation.strip(),
            "role": role.strip(),
            "public_key": b64(public_raw),
            "fingerprint": fingerprint(public_raw),
            "encrypted": bool(passphrase),
            "private_key_pem": pem.decode("ascii"),
            "created_at": utc_now(),
        }
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.home, 0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2)
        if self.current_handle() is None:
            self.use(handle)
        return self._profile(path)

    def _profile(self, path: Path) -> Profile:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("type") != PROFILE_TYPE:
                raise ValueError("not a Provenance Workbench profile")
            return Profile(
                handle=str(doc["handle"]),
                name=str(doc["name"]),
                organisation=str(doc.get("organisation", "")),
                role=str(doc.get("role", "")),
                public_key=str(doc["public_key"]),
                fingerprint=str(doc["fingerprint"]),
                encrypted=bool(doc.get("encrypted")),
                created_at=str(doc.get("created_at", "")),
                path=path,
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValidationError(f"{path}: cannot read the profile ({exc})") from exc

    def profiles(self) -> list[Profile]:
        """Every profile, by handle."""
        if not self.folder.is_dir():
            return []
        return [self._profile(p) for p in sorted(self.folder.glob("*.json"))]

    def find(self, ref: str) -> Profile:
        """The profile with this handle, else the one with this examiner name.

        Raises:
            ValidationError: no profile, or several, match.
        """
        path = self.folder / f"{ref}.json"
        if _HANDLE.match(ref) and path.is_file():
            return self._profile(path)
        named = [p for p in self.profiles() if p.name.casefold() == ref.casefold()]
        if len(named) == 1:
            return named[0]
        if named:
            handles = ", ".join(p.handle for p in named)
            raise ValidationError(f"several profiles are named {ref!r} ({handles}): use one")
        raise ValidationError(
            f"no examiner profile {ref!r} in {self.folder} (pwb profile list; pwb profile create)"
        )

    def current_handle(self) -> str | None:
        """The handle `use` chose, or None."""
        try:
            handle = (self.home / "current").read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return handle or None

    def use(self, ref: str) -> Profile:
        """Make a profile the current one (for later runs without `--profile`)."""
        profile = self.find(ref)
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "current").write_text(profile.handle + "\n", encoding="utf-8")
        return profile

    def selected(self, explicit: str | None = None) -> Profile | None:
        """The profile that acts: `explicit`, else `PWB_PROFILE`, else the current one.

        Raises:
            ValidationError: the profile named does not exist.
        """
        ref = explicit or os.environ.get(PROFILE_ENV) or self.current_handle()
        return None if ref is None else self.find(ref)

    def examiner(self, profile: Profile, ask: AskPassphrase | None = None) -> Examiner:
        """The examiner of a profile, its key unlocked on first use (`PWB_PASSPHRASE`,
        else `ask`)."""

        def load() -> Ed25519PrivateKey:
            return self.unlock(profile, ask)

        return Examiner.locked(
            profile.name,
            _b64decode(profile.public_key),
            load,
            organisation=profile.organisation,
            role=profile.role,
            journal=self.journal(profile.handle),
            profile=profile.handle,
        )

    def unlock(self, profile: Profile, ask: AskPassphrase | None = None) -> Ed25519PrivateKey:
        """The profile's private key.

        Raises:
            ValidationError: no passphrase to be had, a wrong one, or a damaged key.
        """
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        doc = json.loads(profile.path.read_text(encoding="utf-8"))
        if not profile.encrypted:
            plain = _plain_ed25519(doc.get("private_key_pem"))
            if plain is not None:
                return self._matching(profile, Ed25519PrivateKey.from_private_bytes(plain))
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        password: bytes | None = None
        if profile.encrypted:
            phrase = os.environ.get(PASSPHRASE_ENV)
            if phrase is None and ask is not None:
                phrase = ask(f"Passphrase of the examiner profile {profile.handle}")
            if not phrase:
                raise ValidationError(
                    f"the profile {profile.handle} has a passphrase: set {PASSPHRASE_ENV} "
                    "or run where it can be asked"
                )
            password = phrase.encode()
        try:
            key = load_pem_private_key(doc["private_key_pem"].encode("ascii"), password)
        except (ValueError, TypeError, KeyError) as exc:
            raise ValidationError(
                f"{profile.path}: cannot unlock the key (wrong passphrase?)"
            ) from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ValidationError(f"{profile.path}: the key is not an Ed25519 key")
        return self._matching(profile, key)

    @staticmethod
    def _matching(profile: Profile, key: Ed25519PrivateKey) -> Ed25519PrivateKey:
        if b64(public_raw_of(key)) != profile.public_key:
            raise ValidationError(f"{profile.path}: the private key does not match the profile")
        return key


_PKCS8_ED25519 = bytes.fromhex("302e020100300506032b657004220420")
"""The DER of an unencrypted PKCS #8 Ed25519 key (RFC 8410) before its 32-byte seed: what
`create` writes without a passphrase."""


def _plain_ed25519(pem: object) -> bytes | None:
    """The seed of an unencrypted Ed25519 key in exactly the PEM `create` writes, else None
    (then `load_pem_private_key` reads it, or says why not). Read here because loading
    `cryptography`'s serialization (its SSH and cipher modules) cost every signing command
    ~5 ms of start-up (`pwb ingest` among them)."""
    if not isinstance(pem, str):
        return None
    lines = pem.strip().splitlines()
    if len(lines) != 3 or lines[0] != "-----BEGIN PRIVATE KEY-----":
        return None
    if lines[2] != "-----END PRIVATE KEY-----":
        return None
    try:
        der = base64.b64decode(lines[1], validate=True)
    except ValueError:
        return None
    if len(der) != 48 or not der.startswith(_PKCS8_ED25519):
        return None
    return der[16:]


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def key_names(store: ProfileStore | None = None) -> dict[str, KnownKey]:
    """The signing keys this user can name: their profiles' and their trusted team keys.

    What a report prints for each custody entry's signer (`forensics.exchange.signers`); a
    profile that cannot be read names no one rather than stopping the report.
    """
    from forensics.exchange.signers import known_keys

    try:
        profiles = (store or ProfileStore()).profiles()
    except ValidationError as exc:
        log.warning("%s", exc)
        profiles = []
    return known_keys((p.fingerprint, p.name) for p in profiles)
