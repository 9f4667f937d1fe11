"""The viewer's keyframe strip: every scene start (from the fast scan), topped up evenly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forensics.jobs import CancelToken
from forensics.media import keyframes
from forensics.media.keyframes import plan, strip_frames
from forensics.media.timeline import read_timeline


def test_the_strip_starts_every_scene_of_the_golden(corpus: Path) -> None:
    path = corpus / "video/pyscenedetect/testvideo.mp4"
    golden = json.loads(
        (corpus / "expected/pyscenedetect/testvideo.mp4.ContentDetector.default.json").read_text()
    )
    timeline = read_timeline(path)
    assert timeline is not None
    expected = [0, *(timeline.index_of(n / timeline.nominal_rate) for n in golden["cuts"])]
    strip = strip_frames(path, count=6, height=36)
    assert [k.index for k in strip if k.scene_start] == expected
    assert all(k.rgb.shape[0] == 36 for k in strip)
    assert len(strip) >= 6


def test_a_clip_over_the_limit_is_not_scanned(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyframes, "SCAN_LIMIT", 10)
    path = corpus / "video/pyscenedetect/testvideo.mp4"
    assert keyframes.scene_starts(path, 720, CancelToken()) == [0]


def test_plan_tops_up_with_evenly_spaced_frames() -> None:
    assert plan(100, [0, 50], 4) == [(0, True), (25, False), (50, True), (75, False)]
    assert plan(0, [0], 4) == [(0, True)]  # an unknown length still gets its first frame
