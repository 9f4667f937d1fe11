"""Shape checks, clipping to the frame, and interpolation of tracks between keyframes.

Clipping never silently changes what an analyst drew: every change comes back as a warning
the caller shows or logs. Interpolation is linear between keyframes, as in CVAT, so a track
exported to CVAT and imported again gives the same boxes on every frame.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from forensics.annotations.models import Annotation, Point, Points, ShapeKind
from forensics.errors import ValidationError

_MIN_POINTS: dict[str, int] = {
    ShapeKind.BOX: 2,
    ShapeKind.POINT: 1,
    ShapeKind.POLYGON: 3,
    ShapeKind.ARROW: 2,
}
_MAX_POINTS: dict[str, int] = {ShapeKind.BOX: 2, ShapeKind.POINT: 1}


def box_points(x: float, y: float, w: float, h: float) -> Points:
    """A box given as `x, y, width, height` as its two corners."""
    return ((x, y), (x + w, y + h))


def normalise(kind: str, points: Iterable[Sequence[float]]) -> Points:
    """Check a shape and return its points as floats (a box as top-left, bottom-right).

    Raises:
        ValidationError: unknown kind, wrong number of points, or a value that is not finite.
    """
    if kind not in ShapeKind.ALL:
        raise ValidationError(f"unknown shape '{kind}' (use one of {', '.join(ShapeKind.ALL)})")
    pts: list[Point] = []
    for p in points:
        if len(p) != 2:
            raise ValidationError(f"a point has two coordinates, not {len(p)}")
        x, y = float(p[0]), float(p[1])
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValidationError("coordinates must be finite numbers")
        pts.append((x, y))
    if len(pts) < _MIN_POINTS[kind]:
        raise ValidationError(f"a {kind} needs at least {_MIN_POINTS[kind]} point(s)")
    if kind in _MAX_POINTS and len(pts) > _MAX_POINTS[kind]:
        raise ValidationError(f"a {kind} has exactly {_MAX_POINTS[kind]} point(s)")
    if kind == ShapeKind.BOX:
        (x1, y1), (x2, y2) = pts
        pts = [(min(x1, x2), min(y1, y2)), (max(x1, x2), max(y1, y2))]
    return tuple(pts)


def _clamp(v: float, hi: float) -> float:
    return min(max(v, 0.0), hi)


def _clip_polygon(pts: Points, w: float, h: float) -> Points:
    """Sutherland-Hodgman against the frame rectangle."""

    def clip(poly: list[Point], inside: object, cut: object) -> list[Point]:
        out: list[Point] = []
        for i, cur in enumerate(poly):
            prev = poly[i - 1]
            cin, pin = inside(cur), inside(prev)  # type: ignore[operator]
            if cin:
                if not pin:
                    out.append(cut(prev, cur))  # type: ignore[operator]
                out.append(cur)
            elif pin:
                out.append(cut(prev, cur))  # type: ignore[operator]
        return out

    def at_x(x: float) -> object:
        return lambda a, b: (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))

    def at_y(y: float) -> object:
        return lambda a, b: (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)

    poly = list(pts)
    for inside, cut in (
        (lambda p: p[0] >= 0, at_x(0.0)),
        (lambda p: p[0] <= w, at_x(w)),
        (lambda p: p[1] >= 0, at_y(0.0)),
        (lambda p: p[1] <= h, at_y(h)),
    ):
        if not poly:
            break
        poly = clip(poly, inside, cut)
    return tuple(poly)


@dataclass(frozen=True)
class Clipped:
    """A shape after clipping, with what was changed."""

    points: Points
    warnings: tuple[str, ...]


def clip_to_frame(kind: str, points: Points, width: int, height: int) -> Clipped:
    """Clip a shape to the frame `[0, width] x [0, height]`.

    Returns:
        The clipped points and one warning per change.

    Raises:
        ValidationError: nothing of the shape is left inside the frame.
    """
    w, h = float(width), float(height)
    inside = all(0 <= x <= w and 0 <= y <= h for x, y in points)
    if inside:
        return Clipped(points, ())
    where = f"the {width}x{height} frame"
    if kind == ShapeKind.BOX:
        (x1, y1), (x2, y2) = points
        c: Points = ((_clamp(x1, w), _clamp(y1, h)), (_clamp(x2, w), _clamp(y2, h)))
        if c[1][0] - c[0][0] <= 0 or c[1][1] - c[0][1] <= 0:
            raise ValidationError(f"the box lies entirely outside {where}")
        return Clipped(c, (f"box clipped to {where}: {_fmt(points)} -> {_fmt(c)}",))
    if kind == ShapeKind.POLYGON:
        c = _clip_polygon(points, w, h)
        if len(c) < 3:
            raise ValidationError(f"the polygon lies entirely outside {where}")
        return Clipped(c, (f"polygon clipped to {where}",))
    if kind == ShapeKind.POINT:
        raise ValidationError(f"the point {_fmt(points)} lies outside {where}")
    c = tuple((_clamp(x, w), _clamp(y, h)) for x, y in points)
    return Clipped(c, (f"{kind} clipped to {where}",))


def _fmt(points: Points) -> str:
    return " ".join(f"({x:g},{y:g})" for x, y in points)


@dataclass(frozen=True)
class TrackFrame:
    """One frame of a track: a keyframe, or a shape interpolated between two."""

    frame_index: int
    kind: str
    points: Points
    keyframe: bool
    outside: bool
    source: Annotation
    """The keyframe this shape starts from (its label, note, attributes, anchor)."""


def _lerp(a: Points, b: Points, t: float) -> Points:
    return tuple(
        (ax + (bx - ax) * t, ay + (by - ay) * t) for (ax, ay), (bx, by) in zip(a, b, strict=True)
    )


def interpolate(
    keyframes: Sequence[Annotation], *, last_frame: int | None = None
) -> list[TrackFrame]:
    """Every frame of a track from its keyframes.

    Between two keyframes the shape moves linearly when both have the same kind and number of
    points (boxes and points always do); otherwise it holds until the next keyframe. A keyframe
    marked `outside` ends the track there: no shape until the next keyframe. After the last
    keyframe the shape holds to `last_frame` when given (the object is still in view), else the
    track stops at its last keyframe.

    Returns:
        One `TrackFrame` per frame where the object is in view, in frame order.
    """
    keys = sorted(keyframes, key=lambda a: a.frame_index)
    out: list[TrackFrame] = []
    for i, key in enumerate(keys):
        if key.outside:
            continue
        out.append(TrackFrame(key.frame_index, key.kind, key.points, True, False, key))
        nxt = keys[i + 1] if i + 1 < len(keys) else None
        end = (
            nxt.frame_index
            if nxt is not None
            else (last_frame + 1 if last_frame is not None else key.frame_index + 1)
        )
        span = (nxt.frame_index - key.frame_index) if nxt is not None else 0
        movable = (
            nxt is not None
            and not nxt.outside
            and nxt.kind == key.kind
            and len(nxt.points) == len(key.points)
        )
        for f in range(key.frame_index + 1, end):
            if movable and nxt is not None:
                pts = _lerp(key.points, nxt.points, (f - key.frame_index) / span)
            else:
                pts = key.points
            out.append(TrackFrame(f, key.kind, pts, False, False, key))
    return out


def shape_at(keyframes: Sequence[Annotation], frame_index: int) -> TrackFrame | None:
    """The track's shape on one frame, or None when the object is not in view there."""
    keys = sorted(keyframes, key=lambda a: a.frame_index)
    before = [k for k in keys if k.frame_index <= frame_index]
    if not before:
        return None
    last = before[-1]
    if last.outside:
        return None
    if last.frame_index == frame_index:
        return TrackFrame(frame_index, last.kind, last.points, True, False, last)
    after = [k for k in keys if k.frame_index > frame_index]
    if not after:
        return None
    for tf in interpolate([last, after[0]]):
        if tf.frame_index == frame_index:
            return tf
    return None
