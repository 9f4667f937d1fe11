"""Frames out of video items: frame-accurate by index and time, reproducible, recorded."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.errors import CancelledError, UnsupportedMediaError, ValidationError
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.jobs import CancelToken
from forensics.media.frame_png import THUMB_WIDTH, frame_png_path
from forensics.media.frames import extract_frame, extract_scene_frames, scene_thumbnails
from forensics.media.video_reader import VideoReader
from forensics.store.frames import FrameKind, FrameRepository
from forensics.verify import verify_case

COUNTER_FRAMES = 30
"""From the corpus's counter description: 30 frames at 10 fps, frame #k at (k-1)*0.1 s."""


def _ingest(case: Case, path: Path) -> str:
    report = ingest_paths(case, [str(path)], IngestOptions())
    item = report.outcomes[0].item
    assert item is not None, report.outcomes[0].reason
    return item.id


def _counter(corpus: Path) -> Path:
    return corpus / "video" / "pyscenedetect" / "counter.mp4"


@pytest.fixture(scope="module")
def counter_digests(corpus: Path) -> list[tuple[float, str]]:
    """(pts, pixel sha256) of every counter frame, decoded front to back."""
    with VideoReader(_counter(corpus)) as reader:
        out = []
        while (frame := reader.read_next()) is not None:
            out.append((frame.pts, frame.pixel_sha256))
    return out


def test_counter_is_decoded_whole(corpus: Path, counter_digests: list) -> None:
    description = (
        corpus
        / "expected"
        / "pyscenedetect"
        / "resources-branch_tests_resources_counter_description.txt"
    ).read_text()
    assert "30 frames" in description
    assert "10fps" in description
    assert len(counter_digests) == COUNTER_FRAMES
    assert [p for p, _ in counter_digests] == pytest.approx([k * 0.1 for k in range(30)])
    assert len({d for _, d in counter_digests}) == COUNTER_FRAMES  # every number differs


@pytest.mark.parametrize("index", [29, 0, 17, 3, 18, 11])
def test_extract_by_index_is_frame_accurate(
    case: Case, corpus: Path, counter_digests: list, index: int
) -> None:
    item_id = _ingest(case, _counter(corpus))
    frame = extract_frame(case, item_id, index=index)
    assert frame.frame_index == index
    assert (frame.pts, frame.pixel_sha256) == (
        pytest.approx(index * 0.1),
        counter_digests[index][1],
    )


@pytest.mark.parametrize(
    ("seconds", "index"), [(0.0, 0), (0.05, 0), (0.1, 1), (1.299, 12), (2.9, 29), (2.99, 29)]
)
def test_extract_by_time_gives_the_frame_on_screen(
    case: Case, corpus: Path, counter_digests: list, seconds: float, index: int
) -> None:
    item_id = _ingest(case, _counter(corpus))
    frame = extract_frame(case, item_id, seconds=seconds)
    assert frame.frame_index == index
    assert frame.pixel_sha256 == counter_digests[index][1]


def test_random_access_on_a_vfr_clip_matches_sequential_decoding(corpus: Path) -> None:
    path = corpus / "video" / "pyscenedetect" / "goldeneye-vfr-drop3.mp4"
    with VideoReader(path) as reader:
        sequential = []
        while (frame := reader.read_next()) is not None:
            sequential.append((frame.pts, frame.pixel_sha256))
        for index in (157, 3, 100, 61, 60, 140, 2, 159):
            frame = reader.read(index)
            assert (frame.pts, frame.pixel_sha256) == sequential[index], index


def test_png_and_records_are_reproducible_across_cases(tmp_path: Path, corpus: Path) -> None:
    clip = corpus / "video" / "pyscenedetect" / "goldeneye-vfr-drop3.mp4"
    results = []
    for name in ("a", "b"):
        with Case.create(tmp_path / name, title=name, examiner="E") as case:
            item_id = _ingest(case, clip)
            single = extract_frame(case, item_id, index=42)
            starts = extract_scene_frames(case, item_id)
            for frame in (single, *starts):
                png = frame_png_path(case, frame).read_bytes()
                assert hashlib.sha256(png).hexdigest() == frame.png_sha256
            results.append((single, starts))
    (a1, a_starts), (b1, b_starts) = results

    def anchor(f: object) -> tuple:
        return tuple(
            getattr(f, k)
            for k in (
                "media_sha256",
                "frame_index",
                "pts",
                "pixel_sha256",
                "png_sha256",
                "width",
                "height",
            )
        )

    assert anchor(a1) == anchor(b1)
    assert [anchor(f) for f in a_starts] == [anchor(f) for f in b_starts]
    assert [f.frame_index for f in a_starts] == [0, 60, 140]
    assert a1.id != b1.id


def test_a_frame_is_found_by_its_pixels_in_another_case(tmp_path: Path, corpus: Path) -> None:
    with Case.create(tmp_path / "a", title="a", examiner="E") as a:
        frame = extract_frame(a, _ingest(a, _counter(corpus)), index=7)
    with Case.create(tmp_path / "b", title="b", examiner="E") as b:
        item_id = _ingest(b, _counter(corpus))
        assert FrameRepository(b.db).find_by_pixel_sha256(frame.pixel_sha256) == []
        extract_scene_frames(b, item_id)
        extract_frame(b, item_id, seconds=0.75)
        found = FrameRepository(b.db).find_by_pixel_sha256(frame.pixel_sha256)
    assert [(f.item_id, f.frame_index) for f in found] == [(item_id, 7)]


def test_scene_run_is_logged_and_verified(case: Case, corpus: Path) -> None:
    item_id = _ingest(case, corpus / "video" / "pyscenedetect" / "goldeneye-vfr-drop3.mp4")
    starts = extract_scene_frames(case, item_id, mode="fast")
    repo = FrameRepository(case.db)
    scenes = repo.scenes(item_id)
    assert [(s.start_frame, s.end_frame) for s in scenes] == [(0, 60), (60, 140), (140, 160)]
    assert [s.start_frame_id for s in scenes] == [f.id for f in starts]
    assert all(f.kind == FrameKind.SCENE_START for f in starts)
    assert repo.frames(item_id, FrameKind.SCENE_START) == starts
    run = repo.latest_scan(item_id)
    assert run is not None
    assert (run.mode, run.status, run.detector) == ("fast", "ok", "content")
    entries = [e for e in case.custody.entries(item_id=item_id) if e.action == "extracted"]
    assert [(e.subject_type, e.subject_id) for e in entries] == [("frame_run", run.id)]
    assert verify_case(case).ok
    case.db.conn.execute("UPDATE scenes SET end_frame = end_frame + 1 WHERE scene_index = 0")
    case.db.conn.commit()
    assert any(f.kind == "frame_run_changed" for f in verify_case(case).findings)


def test_a_frame_extracted_twice_is_the_same_record(case: Case, corpus: Path) -> None:
    item_id = _ingest(case, _counter(corpus))
    first = extract_frame(case, item_id, index=5)
    count = len(case.custody.entries())
    assert extract_frame(case, item_id, seconds=0.5) == first
    assert len(case.custody.entries()) == count


def test_thumbnails_for_the_keyframe_strip(case: Case, corpus: Path) -> None:
    item_id = _ingest(case, corpus / "video" / "pyscenedetect" / "goldeneye-vfr-drop3.mp4")
    assert scene_thumbnails(case, item_id, scan_if_missing=False) == []
    strip = scene_thumbnails(case, item_id)
    assert [f.frame_index for f, _ in strip] == [0, 60, 140]
    from PIL import Image

    for _, path in strip:
        assert path.is_relative_to(case.evidence.derived_dir)
        with Image.open(path) as im:
            assert im.width == THUMB_WIDTH


def test_a_clip_that_decodes_no_frames_says_so_and_is_recorded(case: Case, corpus: Path) -> None:
    item_id = _ingest(case, corpus / "video" / "jcodec" / "metaedit_keyed.mp4")
    with pytest.raises(UnsupportedMediaError, match=r"metaedit_keyed\.mp4.*no frame decodes"):
        extract_frame(case, item_id, index=0)
    with pytest.raises(UnsupportedMediaError, match="no frame decodes"):
        extract_scene_frames(case, item_id)
    runs = FrameRepository(case.db).runs(item_id)
    assert [r.status for r in runs] == ["failed", "failed"]
    assert all("no frame decodes" in (r.message or "") for r in runs)
    assert verify_case(case).ok


def test_malformed_videos_fail_cleanly(case: Case, bad_files: Path) -> None:
    names = [
        "random_bytes.mp4",
        "truncated_mid_moov.mp4",
        "truncated_mid_moov_faststart.mp4",
        "ftyp_only.mp4",
    ]
    for name in names:
        item_id = _ingest(case, bad_files / name)
        with pytest.raises(UnsupportedMediaError, match=name.replace(".", r"\.")):
            extract_frame(case, item_id, index=0)
        with pytest.raises(UnsupportedMediaError):
            extract_scene_frames(case, item_id, mode="fast")
    assert verify_case(case).ok


def test_bad_requests_are_validation_errors(case: Case, corpus: Path) -> None:
    item_id = _ingest(case, _counter(corpus))
    with pytest.raises(ValidationError):
        extract_frame(case, item_id)
    with pytest.raises(ValidationError):
        extract_frame(case, item_id, index=1, seconds=1.0)
    with pytest.raises(ValidationError, match="past the end"):
        extract_frame(case, item_id, index=COUNTER_FRAMES)
    with pytest.raises(ValidationError):
        extract_scene_frames(case, item_id, mode="quick")


def test_a_cancelled_scene_extraction_records_nothing(case: Case, corpus: Path) -> None:
    item_id = _ingest(case, corpus / "video" / "pyscenedetect" / "testvideo.mp4")
    token = CancelToken()

    def progress(done: int, total: int, message: str) -> None:
        if done >= 50:
            token.cancel()

    with pytest.raises(CancelledError):
        extract_scene_frames(case, item_id, progress=progress, cancel=token)
    assert FrameRepository(case.db).runs(item_id) == []
