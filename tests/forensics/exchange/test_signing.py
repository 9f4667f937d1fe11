"""Team signatures on archives: who signed is shown, a bad signature is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.errors import ArchiveError, ValidationError
from forensics.exchange import signing
from forensics.exchange.archive_checks import Limits
from forensics.exchange.pack import pack_case
from forensics.exchange.unpack import unpack_archive
from tests.forensics.exchange.helpers import UNSIGNED, fill, members, rebuild


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "team-a.key", tmp_path / "team-b.key"
    signing.generate(a, "Team A")
    signing.generate(b, "Team B")
    return a, b


def test_keygen_writes_a_private_file_and_refuses_to_overwrite(keys):
    a, _ = keys
    assert a.stat().st_mode & 0o777 == 0o600
    public = json.loads(Path(f"{a}.pub").read_text())
    assert "private_key" not in public
    assert public["fingerprint"] == signing.load_key(a).fingerprint
    with pytest.raises(ValidationError):
        signing.generate(a, "Team A")


def test_signed_archive_shows_its_signer(case: Case, corpus, keys, tmp_path):
    fill(case, corpus)
    key = signing.load_key(keys[0])
    archive = pack_case(case, tmp_path / "s.pwbcase", key=key).archive
    result = unpack_archive(archive, tmp_path / "dest", limits=UNSIGNED)
    sig = result.received.signature
    assert sig is not None
    assert sig.valid
    assert (sig.signer, sig.fingerprint) == ("Team A", key.fingerprint)
    trusted = signing.load_trusted([Path(f"{keys[0]}.pub")])
    unpack_archive(archive, tmp_path / "dest2", limits=Limits(trusted=trusted))


def test_manifest_changed_after_signing_is_refused(case: Case, corpus, keys, tmp_path):
    fill(case, corpus)
    archive = pack_case(case, tmp_path / "s.pwbcase", key=signing.load_key(keys[0])).archive

    def reword(manifest: dict) -> None:
        manifest["reason"] = "something else"

    bad = rebuild(archive, tmp_path / "bad.pwbcase", edit_manifest=reword)
    with pytest.raises(ArchiveError, match="bad signature"):
        unpack_archive(bad, tmp_path / "dest", limits=UNSIGNED)
    assert not (tmp_path / "dest").exists()


def test_signature_by_another_key_claiming_a_name_is_refused(case: Case, corpus, keys, tmp_path):
    fill(case, corpus)
    archive = pack_case(case, tmp_path / "s.pwbcase", key=signing.load_key(keys[0])).archive
    content = members(archive)
    forged = json.loads(signing.load_key(keys[1]).sign(b"other bytes"))
    forged["signer"] = "Team A"
    bad = rebuild(
        archive, tmp_path / "bad.pwbcase", replace={"manifest.sig": json.dumps(forged).encode()}
    )
    assert content["manifest.json"] == members(bad)["manifest.json"]
    with pytest.raises(ArchiveError, match="bad signature"):
        unpack_archive(bad, tmp_path / "dest", limits=UNSIGNED)


def test_untrusted_or_missing_signature_refused_when_asked(case: Case, corpus, keys, tmp_path):
    fill(case, corpus)
    signed = pack_case(case, tmp_path / "s.pwbcase", key=signing.load_key(keys[1])).archive
    trusted = signing.load_trusted([Path(f"{keys[0]}.pub")])
    with pytest.raises(ArchiveError, match="not among the trusted keys"):
        unpack_archive(signed, tmp_path / "d1", limits=Limits(trusted=trusted))
    unsigned = pack_case(case, tmp_path / "u.pwbcase").archive
    with pytest.raises(ArchiveError, match="not signed"):
        unpack_archive(unsigned, tmp_path / "d2", limits=Limits(require_signature=True))


def test_the_core_refuses_an_unsigned_archive_unless_accepted_knowingly(
    case: Case, corpus, tmp_path
):
    from forensics.exchange.merge import merge_archive

    fill(case, corpus)
    unsigned = pack_case(case, tmp_path / "u.pwbcase").archive
    with pytest.raises(ArchiveError, match="not signed: anyone could have made it"):
        unpack_archive(unsigned, tmp_path / "d")
    assert not (tmp_path / "d").exists()
    head = case.custody.head()
    with pytest.raises(ArchiveError, match="not signed"):
        merge_archive(case, unsigned)
    assert case.custody.head() == head
    accepted = unpack_archive(unsigned, tmp_path / "d", limits=Limits(accept_unsigned=True))
    with Case.open(accepted.dest) as received:
        entry = [e for e in received.custody.entries() if e.action == "transferred"][-1]
        assert entry.details["accepted_unsigned"] is True
