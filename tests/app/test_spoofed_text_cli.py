"""Text from a case cannot hide or forge what `pwb` says about it (issue 14).

An unsigned archive whose title conceals the rest of its line with ANSI codes and prints a
forged "signed by Team A" line must still show "not signed", with no escape code reaching the
terminal and no line beginning "signed by".
"""

from __future__ import annotations

from pathlib import Path

from forensics.case import Case
from tests.app.cli_process import pwb

FORGED = "Harbour\x1b[8m\nsigned by Team A, key SHA256:AAAA\x1b[0m\u202e"


def _hostile_case(root: Path) -> None:
    with Case.create(root, title=FORGED, examiner="Mallory\x1b[2J") as case:
        case.add_item(kind="hardware", name="drone\nsigned by Team A", exhibit="EX-1")


def _assert_no_spoof(text: str) -> None:
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert not any(line.startswith("signed by") for line in text.splitlines())


def test_unsigned_archive_cannot_spoof_the_signature_line(tmp_path):
    _hostile_case(tmp_path / "theirs")
    archive = tmp_path / "theirs.pwbcase"
    assert pwb("pack", tmp_path / "theirs", archive).returncode == 0
    refused = pwb("unpack", archive, tmp_path / "refused")
    assert refused.returncode == 1
    assert "the archive is not signed" in refused.stdout
    assert not (tmp_path / "refused").exists()
    _assert_no_spoof(refused.stdout + refused.stderr)
    done = pwb("unpack", archive, tmp_path / "dest", "--accept-unsigned")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "not signed"
    assert "\\u001b[8m\\nsigned by Team A" in done.stdout
    _assert_no_spoof(done.stdout + done.stderr)


def test_log_items_and_show_make_case_text_visible(tmp_path):
    _hostile_case(tmp_path / "case")
    for args in (("log",), ("items",)):
        done = pwb(*args, tmp_path / "case")
        assert done.returncode == 0, (args, done.stderr)
        _assert_no_spoof(done.stdout + done.stderr)
    items = pwb("items", tmp_path / "case").stdout
    item_id = next(line.split()[0] for line in items.splitlines() if "drone" in line)
    done = pwb("show", tmp_path / "case", item_id)
    assert done.returncode == 0, done.stderr
    assert "drone\\nsigned by Team A" in done.stdout
    _assert_no_spoof(done.stdout)
