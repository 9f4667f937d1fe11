"""DJI telemetry: every SRT in the corpus against `first_fix_summary.json`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from forensics.media.dji_srt import LAYOUT_BRACKETED, LAYOUT_PAREN, parse_srt


def _summary(corpus: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        (corpus / "expected/dji-srt/first_fix_summary.json").read_text()
    )
    return data


def test_every_srt_against_its_first_fix(corpus: Path) -> None:
    summary = _summary(corpus)
    assert len(summary) == 19
    for exp in summary:
        track = parse_srt((corpus / "video/dji-srt" / exp["file"]).read_bytes())
        assert track.cues == exp["cues"], exp["file"]
        assert track.bom == exp["bom"], exp["file"]
        family = exp["family"]
        if family.startswith("bracketed"):
            fixes = [f for f in track.fixes if f.layout == LAYOUT_BRACKETED]
            want = exp["first_latlon"]
        elif family.startswith("GPS("):
            fixes = [f for f in track.fixes if f.layout == LAYOUT_PAREN]
            want = exp["first_latlon_if_lon_lat"]  # DJI writes longitude first
        else:
            assert track.points == (), exp["file"]
            assert track.warnings, exp["file"]
            continue
        first = fixes[0].point
        assert [first.lat, first.lon] == pytest.approx(want, abs=1e-6), exp["file"]
        if exp["first_datetime"]:
            want_parts = [int(n) for n in re.findall(r"\d+", exp["first_datetime"])[:6]]
            got_parts = [int(n) for n in re.findall(r"\d+", fixes[0].point.time or "")[:6]]
            assert got_parts == want_parts, exp["file"]


def test_broken_files_warn_without_raising(corpus: Path) -> None:
    empty = parse_srt((corpus / "video/dji-srt/broken_empty.SRT").read_bytes())
    assert empty.points == ()
    assert "empty" in empty.warnings[0]
    cut = parse_srt((corpus / "video/dji-srt/broken_incomplete2.SRT").read_bytes())
    assert cut.points
    assert any("cut short" in w for w in cut.warnings)
    for junk in (b"\xff\xfe\x00garbage", b"1\n00:00:00,000 --> 00:00:01,000\nGPS(1000,2000,3)\n"):
        track = parse_srt(junk)
        assert track.points == ()
        assert track.warnings


def test_points_carry_offsets_and_altitude(corpus: Path) -> None:
    track = parse_srt((corpus / "video/dji-srt/air2s.srt").read_bytes())
    assert [p.offset_s for p in track.points[:2]] == [0.0, 0.033]
    assert track.points[0].alt == 117.0
    assert [p.seq for p in track.points] == list(range(len(track.points)))
