"""An examiner profile's key is read without `cryptography`'s serialization when it is the
unencrypted PKCS #8 PEM `create` writes (`app.profiles._plain_ed25519`); any other key, or a
damaged one, goes the long way and is judged the same as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from app.profiles import ProfileStore, _plain_ed25519
from forensics.errors import ValidationError


def _raw(key: object) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())  # type: ignore[attr-defined,no-any-return]


def test_the_plain_key_read_directly_is_the_key_the_long_way_reads(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    profile = store.create("plain", name="P. Lain")
    pem = json.loads(profile.path.read_text())["private_key_pem"]
    seed = _plain_ed25519(pem)
    assert seed is not None
    assert seed == _raw(load_pem_private_key(pem.encode(), None))
    assert _raw(store.unlock(profile)) == seed


def test_other_pems_are_left_to_the_long_way() -> None:
    assert _plain_ed25519(None) is None
    assert (
        _plain_ed25519(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----"
        )
        is None
    )
    assert (
        _plain_ed25519("-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----")
        is None
    )
    # An Ed25519 key with its public half (PKCS #8 v2) is 83 bytes, not the 48 `create` writes.
    assert (
        _plain_ed25519("-----BEGIN PRIVATE KEY-----\nMC4CAQA=\n-----END PRIVATE KEY-----") is None
    )


def test_a_damaged_or_foreign_plain_key_is_refused_as_before(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    one = store.create("one", name="One")
    two = store.create("two", name="Two")
    doc = json.loads(one.path.read_text())
    doc["private_key_pem"] = json.loads(two.path.read_text())["private_key_pem"]
    one.path.write_text(json.dumps(doc))
    with pytest.raises(ValidationError, match="does not match the profile"):
        store.unlock(store.find("one"))
    doc["private_key_pem"] = doc["private_key_pem"].replace("M", "!", 1)
    one.path.write_text(json.dumps(doc))
    with pytest.raises(ValidationError, match="cannot unlock"):
        store.unlock(store.find("one"))


def test_a_key_with_a_passphrase_still_needs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ProfileStore(tmp_path)
    profile = store.create("locked", name="L. Ocked", passphrase="s3cret")
    monkeypatch.delenv("PWB_PASSPHRASE", raising=False)
    with pytest.raises(ValidationError, match="has a passphrase"):
        store.unlock(profile)
    monkeypatch.setenv("PWB_PASSPHRASE", "s3cret")
    assert store.unlock(profile).public_key().public_bytes_raw() == _raw_public(profile)


def _raw_public(profile: object) -> bytes:
    import base64

    return base64.b64decode(profile.public_key)  # type: ignore[attr-defined]
