"""`pwb meta` from the command line: grouped text, one JSON document, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main


def test_meta_after_ingest_and_no_extract(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_dir = str(tmp_path / "case")
    assert main(["init", case_dir, "--title", "t", "--examiner", "e"]) == 0
    capsys.readouterr()
    photo = corpus / "synthetic/gps_control_eiffel.jpg"
    assert main(["ingest", case_dir, str(photo), "--no-extract", "--json"]) == 0
    item_id = json.loads(capsys.readouterr().out)["outcomes"][0]["item"]["id"]
    assert main(["meta", case_dir, item_id[:8], "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["extraction"] is not None, "nothing was stored, so meta extracted"
    assert [p["source"] for p in doc["positions"]] == ["exif"]
    assert doc["positions"][0]["lat"] == pytest.approx(48.85837, abs=1e-6)
    labels = [g["label"] for g in doc["groups"]]
    assert "GPS" in labels
    assert "Camera" in labels
    assert main(["meta", case_dir, item_id]) == 0
    text = capsys.readouterr().out
    assert "== GPS ==" in text
    assert "Latitude: 48.85837" in text
    assert main(["meta", case_dir, "nonexistent"]) == 2


def test_ingest_extracts_by_default(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_dir = str(tmp_path / "case")
    main(["init", case_dir, "--title", "t", "--examiner", "e"])
    capsys.readouterr()
    srt = corpus / "video/dji-srt/broken_incomplete2.SRT"
    assert main(["ingest", case_dir, str(srt), "--json"]) == 0
    outcome = json.loads(capsys.readouterr().out)["outcomes"][0]
    assert any("cut short" in w for w in outcome["warnings"])
    assert main(["meta", case_dir, outcome["item"]["id"], "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["extraction"] is None, "already extracted at ingest"
    assert doc["tracks"][0]["point_count"] == 4
