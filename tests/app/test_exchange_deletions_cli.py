"""`pwb merge | conflicts | resolve` with an archive whose team deleted records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from forensics.case import Case
from forensics.exchange.unpack import unpack_archive
from tests.forensics.exchange.deletions import diverge, make_shared
from tests.forensics.exchange.helpers import UNSIGNED


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_merge_lists_deletions_and_resolves_a_deleted_there_conflict(
    case: Case, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = make_shared(case, corpus, tmp_path)
    ours = unpack_archive(shared.base, tmp_path / "ours", limits=UNSIGNED).dest
    with Case.open(ours) as opened:
        diverge(opened, shared)
    code, out = run(capsys, "merge", str(ours), str(shared.theirs), "--accept-unsigned")
    assert code == 1
    assert "4 deleted" in out
    assert f"deleted annotations {shared.gone}: deleted in their case by B" in out
    assert f"NOT DELETED item {shared.loose_item}" in out
    assert "never deleted by a merge" in out
    assert f"annotations {shared.edited}: deleted there, edited here" in out
    code, out = run(capsys, "conflicts", str(ours), "--json")
    assert code == 0
    listed = {c["record_id"]: c for c in json.loads(out)["conflicts"]}
    edited = listed[shared.edited]
    assert edited["kind"] == "deleted_there_edited_here"
    assert (edited["deleted"]["by"], edited["deleted"]["reason"]) == ("B", "wrong frame")
    assert edited["theirs"] is None
    used = listed[shared.used]["id"]
    assert main(["resolve", str(ours), used[:8], "--keep", "theirs"]) == 2
    assert "still used here" in capsys.readouterr().err
    code, out = run(capsys, "resolve", str(ours), edited["id"][:8], "--keep", "theirs", "--json")
    assert (code, json.loads(out)["status"]) == (0, "took_theirs")
    code, _ = run(capsys, "resolve", str(ours), used[:8], "--keep", "mine")
    assert code == 0
    assert run(capsys, "verify", str(ours))[0] == 0
    code, out = run(capsys, "merge", str(ours), str(shared.theirs), "--accept-unsigned", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["deleted"], data["conflicts"], data["deletions_not_applied"]) == ([], [], [])
    with Case.open(ours, readonly=True) as done:
        assert done.items.get(shared.loose_item).name == "loose cable"
