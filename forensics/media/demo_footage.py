"""A procedurally generated stand-in for the Gerbera memory card's test footage.

The real recording is not available, so the demo case ships a clip drawn from code: a busy
road seen by a gimbal camera that zooms on single cars in turn (target tracking being tested),
red lanterns along the roadside, a brief view of a production hall, and a window pane with the
reflection of a Viewpro camera. Because every object is drawn by us, the manifest knows its
exact box on every frame: annotations and tests use it instead of guessing. The scenes are
drawn by `demo_scenes`; this module is the camera (viewport, zoom, projection of the boxes),
the H.264 encoding and the stills.

Everything is deterministic: same code, same bytes (x264 single-threaded with bit-exact flags,
no timestamps in the container), so rebuilding the demo gives the same sha256.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import av
import cv2
import numpy as np

from forensics.media.demo_manifest import (
    FootageManifest,
    FrameObjects,
    ObjectBox,
    Segment,
    StillImage,
)
from forensics.media.demo_scenes import (
    CARS,
    WORLD_H,
    WORLD_W,
    Box,
    Image,
    car_box,
    draw_hall,
    draw_road,
    draw_window,
    lantern_boxes,
)

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 640, 360
FPS = 25
ROAD_FRAMES = 120
HALL_FRAMES = 30
WINDOW_FRAMES = 50
FRAME_COUNT = ROAD_FRAMES + HALL_FRAMES + WINDOW_FRAMES
KEYFRAME_INTERVAL = 50
"""Two seconds between keyframes, as many small cameras write."""


@dataclass(frozen=True)
class GeneratedFootage:
    """The clip's and stills' bytes with their manifest."""

    manifest: FootageManifest
    clip: bytes
    stills: dict[str, bytes] = field(default_factory=dict)

    def files(self) -> dict[str, bytes]:
        """Every generated file by its name: the clip first, then the stills."""
        return {self.manifest.clip_name: self.clip, **dict(sorted(self.stills.items()))}


# the camera -------------------------------------------------------------------------------
_ZOOMS = (("car-2", 12, 44), ("car-3", 54, 84), ("car-1", 92, 116))
"""(car, first frame, last frame): the camera zooms on one car at a time."""
_ZOOM_WIDTH = 420.0
_EASE = 6


def _viewport(frame: int) -> tuple[Box, str | None]:
    """The camera's view of the world on a road frame, and the car it tracks."""
    full: Box = (0.0, 0.0, float(WORLD_W), float(WORLD_H))
    for car_id, start, end in _ZOOMS:
        if start <= frame <= end:
            car = next(c for c in CARS if c.object_id == car_id)
            x, y, w, h = car_box(car, frame)
            vw = _ZOOM_WIDTH
            vh = vw * WORLD_H / WORLD_W
            target = (
                min(max(x + w / 2 - vw / 2, 0.0), WORLD_W - vw),
                min(max(y + h / 2 - vh / 2, 0.0), WORLD_H - vh),
                vw,
                vh,
            )
            t = min(1.0, (frame - start) / _EASE, (end - frame) / _EASE)
            t = 0.5 - 0.5 * math.cos(math.pi * max(0.0, t))
            view = tuple(a + (b - a) * t for a, b in zip(full, target, strict=True))
            return (view[0], view[1], view[2], view[3]), (car_id if t > 0.5 else None)
    return full, None


def _project(box: Box, view: Box) -> tuple[Box, bool] | None:
    """A world box in output-frame pixels, clipped; None when (almost) out of view."""
    sx, sy = WIDTH / view[2], HEIGHT / view[3]
    x0, y0 = (box[0] - view[0]) * sx, (box[1] - view[1]) * sy
    x1, y1 = x0 + box[2] * sx, y0 + box[3] * sy
    cx0, cy0, cx1, cy1 = max(x0, 0.0), max(y0, 0.0), min(x1, WIDTH), min(y1, HEIGHT)
    if cx1 - cx0 < 2 or cy1 - cy0 < 2:
        return None
    truncated = (cx0, cy0, cx1, cy1) != (x0, y0, x1, y1)
    return (round(cx0, 2), round(cy0, 2), round(cx1 - cx0, 2), round(cy1 - cy0, 2)), truncated


def _road_objects(frame: int, view: Box, tracked: str | None) -> tuple[ObjectBox, ...]:
    out: list[ObjectBox] = []
    for object_id, box in lantern_boxes():
        projected = _project(box, view)
        if projected:
            (x, y, w, h), cut = projected
            out.append(ObjectBox(object_id, "lantern", x, y, w, h, cut))
    for car in CARS:
        projected = _project(car_box(car, frame), view)
        if projected:
            (x, y, w, h), cut = projected
            out.append(
                ObjectBox(
                    car.object_id, "vehicle", x, y, w, h, cut, tracked=car.object_id == tracked
                )
            )
    return tuple(out)


def _crop(world: Image, view: Box) -> Image:
    x, y, w, h = view
    m = np.array([[WIDTH / w, 0, -x * WIDTH / w], [0, HEIGHT / h, -y * HEIGHT / h]], np.float64)
    return np.asarray(cv2.warpAffine(world, m, (WIDTH, HEIGHT), flags=cv2.INTER_AREA), np.uint8)


def _hall_view(frame: int) -> Box:
    pan = 40.0 * frame / max(1, HALL_FRAMES - 1)  # a slow pan to the right
    return (pan, 20.0, WORLD_W - 80.0, (WORLD_W - 80.0) * WORLD_H / WORLD_W)


def _scene_objects(objects: tuple[tuple[str, str, Box], ...], view: Box) -> tuple[ObjectBox, ...]:
    out = []
    for object_id, label, box in objects:
        projected = _project(box, view)
        if projected:
            (x, y, w, h), cut = projected
            out.append(ObjectBox(object_id, label, x, y, w, h, cut))
    return tuple(out)


# the clip ---------------------------------------------------------------------------------
SEGMENTS = (
    Segment(
        "road",
        0,
        ROAD_FRAMES - 1,
        "a busy road; the camera zooms on single cars in turn; red lanterns at the roadside",
    ),
    Segment(
        "hall",
        ROAD_FRAMES,
        ROAD_FRAMES + HALL_FRAMES - 1,
        "a brief view of a production hall with airframes on benches",
    ),
    Segment(
        "window",
        ROAD_FRAMES + HALL_FRAMES,
        FRAME_COUNT - 1,
        "a window pane reflecting a Viewpro gimbal camera",
    ),
)


def render_frames() -> Iterator[tuple[Image, FrameObjects]]:
    """Every frame of the clip (BGR, WIDTH x HEIGHT) with its drawn objects."""
    for i in range(FRAME_COUNT):
        pts = round(i / FPS, 6)
        if i < ROAD_FRAMES:
            view, tracked = _viewport(i)
            image = _crop(draw_road(i), view)
            fo = FrameObjects(i, pts, "road", _road_objects(i, view, tracked))
        elif i < ROAD_FRAMES + HALL_FRAMES:
            k = i - ROAD_FRAMES
            world, objects = draw_hall(k)
            view = _hall_view(k)
            image = _crop(world, view)
            fo = FrameObjects(i, pts, "hall", _scene_objects(objects, view))
        else:
            k = i - ROAD_FRAMES - HALL_FRAMES
            world, objects = draw_window(k)
            view = (0.0, 0.0, float(WORLD_W), float(WORLD_H))
            image = _crop(world, view)
            fo = FrameObjects(i, pts, "window", _scene_objects(objects, view))
        yield image, fo


def encode_clip(frames: Iterator[Image]) -> tuple[bytes, str]:
    """Encode BGR frames as H.264 in MP4, deterministically (no threads, no timestamps).

    Returns:
        The file's bytes and the codec's name.
    """
    buf = io.BytesIO()
    with av.open(buf, mode="w", format="mp4", options={"fflags": "+bitexact"}) as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height = WIDTH, HEIGHT
        stream.pix_fmt = "yuv420p"
        stream.codec_context.thread_count = 1
        stream.codec_context.gop_size = KEYFRAME_INTERVAL
        stream.options = {
            "flags": "+bitexact",
            "preset": "fast",
            "crf": "23",
            "bframes": "0",
            "x264-params": f"keyint={KEYFRAME_INTERVAL}:min-keyint="
            f"{KEYFRAME_INTERVAL}:scenecut=0:threads=1",
        }
        for index, bgr in enumerate(frames):
            rgb = np.ascontiguousarray(bgr[:, :, ::-1], dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buf.getvalue(), "h264"


def _jpeg(image: Image) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return bytes(data.tobytes())


def _still(
    name: str, image: Image, description: str, objects: tuple[ObjectBox, ...]
) -> tuple[StillImage, bytes]:
    data = _jpeg(image)
    h, w = image.shape[:2]
    return StillImage(
        name, hashlib.sha256(data).hexdigest(), int(w), int(h), description, objects
    ), data


def _world_objects(objects: tuple[tuple[str, str, Box], ...]) -> tuple[ObjectBox, ...]:
    return tuple(ObjectBox(i, label, *box) for i, label, box in objects)


def render_stills() -> list[tuple[StillImage, bytes]]:
    """Full-resolution stills of the three scenes, with their objects in still pixels."""
    road = draw_road(30)
    road_objects = tuple(
        [ObjectBox(oid, "lantern", *box) for oid, box in lantern_boxes()]
        + [
            ObjectBox(c.object_id, "vehicle", *car_box(c, 30))
            for c in CARS
            if car_box(c, 30)[0] >= 0 and car_box(c, 30)[0] + c.length <= WORLD_W
        ]
    )
    hall, hall_objects = draw_hall(0)
    window, window_objects = draw_window(0)
    return [
        _still("IMG_0001.jpg", road, "the road with red lanterns along the roadside", road_objects),
        _still("IMG_0002.jpg", hall, "the production hall", _world_objects(hall_objects)),
        _still(
            "IMG_0003.jpg",
            window,
            "the window pane with a Viewpro camera's reflection",
            _world_objects(window_objects),
        ),
    ]


def generate(clip_name: str = "VID_0001.mp4") -> GeneratedFootage:
    """Generate the demo clip and stills with their manifest.

    Args:
        clip_name: the file name the clip is stored under.

    Returns:
        The bytes of the clip and of each still, and the manifest with every box.
    """
    frames_meta: list[FrameObjects] = []

    def images() -> Iterator[Image]:
        for image, meta in render_frames():
            frames_meta.append(meta)
            yield image

    clip, codec = encode_clip(images())
    stills = render_stills()
    manifest = FootageManifest(
        clip_name=clip_name,
        clip_sha256=hashlib.sha256(clip).hexdigest(),
        width=WIDTH,
        height=HEIGHT,
        fps=FPS,
        frame_count=FRAME_COUNT,
        codec=codec,
        segments=SEGMENTS,
        frames=tuple(frames_meta),
        stills=tuple(s for s, _ in stills),
    )
    log.info("generated demo footage: %d frames, %d bytes", FRAME_COUNT, len(clip))
    return GeneratedFootage(manifest, clip, {s.name: data for s, data in stills})
