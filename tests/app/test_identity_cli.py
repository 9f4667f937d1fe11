"""Examiner profiles, signed custody and seals, through `pwb` processes as users run them.

Two examiners (two profiles in one config folder, chosen with `--profile` and `PWB_PROFILE`)
work on one case; the log, `verify` and the report say who did what, and each tamper an
insider with write access to the database could try is found, with or without a seal as
README states.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from forensics.store.custody import GENESIS_HASH, HEAD_KEY, canonical_json, row_hash
from tests.app.cli_process import pwb


def ok(*args: str | Path, env: dict[str, str] | None = None) -> Any:
    """Run `pwb ARGS --json`, expect exit 0, return the document."""
    done = pwb(*args, "--json", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture
def two(tmp_path: Path) -> Path:
    """A case Alice made and worked on, and Bob worked on after her."""
    ok(
        "profile",
        "create",
        "alice",
        "--name",
        "Alice Analyst",
        "--org",
        "Lab A",
        "--role",
        "examiner",
    )
    ok("profile", "create", "bob", "--name", "Bob Bench", "--org", "Lab B", "--role", "reviewer")
    case = tmp_path / "case"
    ok("--profile", "alice", "init", case, "--title", "Two examiners")
    drone = ok("add", case, "--kind", "hardware", "--name", "drone", "--profile", "alice")["id"]
    ok("add", case, "--kind", "component", "--name", "camera", "--parent", drone,
       env={"PWB_PROFILE": "bob"})  # fmt: skip
    ok("edit", case, drone, "--note", "seen by Bob", "--profile=bob")
    return case


def _log(case: Path) -> list[dict[str, Any]]:
    return list(ok("log", case)["entries"])


def _verify(case: Path, *extra: str, profile: str = "alice") -> tuple[int, dict[str, Any]]:
    done = pwb("verify", case, "--json", "--profile", profile, *extra)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return done.returncode, json.loads(done.stdout)


def _kinds(report: dict[str, Any]) -> set[str]:
    return {f["kind"] for f in report["findings"]}


def test_profiles_are_made_listed_chosen_and_kept_private(tmp_path: Path) -> None:
    home = Path(os.environ["PWB_HOME"])
    made = ok("profile", "create", "alice", "--name", "Alice Analyst", "--org", "Lab A")
    assert made["name"] == "Alice Analyst"
    assert len(made["fingerprint"]) == 64
    path = Path(made["path"])
    assert path.parent == home / "profiles"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    listed = {p["profile"]: p for p in ok("profile", "list")["profiles"]}
    assert set(listed) == {"examiner", "alice"}  # the suite's default profile, and the new one
    assert listed["examiner"]["current"] is True
    assert ok("whoami", "--profile", "alice")["name"] == "Alice Analyst"
    assert ok("whoami", env={"PWB_PROFILE": "Alice Analyst"})["profile"] == "alice"
    ok("profile", "use", "alice")
    assert ok("whoami")["fingerprint"] == made["fingerprint"]
    human = pwb("whoami")
    assert "Alice Analyst (Lab A)" in human.stdout

    missing = pwb("whoami", "--profile", "nobody")
    assert missing.returncode == 2
    assert "no examiner profile 'nobody'" in missing.stderr
    again = pwb("profile", "create", "alice")
    assert again.returncode == 2
    assert "exists already" in again.stderr


def test_a_passphrase_encrypts_the_key_and_is_needed_to_sign(tmp_path: Path) -> None:
    secret = {"PWB_PASSPHRASE": "correct horse"}
    made = ok("profile", "create", "carol", "--passphrase", env=secret)
    assert made["encrypted"] is True
    text = Path(made["path"]).read_text(encoding="utf-8")
    assert "ENCRYPTED PRIVATE KEY" in text
    case = tmp_path / "case"
    locked = pwb("--profile", "carol", "init", case, "--title", "t")  # no terminal to ask on
    assert locked.returncode == 2
    assert "PWB_PASSPHRASE" in locked.stderr
    assert not case.exists()  # refused before anything was written
    wrong = pwb("--profile", "carol", "init", case, "--title", "t", env={"PWB_PASSPHRASE": "x"})
    assert wrong.returncode == 2
    assert "wrong passphrase" in wrong.stderr
    ok("--profile", "carol", "init", case, "--title", "t", env=secret)
    entries = _log(case)
    assert {e["signer"] for e in entries} == {made["fingerprint"]}
    # reading needs no key: no passphrase asked
    assert pwb("--profile", "carol", "items", case).returncode == 0


def test_writing_without_a_profile_is_refused_with_what_to_do(tmp_path: Path) -> None:
    empty = {"PWB_HOME": str(tmp_path / "empty-home")}
    done = pwb("init", tmp_path / "case", "--title", "t", env=empty)
    assert done.returncode == 2
    assert "pwb profile create" in done.stderr
    assert not (tmp_path / "case").exists()
    assert not (tmp_path / "empty-home" / "profiles").exists()  # nothing made behind our back


def test_two_examiners_each_sign_what_they_did(two: Path, tmp_path: Path) -> None:
    alice = ok("whoami", "--profile", "alice")["fingerprint"]
    bob = ok("whoami", "--profile", "bob")["fingerprint"]
    entries = _log(two)
    by_action = [(e["action"], e["actor"], e["signer"]) for e in entries]
    assert by_action == [
        ("examiner_added", "Alice Analyst", alice),
        ("case_created", "Alice Analyst", alice),
        ("item_added", "Alice Analyst", alice),
        ("examiner_added", "Bob Bench", bob),
        ("item_added", "Bob Bench", bob),
        ("item_edited", "Bob Bench", bob),
    ]
    assert all(e["signature"] and e["actor_given"] is False for e in entries)
    table = pwb("log", two).stdout
    assert "Alice Analyst" in table
    assert "Bob Bench" in table
    assert "SIGNED BY KEY" in table

    code, report = _verify(two, profile="bob")
    assert code == 0, report["findings"]
    assert report["entries_checked"] == 6
    assert report["notices"] == []

    out = tmp_path / "report.html"
    ok("report", two, out, "--profile", "bob")
    html = out.read_text(encoding="utf-8")
    log = html[html.index('id="custody"') : html.index('id="decoders"')]
    # Both keys are profiles on this machine: the log names each examiner by their key.
    assert "Alice Analyst" in log
    assert "Bob Bench" in log
    assert log.count("your examiner profile") == 2  # the keys under the log
    assert "<i>unknown" not in log  # no entry by an unknown key
    assert "Seal of the custody log" in html
    last = _log(two)[-1]  # the report's own entry, signed by Bob
    assert (last["action"], last["signer"]) == ("exported", bob)


def test_a_name_given_with_examiner_is_logged_as_not_proven(two: Path) -> None:
    ok("add", two, "--kind", "hardware", "--name", "battery", "--examiner", "Someone Else")
    entry = _log(two)[-1]
    assert (entry["actor"], entry["actor_given"]) == ("Someone Else", True)
    assert entry["signer"] == ok("whoami")["fingerprint"]  # the default profile's key signed
    code, report = _verify(two)
    assert code == 0
    assert [n["kind"] for n in report["notices"]] == ["custody_name_given"]
    assert "(name given)" in pwb("log", two).stdout


def _db(case: Path) -> closing[sqlite3.Connection]:
    conn = sqlite3.connect(case / "case.db")
    conn.row_factory = sqlite3.Row
    return closing(conn)


def _rechain(conn: sqlite3.Connection, *, strip_from: int | None = None) -> None:
    """What an insider with the database but no key can do: re-hash every entry in order and
    move the anchored head (optionally dropping the signatures from `strip_from` on)."""
    prev = GENESIS_HASH
    rows = [dict(r) for r in conn.execute("SELECT * FROM custody ORDER BY seq")]
    for row in rows:
        row["prev_hash"] = prev
        if strip_from is not None and row["seq"] >= strip_from:
            row["signer"], row["signature"], row["actor_given"] = None, None, None
        row["hash"] = row_hash(row)
        conn.execute(
            "UPDATE custody SET prev_hash = ?, hash = ?, signer = ?, signature = ?, "
            "actor_given = ? WHERE seq = ?",
            (row["prev_hash"], row["hash"], row["signer"], row["signature"],
             row["actor_given"], row["seq"]),
        )  # fmt: skip
        prev = row["hash"]
    head = canonical_json({"seq": rows[-1]["seq"], "hash": prev})
    conn.execute("UPDATE case_info SET value = ? WHERE key = ?", (head, HEAD_KEY))


def _edit_drone_and_its_log(conn: sqlite3.Connection) -> None:
    """Change the drone's note and the digest its last entry logged, so the record check
    alone would pass."""
    from forensics.records.core import ITEM
    from forensics.store.custody import record_digest

    row = conn.execute("SELECT * FROM items WHERE name = 'drone'").fetchone()
    conn.execute("UPDATE items SET note = 'nothing to see' WHERE id = ?", (row["id"],))
    edited = dict(conn.execute("SELECT * FROM items WHERE id = ?", (row["id"],)).fetchone())
    state = ITEM.state(ITEM.from_row(edited))
    seq = conn.execute(
        "SELECT MAX(seq) FROM custody WHERE item_id = ? AND record_sha256 IS NOT NULL",
        (row["id"],),
    ).fetchone()[0]
    conn.execute("UPDATE custody SET record_sha256 = ? WHERE seq = ?", (record_digest(state), seq))


def test_an_item_edited_and_the_chain_recomputed_without_a_key_is_found(two: Path) -> None:
    with _db(two) as conn, conn:
        _edit_drone_and_its_log(conn)
        _rechain(conn)  # signatures kept: they no longer sign these hashes
    code, report = _verify(two)
    assert code == 1
    assert "custody_bad_signature" in _kinds(report)
    assert {"custody_changed", "custody_broken_link", "item_changed"}.isdisjoint(_kinds(report))


def test_signatures_stripped_after_signing_began_are_found(two: Path) -> None:
    with _db(two) as conn, conn:
        _edit_drone_and_its_log(conn)
        _rechain(conn, strip_from=5)  # make the rewritten tail look unsigned
    code, report = _verify(two)
    assert code == 1
    assert _kinds(report) == {"custody_unsigned"}


def test_a_chain_rewritten_from_genesis_without_keys_needs_a_seal(
    two: Path, tmp_path: Path
) -> None:
    seal = tmp_path / "alice.seal"
    ok("seal", two, "--out", seal, "--profile", "alice")
    with _db(two) as conn, conn:
        _edit_drone_and_its_log(conn)
        conn.execute("DELETE FROM custody WHERE action = 'examiner_added'")
        conn.execute("DELETE FROM case_examiners")
        conn.execute("DELETE FROM seals")
        rows = [r["seq"] for r in conn.execute("SELECT seq FROM custody ORDER BY seq")]
        for new, old in enumerate(rows, start=1):
            conn.execute("UPDATE custody SET seq = ? WHERE seq = ?", (new, old))
        _rechain(conn, strip_from=1)
    # Without a seal (and verified by someone whose journal has none), it looks like a case
    # made before signing: a notice, not a finding. README says so.
    code, report = _verify(two, profile="examiner")
    assert code == 0
    assert [n["kind"] for n in report["notices"]] == ["custody_unsigned_legacy"]
    # The seal kept outside the case finds it; so does Alice's own journal.
    code, report = _verify(two, "--against", str(seal), profile="examiner")
    assert code == 1
    assert {"custody_rewritten", "seal_key_unknown"} <= _kinds(report)
    code, report = _verify(two, profile="alice")
    assert code == 1
    assert "custody_rewritten" in _kinds(report)


def test_newest_rows_deleted_and_the_head_moved_are_found_against_a_seal(
    two: Path, tmp_path: Path
) -> None:
    seal = tmp_path / "bob.seal"
    printed = ok("seal", two, "--out", seal, "--profile", "bob")
    assert json.loads(seal.read_text(encoding="utf-8"))["hash"] == printed["hash"]
    with _db(two) as conn, conn:
        last = printed["seq"]
        conn.execute("DELETE FROM custody WHERE seq >= ?", (last - 1,))
        conn.execute("DELETE FROM seals")
        kept = conn.execute("SELECT seq, hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
        head = canonical_json({"seq": kept["seq"], "hash": kept["hash"]})
        conn.execute("UPDATE case_info SET value = ? WHERE key = ?", (head, HEAD_KEY))
        # the edit the removed entries logged is undone too, so the records still match
        conn.execute("UPDATE items SET note = NULL WHERE name = 'drone'")
        conn.execute("DELETE FROM items WHERE name = 'camera'")
    # Without a seal the shorter log checks out: README says truncation needs one.
    code, report = _verify(two, profile="alice")
    assert code == 0, report["findings"]
    code, report = _verify(two, "--against", str(seal), profile="alice")
    assert code == 1
    assert "custody_truncated" in _kinds(report)
    human = pwb("verify", two, "--against", seal, "--profile", "alice")
    assert "FINDING custody_truncated" in human.stdout
    # Bob's journal kept his seal outside the case: his verify finds it unasked.
    code, report = _verify(two, profile="bob")
    assert "custody_truncated" in _kinds(report)


def test_a_swapped_evidence_file_is_found(tmp_path: Path, corpus: Path) -> None:
    case = tmp_path / "case"
    ok("init", case, "--title", "evidence")
    jpeg = corpus / "synthetic" / "gps_control_eiffel.jpg"
    ok("ingest", case, jpeg, "--no-extract")
    [blob] = [p for p in (case / "evidence").rglob("*") if p.is_file()]
    blob.chmod(0o644)
    blob.write_bytes(b"another picture entirely")
    code, report = _verify(case, profile="examiner")
    assert code == 1
    assert "evidence_changed" in _kinds(report)


def test_an_entry_signed_by_a_key_the_case_does_not_know_is_found(two: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from forensics.identity import Examiner

    mallory = Examiner.with_key("Alice Analyst", Ed25519PrivateKey.generate())
    with _db(two) as conn, conn:
        _edit_drone_and_its_log(conn)
        _rechain(conn)
        for row in conn.execute("SELECT seq, hash FROM custody").fetchall():
            conn.execute(
                "UPDATE custody SET signer = ?, signature = ? WHERE seq = ?",
                (mallory.fingerprint, mallory.sign_entry(row["hash"]), row["seq"]),
            )
        _rechain(conn)  # the signer is hashed: re-hash, then sign the final hashes again
        for row in conn.execute("SELECT seq, hash FROM custody").fetchall():
            conn.execute(
                "UPDATE custody SET signature = ? WHERE seq = ?",
                (mallory.sign_entry(row["hash"]), row["seq"]),
            )
    code, report = _verify(two)
    assert code == 1
    assert _kinds(report) == {"custody_unknown_key"}


def test_a_seal_of_another_case_or_altered_is_a_finding(two: Path, tmp_path: Path) -> None:
    seal = tmp_path / "s.json"
    ok("seal", two, "--out", seal)
    doc = json.loads(seal.read_text(encoding="utf-8"))
    doc["seq"] = 1
    seal.write_text(json.dumps(doc), encoding="utf-8")
    code, report = _verify(two, "--against", str(seal))
    assert code == 1
    assert _kinds(report) == {"seal_invalid"}
    seal.write_text("{}", encoding="utf-8")
    bad = pwb("verify", two, "--against", seal)
    assert bad.returncode == 2
    assert "not a Provenance Workbench seal" in bad.stderr


def test_a_pack_carries_the_seal_of_its_head_and_it_holds_in_the_unpacked_case(
    two: Path, tmp_path: Path
) -> None:
    import zipfile

    archive = tmp_path / "two.pwbcase"
    packed = ok("pack", two, archive, "--profile", "bob")
    seal = packed["seal"]
    assert (seal["examiner"], seal["purpose"]) == ("Bob Bench", "pack")
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
    assert manifest["custody"]["seal"] == seal
    printed = pwb("pack", two, tmp_path / "again.pwbcase", "--profile", "bob").stdout
    assert "Custody head: entry" in printed
    ok("unpack", archive, tmp_path / "theirs", "--accept-unsigned", "--profile", "alice")
    kept = tmp_path / "pack.seal"
    kept.write_text(json.dumps(seal), encoding="utf-8")
    code, report = _verify(tmp_path / "theirs", "--against", str(kept), profile="alice")
    assert code == 0, report["findings"]
    assert report["seals_checked"] >= 2  # the one handed in, and the one the case keeps
