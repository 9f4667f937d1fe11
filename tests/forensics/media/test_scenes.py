"""Scene cuts against PySceneDetect's goldens, compared by timestamp; fast mode against exact."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from forensics.errors import CancelledError, UnsupportedMediaError
from forensics.jobs import CancelToken
from forensics.media import scenes
from forensics.media.scenes import ContentDetector, SceneScan, scan_exact
from forensics.media.scenes_fast import scan_fast
from forensics.media.timeline import read_timeline

GOLDEN = "ContentDetector.default.json"
CLIPS = (
    "counter.mp4",
    "fades.mp4",
    "goldeneye-vfr-drop3.mp4",
    "testvideo.mp4",
    "goldeneye.mp4",
    "goldeneye-vfr.mp4",
)
"""Every clip with a ContentDetector golden; the two full GoldenEye clips are not in the
corpus snapshot (only their goldens are), so they skip with that reason."""

_SCANS: dict[tuple[str, str], SceneScan] = {}


def _clip(corpus: Path, name: str) -> Path:
    path = corpus / "video" / "pyscenedetect" / name
    if not path.is_file():
        pytest.skip(f"{name}: the corpus has its golden but not the clip")
    return path


def _scan(path: Path, mode: str) -> SceneScan:
    """Each clip is scanned once per mode for the whole module (the big ones take seconds)."""
    key = (str(path), mode)
    if key not in _SCANS:
        scan = scan_fast if mode == "fast" else scan_exact
        _SCANS[key] = scan(path)
    return _SCANS[key]


def _golden_times(corpus: Path, name: str, path: Path) -> tuple[list[float], float]:
    """The golden cuts as times: PyAV frame numbers over the stream's nominal rate."""
    golden = json.loads((corpus / "expected" / "pyscenedetect" / f"{name}.{GOLDEN}").read_text())
    timeline = read_timeline(path)
    assert timeline is not None
    rate = timeline.nominal_rate
    return [n / rate for n in golden["cuts"]], 1.0 / rate


@pytest.mark.parametrize("name", CLIPS)
def test_exact_scan_finds_the_golden_cuts_within_one_frame(corpus: Path, name: str) -> None:
    path = _clip(corpus, name)
    expected, frame = _golden_times(corpus, name, path)
    scan = _scan(path, "exact")
    found = [c.pts for c in scan.cuts]
    assert len(found) == len(expected), (found, expected)
    for got, want in zip(found, expected, strict=True):
        assert abs(got - want) <= frame + 1e-6, (got, want)


def test_vfr_cuts_carry_real_frame_indices(corpus: Path, video_expected: dict) -> None:
    # The corpus notes the OpenCV (decoded-frame) indices of the VFR clip's cuts: 60 and 141
    # against PyAV's nominal-rate numbers 90 and 210.
    path = _clip(corpus, "goldeneye-vfr-drop3.mp4")
    scan = _scan(path, "exact")
    note = video_expected["video/pyscenedetect/goldeneye-vfr-drop3.mp4"]["note"]
    assert "60, 141" in note
    assert [c.frame_num for c in scan.cuts] == [90, 210]
    timeline = read_timeline(path)
    assert timeline is not None
    assert [c.frame_index for c in scan.cuts] == [timeline.index_of(c.pts) for c in scan.cuts]
    assert (
        scan.frame_count
        == video_expected["video/pyscenedetect/goldeneye-vfr-drop3.mp4"]["frames_header"]
    )


@pytest.mark.parametrize("name", CLIPS)
def test_fast_scan_finds_the_exact_scan_cuts(corpus: Path, name: str) -> None:
    path = _clip(corpus, name)
    exact = [c.frame_index for c in _scan(path, "exact").cuts]
    fast = [c.frame_index for c in _scan(path, "fast").cuts]
    found = [i for i in exact if any(abs(i - j) <= 1 for j in fast)]
    assert len(found) >= 0.95 * len(exact), (exact, fast)
    assert len(fast) <= len(exact) + 1, (exact, fast)


def test_fast_scan_skips_frames_on_a_clip_with_sparse_keyframes(corpus: Path) -> None:
    path = _clip(corpus, "issue-134-rotate.mp4")
    fast = _scan(path, "fast")
    exact = _scan(path, "exact")
    assert [c.pts for c in fast.cuts] == pytest.approx([c.pts for c in exact.cuts])
    assert fast.frames_decoded < exact.frames_decoded == exact.frame_count


def test_scenes_cover_the_clip_from_frame_zero(corpus: Path) -> None:
    scan = _scan(_clip(corpus, "testvideo.mp4"), "exact")
    spans = [(s.start_frame, s.end_frame) for s in scan.scenes]
    assert spans[0][0] == 0
    assert spans[-1][1] == scan.frame_count
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))


def test_default_parameters_are_pyscenedetects() -> None:
    params = ContentDetector().parameters()
    assert params["threshold"] == 27.0
    assert params["min_scene_len"] == 15


def test_a_duplicate_detector_name_is_refused() -> None:
    with pytest.raises(RuntimeError, match="duplicate"):
        scenes._registry(("content", ContentDetector), ("content", ContentDetector))
    with pytest.raises(ValueError, match="no scene detector"):
        scenes.make_detector("nope")


def test_a_cut_closer_than_the_minimum_length_is_merged_away() -> None:
    # PySceneDetect 0.7.2's FlashFilter (MERGE) gives [20, 40] for this sequence: the cut 5
    # frames after the one at 40 never reaches the minimum length and is dropped.
    flt = scenes.FlashFilter(15)
    verdicts = {20: True, 40: True, 45: True}
    out = [c for n in range(80) for c in flt.filter(n, verdicts.get(n, False))]
    assert out == [20, 40]


@pytest.mark.parametrize("mode", ["exact", "fast"])
def test_a_clip_without_decodable_frames_says_so(corpus: Path, mode: str) -> None:
    path = corpus / "video" / "jcodec" / "metaedit_keyed.mp4"
    scan = scan_fast if mode == "fast" else scan_exact
    with pytest.raises(UnsupportedMediaError, match="no frame decodes"):
        scan(path)


@pytest.mark.parametrize(
    "name",
    [
        "random_bytes.mp4",
        "truncated_mid_moov.mp4",
        "truncated_mid_moov_faststart.mp4",
        "ftyp_only.mp4",
        "zero_byte.jpg",
        "text_renamed.jpg",
    ],
)
@pytest.mark.parametrize("mode", ["exact", "fast"])
def test_malformed_files_are_refused_not_crashed(bad_files: Path, name: str, mode: str) -> None:
    scan = scan_fast if mode == "fast" else scan_exact
    with pytest.raises(UnsupportedMediaError):
        scan(bytes(bad_files / name))


def test_hostile_names_reach_opencv_as_bytes(bad_files: Path) -> None:
    # A str path with a lone surrogate kills the process inside OpenCV; bytes do not.
    hostile = [p for p in bad_files.iterdir() if p.name.startswith("bad_utf8_")]
    assert hostile
    # The file is the manifest's valid 4x4 JPEG: OpenCV reads it as a one-frame sequence.
    scan = scan_exact(hostile[0])
    assert (scan.frame_count, scan.cuts) == (1, ())


def test_a_cancelled_scan_stops(corpus: Path) -> None:
    token = CancelToken()
    token.cancel()
    path = _clip(corpus, "testvideo.mp4")
    with pytest.raises(CancelledError):
        scan_exact(path, cancel=token)
    with pytest.raises(CancelledError):
        scan_fast(path, cancel=token)
