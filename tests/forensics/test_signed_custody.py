"""A case made before entries were signed still verifies: its old entries are a notice of
their own class, the new ones are signed, and an unsigned entry after them is a finding."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.identity import Examiner, use_examiner
from forensics.store import db as store_db
from forensics.store import migrations
from forensics.verify import verify_case


def test_entries_made_before_signing_verify_as_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before_signing = {
        c: tuple(m for m in ms if not (c == "core" and m.version >= 4))
        for c, ms in migrations.components().items()
    }
    with monkeypatch.context() as m:
        m.setattr(store_db, "components", lambda: before_signing)
        use_examiner(None)
        with Case.create(tmp_path / "old", title="Made earlier", examiner="A. Analyst") as old:
            old.add_item(kind="hardware", name="drone")
    with closing(sqlite3.connect(tmp_path / "old" / "case.db")) as conn:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(custody)")}
    assert "signature" not in columns  # truly the layout of before

    alice = Examiner.generate("Alice Analyst", organisation="Lab A")
    with Case.open(tmp_path / "old", signer=alice) as case:  # migrated forward
        case.add_item(kind="hardware", name="battery")
        report = verify_case(case, record_result=False)
        assert report.ok, report.findings
        [notice] = report.notices
        assert notice.kind == "custody_unsigned_legacy"
        assert notice.found == "2"  # case_created, item_added: made before signing
        entries = case.custody.entries()
        assert [e.signer is not None for e in entries] == [False, False, True, True]
        assert entries[2].action == "examiner_added"

    with closing(sqlite3.connect(tmp_path / "old" / "case.db")) as conn, conn:
        conn.execute("UPDATE custody SET signer = NULL, signature = NULL WHERE seq = 4")
    with Case.open(tmp_path / "old", signer=alice) as case:
        kinds = {f.kind for f in verify_case(case, record_result=False).findings}
    # the hash covered the signer: stripping it shows as a changed entry
    assert "custody_changed" in kinds
    assert "custody_unsigned" in kinds


def test_a_private_key_that_is_not_the_profiles_signs_nothing() -> None:
    """The key is checked against the public half once; a mismatch refuses every signature."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from forensics.identity import ENTRY_DOMAIN, public_raw_of, signature_holds

    mine, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    good = Examiner.locked("A. Analyst", public_raw_of(mine), lambda: mine)
    for n in range(3):
        entry_hash = f"{n:064x}"
        signature = good.sign_entry(entry_hash)
        assert signature_holds(good.public_key, ENTRY_DOMAIN, entry_hash.encode(), signature)
    wrong = Examiner.locked("A. Analyst", public_raw_of(mine), lambda: other)
    for _ in range(2):
        with pytest.raises(ValueError, match="does not match"):
            wrong.sign_entry("0" * 64)
