"""Shape checks, clipping and track interpolation (no media needed)."""

from __future__ import annotations

import pytest

from forensics.annotations.geometry import (
    box_points,
    clip_to_frame,
    interpolate,
    normalise,
    shape_at,
)
from forensics.annotations.models import Annotation, ShapeKind
from forensics.errors import ValidationError


def key(
    frame: int,
    points: tuple[tuple[float, float], ...],
    *,
    kind: str = ShapeKind.BOX,
    outside: bool = False,
) -> Annotation:
    return Annotation(
        id=f"k{frame}",
        item_id="i",
        media_sha256="m",
        frame_index=frame,
        pts=None,
        frame_pixel_sha256="p",
        frame_width=100,
        frame_height=100,
        kind=kind,
        points=points,
        label="vehicle",
        track_id="t",
        keyframe=True,
        outside=outside,
    )


def test_normalise_orders_box_corners_and_rejects_bad_shapes() -> None:
    assert normalise("box", [(50, 40), (10, 20)]) == ((10.0, 20.0), (50.0, 40.0))
    with pytest.raises(ValidationError, match="at least 3"):
        normalise("polygon", [(0, 0), (1, 1)])
    with pytest.raises(ValidationError, match="unknown shape"):
        normalise("circle", [(0, 0)])
    with pytest.raises(ValidationError, match="finite"):
        normalise("point", [(float("nan"), 0)])


def test_box_outside_the_frame_is_clipped_with_a_warning() -> None:
    clipped = clip_to_frame("box", box_points(-10, 80, 50, 50), 100, 100)
    assert clipped.points == ((0.0, 80.0), (40.0, 100.0))
    assert len(clipped.warnings) == 1
    assert "clipped" in clipped.warnings[0]
    inside = clip_to_frame("box", box_points(10, 10, 5, 5), 100, 100)
    assert inside.warnings == ()
    with pytest.raises(ValidationError, match="entirely outside"):
        clip_to_frame("box", box_points(200, 200, 5, 5), 100, 100)


def test_polygon_is_cut_at_the_frame_edge() -> None:
    clipped = clip_to_frame("polygon", ((50.0, 50.0), (150.0, 50.0), (50.0, 150.0)), 100, 100)
    assert all(0 <= x <= 100 and 0 <= y <= 100 for x, y in clipped.points)
    assert (100.0, 50.0) in clipped.points
    assert (50.0, 100.0) in clipped.points
    assert clipped.warnings


def test_interpolation_is_linear_between_keyframes_and_stops_where_the_object_leaves() -> None:
    keys = [
        key(0, ((0.0, 0.0), (10.0, 10.0))),
        key(4, ((40.0, 0.0), (50.0, 10.0))),
        key(8, ((40.0, 40.0), (50.0, 50.0))),
        key(10, ((40.0, 40.0), (50.0, 50.0)), outside=True),
    ]
    frames = {f.frame_index: f for f in interpolate(keys)}
    assert sorted(frames) == list(range(10))
    assert frames[1].points == ((10.0, 0.0), (20.0, 10.0))
    assert not frames[1].keyframe
    assert frames[4].keyframe
    assert frames[6].points == ((40.0, 20.0), (50.0, 30.0))
    assert shape_at(keys, 10) is None
    assert shape_at(keys, 11) is None
    assert shape_at(keys, 2) is not None
    assert shape_at(keys, 2).points == frames[2].points


def test_a_track_without_an_end_stops_at_its_last_keyframe_unless_told() -> None:
    keys = [key(0, ((0.0, 0.0), (1.0, 1.0))), key(2, ((2.0, 2.0), (3.0, 3.0)))]
    assert [f.frame_index for f in interpolate(keys)] == [0, 1, 2]
    assert [f.frame_index for f in interpolate(keys, last_frame=4)] == [0, 1, 2, 3, 4]
