"""`pwb meta` on a GoPro clip: the GPMF track and the camera clock caveat, as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.cli import main


def test_meta_shows_the_gopro_track(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected: dict[str, Any] = json.loads((corpus / "expected/video_expected.json").read_text())
    gps = expected["video/gopro/max-heromode.mp4"]["gpmf_telemetry_gps"]
    case_dir = str(tmp_path / "case")
    assert main(["init", case_dir, "--title", "t", "--examiner", "e"]) == 0
    capsys.readouterr()
    clip = corpus / "video/gopro/max-heromode.mp4"
    assert main(["ingest", case_dir, str(clip), "--no-extract", "--json"]) == 0
    item_id = json.loads(capsys.readouterr().out)["outcomes"][0]["item"]["id"]
    assert main(["meta", case_dir, item_id, "--extractor", "gpmf", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (track,) = doc["tracks"]
    assert track["layout"] == "GoPro GPMF GPS5"
    assert track["point_count"] == gps["samples_with_2d3d_fix"]
    first, last = track["points"][0], track["points"][-1]
    for point, want in ((first, gps["first_fix"]), (last, gps["last_fix"])):
        assert (point["lat"], point["lon"]) == pytest.approx((want["lat"], want["lon"]))
        assert point["speed_mps"] == pytest.approx(want["speed2d_mps"])
        assert point["fix"] == want["fix"]
    assert [p["source"] for p in doc["positions"]] == ["telemetry"]
    (group,) = [g for g in doc["groups"] if g["key"] == "gpmf"]
    fields = {f["key"]: f["value"] for f in group["fields"]}
    assert fields["gpmf.zone_guess"] == "UTC-08:00"
    assert fields["gpmf.point_count"] == gps["gps5_samples"]  # a number, not its display
    assert main(["meta", case_dir, item_id[:8]]) == 0
    text = capsys.readouterr().out
    assert "== GoPro telemetry (GPMF) ==" in text
    assert "labelled UTC" in text
    assert f"track: {gps['gps5_samples']} fixes (GoPro GPMF GPS5)" in text
