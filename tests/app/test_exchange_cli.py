"""`pwb keygen | pack | unpack | merge | conflicts | resolve | report | export` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from forensics.case import Case
from tests.forensics.exchange.helpers import fill


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


@pytest.fixture
def case_dir(case: Case, corpus: Path) -> Path:
    filled = fill(case, corpus)
    root = filled.case.root
    case.close()
    return root


def test_signed_pack_unpack_merge_resolve(case_dir, tmp_path, capsys):
    key = tmp_path / "team.key"
    code, out = run(capsys, "keygen", str(key), "--name", "Team A", "--json")
    assert code == 0
    fingerprint = json.loads(out)["fingerprint"]
    archive = tmp_path / "a.pwbcase"
    code, out = run(
        capsys,
        "pack",
        str(case_dir),
        str(archive),
        "--sign",
        str(key),
        "--reason",
        "hand-over",
        "--json",
    )
    assert code == 0
    assert json.loads(out)["signed_by"] == "Team A"
    code, out = run(
        capsys, "unpack", str(archive), str(tmp_path / "b"), "--trust", f"{key}.pub", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["signature"] == {
        "signer": "Team A",
        "fingerprint": fingerprint,
        "valid": True,
        "reason": None,
    }
    assert run(capsys, "verify", str(tmp_path / "b"))[0] == 0
    with Case.open(tmp_path / "b") as theirs:
        drone = theirs.items.search(kinds=["hardware"])[0].id
        theirs.edit_item(drone, {"note": "theirs"})
    with Case.open(case_dir) as ours:
        ours.edit_item(drone, {"note": "ours"})
    run(capsys, "pack", str(tmp_path / "b"), str(tmp_path / "back.pwbcase"))
    code, out = run(
        capsys, "merge", str(case_dir), str(tmp_path / "back.pwbcase"), "--accept-unsigned"
    )
    assert code == 1
    assert "CONFLICT" in out
    code, out = run(capsys, "conflicts", str(case_dir), "--json")
    conflict = json.loads(out)["conflicts"][0]
    assert conflict["mine"] == {"note": "ours"}
    assert conflict["theirs"] == {"note": "theirs"}
    code, _ = run(capsys, "resolve", str(case_dir), conflict["id"][:8], "--keep", "theirs")
    assert code == 0
    assert run(capsys, "verify", str(case_dir))[0] == 0
    with Case.open(case_dir, readonly=True) as ours:
        assert ours.items.get(drone).note == "theirs"
    replay = ("merge", str(case_dir), str(tmp_path / "back.pwbcase"), "--accept-unsigned")
    code, out = run(capsys, *replay)
    assert code == 0
    assert "already merged" in out
    assert "nothing was applied" in out
    code, out = run(capsys, *replay, "--json")
    assert json.loads(out)["already_merged"] is True


def test_hostile_archive_is_refused_with_reasons(bad_files, tmp_path, capsys):
    code, out = run(
        capsys, "unpack", str(bad_files / "zip_slip_and_bomb.zip"), str(tmp_path / "dest"), "--json"
    )
    assert code == 1
    data = json.loads(out)
    assert data["refused"] is True
    assert any("../../evil.txt" in r for r in data["reasons"])
    assert not (tmp_path / "dest").exists()


def test_report_html_and_pdf(case_dir, tmp_path, capsys):
    code, _ = run(capsys, "report", str(case_dir), str(tmp_path / "r.html"))
    assert code == 0
    assert "Chain of custody" in (tmp_path / "r.html").read_text()
    code, _ = run(capsys, "report", str(case_dir), str(tmp_path / "r.pdf"))
    assert code == 0
    pdf = (tmp_path / "r.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 10_000
    assert run(capsys, "report", str(case_dir), str(tmp_path / "r.txt"))[0] == 2


def test_export_formats(case_dir, tmp_path, capsys):
    code, out = run(
        capsys, "export", str(case_dir), "--format", "csv", str(tmp_path / "items.csv"), "--json"
    )
    assert code == 0
    assert json.loads(out)["format"] == "csv"
    code, _ = run(
        capsys, "export", str(case_dir), "--format", "case-uco", str(tmp_path / "case.jsonld")
    )
    assert code == 0
    assert "@graph" in json.loads((tmp_path / "case.jsonld").read_text())
