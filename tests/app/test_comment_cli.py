"""`pwb comment add | list` on a folder case, the way a user runs it (real `pwb` processes):
comments and replies on records named by id, prefix or name, each with its signed custody
entry; clear refusals (unknown record, empty or over-long text); comments travel in an archive,
merge back from another team's copy, appear in the PDF report by name, and `verify` is clean.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from forensics.records.comments import MAX_TEXT
from tests.app.cli_process import pwb, pwb_json


def _comment(case: Path, on: str, text: str) -> dict:
    return pwb_json("comment", "add", case, "--on", on, text)


def test_comments_from_the_command_line(tmp_path: Path) -> None:
    case = tmp_path / "case"
    pwb_json("init", case, "--title", "Review")
    drone = pwb_json("add", case, "--name", "Gerbera drone")["id"]
    pwb_json("add", case, "--name", "Camera module", "--kind", "component", "--parent", drone)

    first = _comment(case, "gerbera DRONE", "Serial plate photographed?")
    assert first["on"] == {"type": "item", "id": drone, "label": "item Gerbera drone"}
    assert first["by"] == "Test Examiner"
    assert first["login"] is None
    reply = _comment(case, first["id"][:8], "Yes, see IMG_0042")
    assert reply["on"]["type"] == "comment"
    assert reply["reply"] is True
    assert reply["item_id"] == drone

    listed = pwb_json("comment", "list", case, "--on", drone)["comments"]
    assert [c["text"] for c in listed] == ["Serial plate photographed?", "Yes, see IMG_0042"]
    assert pwb_json("comment", "list", case, "--on", "Camera module")["comments"] == []
    table = pwb("comment", "list", case)
    assert table.returncode == 0
    assert "Yes, see IMG_0042" in table.stdout
    assert "comment by Test Examiner" in table.stdout

    log = pwb_json("log", case)["entries"]
    entries = [e for e in log if e["action"] == "comment_added"]
    assert [e["subject_id"] for e in entries] == [first["id"], reply["id"]]
    assert all(e["actor"] == "Test Examiner" and e["signer"] for e in entries)

    for args, said in (
        (("--on", "no such thing", "text"), "no item, annotation"),
        (("--on", drone, "   "), "needs some text"),
        (("--on", drone, "x" * (MAX_TEXT + 1)), f"at most {MAX_TEXT} characters"),
    ):
        refused = pwb("comment", "add", case, *args)
        assert refused.returncode == 2, refused.stderr
        assert said in refused.stderr
        assert "Traceback" not in refused.stderr
    assert len(pwb_json("comment", "list", case)["comments"]) == 2
    assert pwb("verify", case).returncode == 0


def test_comments_travel_in_archives_merges_and_the_report(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    pwb_json("init", ours, "--title", "Review")
    drone = pwb_json("add", ours, "--name", "Gerbera drone")["id"]
    mine = _comment(ours, drone, "Check the GPS log")

    archive = tmp_path / "out.pwbcase"
    assert pwb("pack", ours, archive).returncode == 0
    theirs = tmp_path / "theirs"
    done = pwb("unpack", archive, theirs, "--accept-unsigned")
    assert done.returncode == 0, done.stderr
    assert [c["id"] for c in pwb_json("comment", "list", theirs)["comments"]] == [mine["id"]]
    answer = _comment(theirs, mine["id"], "GPS log matches the flight path")
    assert pwb("pack", theirs, tmp_path / "back.pwbcase").returncode == 0
    merged = pwb("merge", ours, tmp_path / "back.pwbcase", "--accept-unsigned")
    assert merged.returncode == 0, merged.stderr
    texts = [c["text"] for c in pwb_json("comment", "list", ours, "--on", drone)["comments"]]
    assert texts == ["Check the GPS log", "GPS log matches the flight path"]
    assert answer["id"] in {c["id"] for c in pwb_json("comment", "list", ours)["comments"]}
    assert pwb("verify", ours).returncode == 0

    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (apt-get install poppler-utils)")
    report = tmp_path / "report.pdf"
    done = pwb("report", ours, report)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(report), "-"], capture_output=True, text=True, check=True
    ).stdout
    section = text[text.index("Review comments") :]
    assert "item Gerbera drone" in section
    assert "Check the GPS log" in section
    assert "reply to comment by Test Examiner" in section
    assert drone not in section
    assert json.loads(pwb("comment", "list", ours, "--json").stdout)["comments"][0]["at"]
