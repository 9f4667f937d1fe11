"""The fast scan on footage shaped like a drone's: long moving shots, keyframes 2 s apart."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import pytest

from forensics.media.scenes import SceneScan, scan_exact
from forensics.media.scenes_fast import scan_fast

SHOTS = ("video/gopro/karma.mp4", "video/gopro/hero7.mp4", "video/gopro/max-heromode.mp4")


@pytest.fixture(scope="module")
def moving_shots(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three GoPro clips back to back (two cuts), a keyframe every 60 frames and none at
    the cuts (no scene-cut keyframes), as a drone camera writes."""
    dest = tmp_path_factory.mktemp("scenes") / "moving.mp4"
    with av.open(str(dest), "w") as out:
        stream = out.add_stream(
            "libx264",
            rate=30,
            options={"preset": "ultrafast", "x264-params": "keyint=60:min-keyint=60:scenecut=0"},
        )
        stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
        n = 0
        for rel in SHOTS:
            with av.open(str(corpus / rel)) as src:
                src.streams.video[0].thread_type = "AUTO"
                for frame in src.decode(video=0):
                    small = frame.reformat(width=320, height=180, format="yuv420p")
                    fresh = av.VideoFrame.from_ndarray(small.to_ndarray(), format="yuv420p")
                    fresh.pts, fresh.time_base = n, Fraction(1, 30)
                    n += 1
                    for packet in stream.encode(fresh):
                        out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return dest


@pytest.fixture(scope="module")
def scans(moving_shots: Path) -> tuple[SceneScan, SceneScan]:
    return scan_exact(moving_shots), scan_fast(moving_shots)


def test_fast_scan_finds_the_cuts_inside_gops(scans: tuple[SceneScan, SceneScan]) -> None:
    exact, fast = scans
    assert len(exact.cuts) == 2
    assert [c.frame_index for c in fast.cuts] == [c.frame_index for c in exact.cuts]
    assert all(c.frame_index % 60 for c in exact.cuts)  # neither cut is on a keyframe


def test_moving_shots_are_not_decoded(scans: tuple[SceneScan, SceneScan]) -> None:
    exact, fast = scans
    # Two GOPs hold a cut and the last one is always decoded: three of eighteen, and the
    # cut GOPs only up to the cut's shot.
    assert fast.frames_decoded < 0.2 * exact.frame_count, fast.notes
    assert "3 of 18 GOPs decoded" in fast.notes[0], fast.notes


def test_a_stream_without_keyframes_gets_the_exact_scan(corpus: Path, tmp_path: Path) -> None:
    # The same packets remuxed into NUT with every keyframe flag cleared (as an intra-refresh
    # camera writes): nothing to skip by, so every frame is scanned and the mode says so.
    src = corpus / "video/pyscenedetect/goldeneye-vfr-drop3.mp4"
    dest = tmp_path / "no-keyframes.nut"
    with av.open(str(src)) as inp, av.open(str(dest), "w") as out:
        stream = out.add_stream_from_template(inp.streams.video[0])
        for packet in inp.demux(inp.streams.video[0]):
            if packet.size:
                packet.is_keyframe = False
                packet.stream = stream
                out.mux(packet)
    with av.open(str(dest)) as check:
        assert not any(p.is_keyframe for p in check.demux(video=0) if p.size)
    fast = scan_fast(dest)
    assert fast.mode == "exact"
    assert fast.frames_decoded == fast.frame_count
    assert [c.frame_index for c in fast.cuts] == [c.frame_index for c in scan_exact(src).cuts]


def test_a_scan_records_its_decoder_and_same_shot_settings(
    scans: tuple[SceneScan, SceneScan],
) -> None:
    exact, fast = scans
    assert exact.parameters["decoder"].startswith("pyav ")
    assert exact.parameters["threshold"] == 27.0
    assert "same_shot" not in exact.parameters
    assert fast.parameters["same_shot"]["min_inliers"] == 30
    assert fast.parameters["decoder"] == exact.parameters["decoder"]
