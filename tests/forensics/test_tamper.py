"""Tamper detection: every change made behind the workbench's back is found by `pwb verify`."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from forensics.case import Case


@pytest.fixture
def tampered_case(tmp_path: Path, corpus: Path) -> dict[str, Any]:
    """A closed case with three ingested files and one hardware item, verified clean once."""
    root = tmp_path / "case"
    assert main(["init", str(root), "--title", "Tamper", "--examiner", "A. Analyst"]) == 0
    assert main(["add", str(root), "--name", "Gerbera drone", "--exhibit", "EX-001"]) == 0
    assert main(["ingest", str(root), str(corpus / "synthetic"), "--no-extract"]) == 0
    with Case.open(root, readonly=True) as case:
        files = case.items.content_items()
        hardware = case.items.search(kinds=["hardware"])[0]
    assert len(files) >= 3
    return {"root": root, "files": files, "hardware": hardware}


def _verify(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(["verify", str(root), "--json"])
    return code, json.loads(capsys.readouterr().out)


def _sql(root: Path, statement: str, params: tuple[Any, ...] = ()) -> None:
    conn = sqlite3.connect(root / "case.db")
    with conn:
        conn.execute(statement, params)
    conn.close()


def test_clean_case_verifies(
    tampered_case: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _verify(tampered_case["root"], capsys)
    assert code == 0
    assert report["ok"] is True
    assert report["findings"] == []
    assert report["files_checked"] >= len(tampered_case["files"])  # + derived thumbnails


def test_changed_stored_byte(
    tampered_case: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    root: Path = tampered_case["root"]
    victim = tampered_case["files"][1]
    path = root / "evidence" / victim.sha256[:2] / victim.sha256[2:4] / victim.sha256
    assert not os.access(path, os.W_OK) or os.geteuid() == 0  # stored read-only
    assert stat.S_IMODE(path.stat().st_mode) & 0o222 == 0
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    code, report = _verify(root, capsys)

    assert code == 1
    [finding] = report["findings"]
    assert finding["kind"] == "evidence_changed"
    assert finding["item_id"] == victim.id
    assert finding["expected"] == victim.sha256
    assert finding["found"] != victim.sha256


def _entry(root: Path, seq: int) -> sqlite3.Row:
    conn = sqlite3.connect(root / "case.db")
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM custody WHERE seq = ?", (seq,)).fetchone()
    conn.close()
    return row


def _last_seq(root: Path) -> int:
    conn = sqlite3.connect(root / "case.db")
    seq = int(conn.execute("SELECT MAX(seq) FROM custody").fetchone()[0])
    conn.close()
    return seq


def test_edited_custody_row(
    tampered_case: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    root: Path = tampered_case["root"]
    before = _entry(root, 3)
    _sql(root, "UPDATE custody SET actor = 'Mallory' WHERE seq = 3")

    code, report = _verify(root, capsys)

    assert code == 1
    changed = [f for f in report["findings"] if f["kind"] == "custody_changed"]
    assert [f["entry_seq"] for f in changed] == [3]
    assert changed[0]["expected"] == before["hash"]
    assert changed[0]["found"] != before["hash"]
    assert changed[0]["item_id"] == before["item_id"]


@pytest.mark.parametrize("where", ["middle", "last"])
def test_deleted_custody_row(
    tampered_case: dict[str, Any], where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root: Path = tampered_case["root"]
    last = _last_seq(root)
    seq = 3 if where == "middle" else last
    _sql(root, "DELETE FROM custody WHERE seq = ?", (seq,))

    code, report = _verify(root, capsys)

    assert code == 1
    removed = [f for f in report["findings"] if f["kind"] == "custody_removed"]
    assert len(removed) == 1
    assert removed[0]["entry_seq"] == seq
    if where == "last":
        assert (removed[0]["expected"], removed[0]["found"]) == (str(last), str(last - 1))
    # Verifying does not paper over the damage: a second run finds it again.
    code_again, again = _verify(root, capsys)
    assert code_again == 1
    assert [f["kind"] for f in again["findings"]] == [f["kind"] for f in report["findings"]]


def test_added_custody_row(
    tampered_case: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    root: Path = tampered_case["root"]
    last = _entry(root, _last_seq(root))
    _sql(
        root,
        "INSERT INTO custody (seq, entry_id, at, actor, action, details, prev_hash, hash) "
        "VALUES (?, 'forged', ?, 'Mallory', 'ingested', '{}', ?, 'f00d')",
        (last["seq"] + 1, last["at"], last["hash"]),
    )

    code, report = _verify(root, capsys)

    assert code == 1
    kinds = {f["kind"] for f in report["findings"]}
    assert "custody_added" in kinds
    assert "custody_changed" in kinds  # its hash is not the hash of its fields either


def test_edited_item_row(tampered_case: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    root: Path = tampered_case["root"]
    hardware = tampered_case["hardware"]
    _sql(root, "UPDATE items SET exhibit = 'EX-999' WHERE id = ?", (hardware.id,))

    code, report = _verify(root, capsys)

    assert code == 1
    [finding] = report["findings"]
    assert finding["kind"] == "item_changed"
    assert finding["item_id"] == hardware.id
    assert finding["entry_seq"] is not None
    assert finding["expected"] != finding["found"]


def test_stray_file_in_evidence(
    tampered_case: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    root: Path = tampered_case["root"]
    fake = "ab" * 32
    stray = root / "evidence" / "ab" / "ab" / fake
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"planted")

    code, report = _verify(root, capsys)

    assert code == 1
    [finding] = report["findings"]
    assert finding["kind"] == "evidence_unexpected"
    assert finding["found"] == fake
    assert fake in finding["message"]


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda root: _sql(root, "DELETE FROM items WHERE kind = 'hardware'"),
            id="item-row-deleted",
        ),
        pytest.param(
            lambda root: _sql(root, "UPDATE case_info SET value = 'Other' WHERE key = 'title'"),
            id="case-facts-edited",
        ),
    ],
)
def test_other_database_edits(
    tampered_case: dict[str, Any],
    tamper: Callable[[Path], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    tamper(tampered_case["root"])
    code, report = _verify(tampered_case["root"], capsys)
    assert code == 1
    assert report["findings"]


def test_human_output_names_the_finding(
    tampered_case: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    root: Path = tampered_case["root"]
    _sql(root, "UPDATE custody SET reason = 'forged' WHERE seq = 2")
    capsys.readouterr()
    assert main(["verify", str(root)]) == 1
    out = capsys.readouterr().out
    assert "FINDING custody_changed: custody entry 2" in out
    assert "expected " in out
