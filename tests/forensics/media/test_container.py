"""Video container facts against `video_expected.json`, and location atoms."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from forensics.media.container import parse_iso6709, read_container


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _facts(path: Path) -> Any:
    return read_container(path, path.read_bytes()[:16])


def test_every_video_matches_the_expected_facts(
    corpus: Path, video_expected: dict[str, dict[str, Any]]
) -> None:
    for rel, exp in video_expected.items():
        result = _facts(corpus / rel)
        video, container = result.video, result.container
        assert video["codec"] == exp["video_codec"], rel
        assert [video["width"], video["height"]] == exp["coded_wxh"], rel
        durations = (container.get("duration_s"), video.get("duration_s"))
        assert any(d is not None and abs(d - exp["duration_s"]) < 0.05 for d in durations), rel
        assert video["fps_avg"] == pytest.approx(exp["avg_fps"], abs=0.05), rel
        if exp["frames_header"]:
            assert video["frame_count"] == exp["frames_header"], rel
        if exp["rotation_deg"] is not None:
            # PyAV reports the counter-clockwise display-matrix angle; we store clockwise.
            assert video["rotation"] == (-exp["rotation_deg"]) % 360, rel
        if exp["creation_time"] is not None:
            assert _iso(container["creation_time"]) == _iso(exp["creation_time"]), rel
            assert "local clock labelled as UTC" in container["creation_time_caveat"]
        if exp["location_iso6709"] is not None:
            want = parse_iso6709(exp["location_iso6709"], "expected", [])
            assert want is not None
            assert result.locations, rel
            loc = result.locations[0]
            assert loc.latitude == pytest.approx(want.latitude, abs=1e-4), rel
            assert loc.longitude == pytest.approx(want.longitude, abs=1e-4), rel
            if want.altitude is not None:
                assert loc.altitude == pytest.approx(want.altitude, abs=0.01), rel
        else:
            assert result.locations == [], rel


def test_vfr_clip_is_flagged_with_its_real_rate(
    corpus: Path, video_expected: dict[str, dict[str, Any]]
) -> None:
    rel = "video/pyscenedetect/goldeneye-vfr-drop3.mp4"
    video = _facts(corpus / rel).video
    assert video["variable_rate"] is True
    assert video["fps_real"] == pytest.approx(24000 / 1001, abs=0.01)
    assert video["fps_avg"] == pytest.approx(video_expected[rel]["avg_fps"], abs=0.01)
    assert _facts(corpus / "video/pyscenedetect/testvideo.mp4").video["variable_rate"] is False


def test_location_atoms_each_kind(corpus: Path, video_expected: dict[str, dict[str, Any]]) -> None:
    atoms = {
        "video/jcodec/metaedit_keyed.mp4": "©xyz",
        "synthetic/synthetic_apple_keys_location.mov": "com.apple.quicktime.location.ISO6709",
        "synthetic/synthetic_udta_xyz_location.mp4": "loci",
    }
    for rel, atom in atoms.items():
        result = _facts(corpus / rel)
        assert [loc.atom for loc in result.locations] == [atom], rel
    apple = _facts(corpus / "synthetic/synthetic_apple_keys_location.mov").container
    other = video_expected["synthetic/synthetic_apple_keys_location.mov"]["other_metadata"]
    assert apple["make"] == other["com.apple.quicktime.make"]
    assert apple["model"] == other["com.apple.quicktime.model"]
    assert apple["creation_date_apple"] == other["com.apple.quicktime.creationdate"]


def test_keyed_clip_metadata_only(corpus: Path, video_expected: dict[str, dict[str, Any]]) -> None:
    exp = video_expected["video/jcodec/metaedit_keyed.mp4"]
    c = _facts(corpus / "video/jcodec/metaedit_keyed.mp4").container
    for key, value in exp["other_metadata"].items():
        assert float(c[f"key {key}"]) == float(value) if "fps" in key else c[f"key {key}"] == value


def test_delayed_start_offset(corpus: Path) -> None:
    video = _facts(corpus / "video/pyscenedetect/delayed_start.mp4").video
    assert video["start_offset_s"] > 1.0
    assert _facts(corpus / "video/pyscenedetect/testvideo.mp4").video["start_offset_s"] == 0


@pytest.mark.parametrize(
    "name",
    [
        "random_bytes.mp4",
        "truncated_mid_moov.mp4",
        "truncated_mid_moov_faststart.mp4",
        "ftyp_only.mp4",
    ],
)
def test_broken_containers_are_reported(bad_files: Path, name: str) -> None:
    result = _facts(bad_files / name)
    assert result.errors or result.warnings
    text = " ".join(result.errors + result.warnings)
    assert "truncated" in text or "no moov" in text or "not a readable" in text


@pytest.mark.parametrize(
    ("text", "lat", "lon", "alt"),
    [
        ("+33.9951-118.4762/", 33.9951, -118.4762, None),
        ("-22.9519-043.2105+700.000/", -22.9519, -43.2105, 700.0),
        ("+4851.50+00217.70/", 48.858333, 2.295, None),
    ],
)
def test_iso6709_forms(text: str, lat: float, lon: float, alt: float | None) -> None:
    loc = parse_iso6709(text, "t", [])
    assert loc is not None
    assert (loc.latitude, loc.longitude) == (
        pytest.approx(lat, abs=1e-5),
        pytest.approx(lon, abs=1e-5),
    )
    assert loc.altitude == alt


def test_iso6709_out_of_range_is_a_warning() -> None:
    warnings: list[str] = []
    assert parse_iso6709("+95.0000+010.0000/", "©xyz", warnings) is None
    assert warnings
    assert "©xyz" in warnings[0]
