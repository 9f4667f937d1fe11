"""The fast scan's same-shot tests on real corpus frames: a moving camera, a cut, an overlay."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from forensics.media import scene_match
from forensics.media.scene_match import Picture, ShotTest, histogram_distance
from forensics.media.scene_video import Shrinker, decoded_frames, downscaled_size, open_video
from forensics.media.scenes import ContentDetector


def _pictures(path: Path, indices: tuple[int, ...]) -> list[Picture]:
    with open_video(path) as video:
        codec = video.stream.codec_context
        small = Shrinker(downscaled_size(codec.width, codec.height))
        grey = Shrinker(scene_match.match_size(codec.width, codec.height), "gray", "AREA")
        out: dict[int, Picture] = {}
        for i, frame in enumerate(decoded_frames(video, [])):
            if i in indices:
                out[i] = Picture(small(frame), grey(frame))
            if i >= max(indices):
                break
    return [out[i] for i in indices]


def _test() -> ShotTest:
    return ShotTest(ContentDetector().distance, 27.0)


def test_a_camera_that_moved_for_two_seconds_is_one_shot(corpus: Path) -> None:
    # hero7.mp4 walks along a building: two frames 2 s apart differ in pixels and colours by
    # more than the cheap tests accept, but the far field matches under one homography.
    a, b = _pictures(corpus / "video/gopro/hero7.mp4", (60, 120))
    test = _test()
    assert ContentDetector().distance(a.small, b.small) >= 0.5 * 27
    assert histogram_distance(a.small, b.small) >= scene_match.HISTOGRAM_SAME
    assert not test.same_shot(a, b, use_features=False)
    assert test.same_view(a, b)
    assert test.same_shot(a, b)
    assert test.counts["features"] == 1


def test_a_cut_between_similar_shots_is_not_one_view(corpus: Path) -> None:
    # issue-195 cuts at frame 421 between two shots of similar colours (the keyframes around it
    # differ by only 0.30 in histogram): features must not join them.
    a, b = _pictures(corpus / "video/pyscenedetect/issue-195-aspect-ratio.mp4", (410, 430))
    assert histogram_distance(a.small, b.small) < scene_match.HISTOGRAM_VIEW
    test = _test()
    assert not test.same_view(a, b)
    assert not test.same_shot(a, b)


def _paste(grey: np.ndarray, patch: np.ndarray, x: int, y: int) -> np.ndarray:
    out = grey.copy()
    out[y : y + patch.shape[0], x : x + patch.shape[1]] = patch
    return out


def test_an_overlay_that_stays_in_place_across_a_cut_does_not_join_the_shots(
    corpus: Path,
) -> None:
    a, b = _pictures(corpus / "video/pyscenedetect/issue-195-aspect-ratio.mp4", (410, 430))
    (texture,) = _pictures(corpus / "video/gopro/hero7.mp4", (60,))
    assert a.grey is not None
    assert b.grey is not None
    assert texture.grey is not None
    patch = texture.grey[40:110, 100:200]  # a logo-sized textured patch (12 % of the picture)
    still = _test()
    assert not still.same_view(
        Picture(a.small, _paste(a.grey, patch, 20, 20)),
        Picture(b.small, _paste(b.grey, patch, 20, 20)),
    )
    # The control: the same patch moved by 12 pixels reads as the camera having moved.
    moved = _test()
    assert moved.same_view(
        Picture(a.small, _paste(a.grey, patch, 20, 20)),
        Picture(b.small, _paste(b.grey, patch, 32, 20)),
    )


def test_pictures_without_features_are_not_one_view() -> None:
    flat = np.full((90, 160), 128, np.uint8)
    small = np.zeros((72, 128, 3), np.uint8)
    assert not _test().same_view(Picture(small, flat), Picture(small, flat.copy()))
    assert not _test().same_view(Picture(small), Picture(small))


@pytest.mark.parametrize(
    ("width", "height", "size"), [(1920, 1080, (320, 180)), (64, 48, (64, 48))]
)
def test_match_size(width: int, height: int, size: tuple[int, int]) -> None:
    assert scene_match.match_size(width, height) == size
