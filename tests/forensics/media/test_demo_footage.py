"""The generated demo footage: decodable, and its manifest's boxes sit on the drawn objects."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest

from forensics.media.demo_footage import FRAME_COUNT, HEIGHT, WIDTH, generate
from forensics.media.demo_manifest import FootageManifest


@pytest.fixture(scope="module")
def footage() -> tuple[FootageManifest, list[np.ndarray]]:
    generated = generate()
    with av.open(io.BytesIO(generated.clip)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return generated.manifest, frames


def test_clip_decodes_every_frame(footage: tuple[FootageManifest, list[np.ndarray]]) -> None:
    manifest, frames = footage
    assert len(frames) == FRAME_COUNT == manifest.frame_count
    assert frames[0].shape == (HEIGHT, WIDTH, 3)
    assert [s.name for s in manifest.segments] == ["road", "hall", "window"]
    assert {f.segment for f in manifest.frames} == {"road", "hall", "window"}


def test_lantern_boxes_are_red(footage: tuple[FootageManifest, list[np.ndarray]]) -> None:
    manifest, frames = footage
    frame = manifest.best_frame("lantern")
    lanterns = frame.of_label("lantern")
    assert len(lanterns) >= 5
    rgb = frames[frame.frame_index].astype(int)
    for box in lanterns:
        cx, cy = int(box.x + box.w / 2), int(box.y + box.h / 2)
        r, g, b = rgb[cy, cx]
        assert r > 150, (box, (r, g, b))
        assert max(g, b) < 90, (box, (r, g, b))
    sky = rgb[5, 5]
    assert not (sky[0] > 150 and sky[1] < 90)


def test_camera_zooms_on_cars_in_turn(footage: tuple[FootageManifest, list[np.ndarray]]) -> None:
    manifest, _ = footage
    tracked = [next((o.object_id for o in f.objects if o.tracked), None) for f in manifest.frames]
    order = [t for i, t in enumerate(tracked) if t and (i == 0 or tracked[i - 1] != t)]
    assert len(order) == 3
    assert len(set(order)) == 3
    biggest = max(
        (o for f in manifest.frames for o in f.objects if o.tracked), key=lambda o: o.w * o.h
    )
    assert biggest.w > WIDTH / 3


def test_reflection_is_where_the_manifest_says(
    footage: tuple[FootageManifest, list[np.ndarray]],
) -> None:
    manifest, frames = footage
    frame = manifest.best_frame("viewpro_reflection")
    assert frame.segment == "window"
    box = frame.of_label("viewpro_reflection")[0]
    rgb = frames[frame.frame_index].astype(float)
    inside = rgb[int(box.y) : int(box.y + box.h), int(box.x) : int(box.x + box.w)].mean()
    left = rgb[int(box.y) : int(box.y + box.h), 30 : int(30 + box.w)].mean()
    assert inside > left + 15
    assert [s.name for s in manifest.stills] == ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg"]
