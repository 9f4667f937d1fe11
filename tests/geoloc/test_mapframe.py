"""The map's extent, projection and clipping: one point, padding, aspect, hostile numbers."""

from __future__ import annotations

import math

import pytest

from geoloc.mapframe import (
    MIN_SPAN_DEG,
    Extent,
    Projection,
    circle_bounds,
    clip_polygon,
    clip_segment,
    extent_for,
    nice_length,
    radius_degrees,
    thin,
)

NANSHAN = (22.53, 113.93)


def _ground_aspect(e: Extent) -> float:
    lat = (e.south + e.north) / 2
    return (e.east - e.west) * math.cos(math.radians(lat)) / (e.north - e.south)


def test_one_point_gets_the_minimum_extent_centred_on_it() -> None:
    e = extent_for([NANSHAN], aspect=720 / 440)
    assert e is not None
    assert e.contains(*NANSHAN)
    assert e.north - e.south == pytest.approx(MIN_SPAN_DEG)
    assert e.center == pytest.approx(NANSHAN)
    assert _ground_aspect(e) == pytest.approx(720 / 440)


def test_spread_points_are_padded_and_fill_the_aspect() -> None:
    points = [(48.0, 2.0), (49.0, 2.1), (48.5, 2.05)]
    e = extent_for(points, aspect=2.0, pad=0.1)
    assert e is not None
    assert (e.south, e.north) == pytest.approx((47.9, 49.1))
    assert _ground_aspect(e) == pytest.approx(2.0)
    assert all(e.contains(*p) for p in points)


def test_invalid_points_are_ignored_and_none_valid_gives_none() -> None:
    junk = [(math.nan, 1.0), (1.0, math.inf), (91.0, 0.0), (0.0, -181.0)]
    assert extent_for(junk) is None
    assert extent_for([]) is None
    e = extent_for([*junk, NANSHAN])
    assert e is not None
    assert e.contains(*NANSHAN)


def test_extents_stay_on_earth() -> None:
    e = extent_for([(89.9, 179.9), (-89.9, -179.9)])
    assert e is not None
    assert -90 <= e.south < e.north <= 90
    assert -180 <= e.west < e.east <= 180
    polar = extent_for([(90.0, 0.0)])
    assert polar is not None
    assert polar.north <= 90
    assert polar.east - polar.west <= 360


def test_circle_bounds_clamp_absurd_radii() -> None:
    dlat, dlon = radius_degrees(60.0, 1000.0)
    assert dlon == pytest.approx(2 * dlat, rel=0.01)  # cos 60 = 1/2
    corners = circle_bounds(*NANSHAN, 1e12)
    assert len(corners) == 2
    assert all(math.isfinite(v) for corner in corners for v in corner)
    assert circle_bounds(*NANSHAN, math.nan) == [NANSHAN]
    assert circle_bounds(math.nan, 0.0, 10.0) == []


def test_projection_and_scale() -> None:
    proj = Projection(Extent(22.0, 113.0, 23.0, 115.0), 200, 100)
    assert proj.xy(23.0, 113.0) == (0, 0)
    assert proj.xy(22.0, 115.0) == (200, 100)
    assert proj.metres_per_pixel() == pytest.approx(
        2 * 111_320 * math.cos(math.radians(22.5)) / 200
    )
    assert [nice_length(v) for v in (7300, 1999, 15, 0, math.nan)] == [5000, 1000, 10, 0, 0]


def test_clipping() -> None:
    box = (0.0, 0.0, 10.0, 10.0)
    square = [(-5.0, -5.0), (5.0, -5.0), (5.0, 5.0), (-5.0, 5.0)]
    clipped = clip_polygon(square, box)
    assert {(round(x, 6), round(y, 6)) for x, y in clipped} == {
        (0, 0),
        (5, 0),
        (5, 5),
        (0, 5),
    }
    assert clip_polygon([(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], box) == []
    assert clip_segment((-5.0, 5.0), (15.0, 5.0), box) == ((0, 5), (10, 5))
    assert clip_segment((-5.0, -5.0), (-1.0, 20.0), box) is None
    assert thin([(0.0, 0.0), (0.1, 0.1), (0.2, 0.2), (5.0, 5.0)], 1.0) == [(0, 0), (5, 5)]
