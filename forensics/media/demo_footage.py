"""A procedurally generated stand-in for the Gerbera memory card's test footage.

The real recording is not available, so the demo case ships a clip drawn from code: a busy
road seen by a gimbal camera that zooms on single cars in turn (target tracking being tested),
red lanterns along the roadside, a brief view of a production hall, and a window pane with the
reflection of a Viewpro camera. Because every object is drawn by us, the manifest knows its
exact box on every frame: annotations and tests use it instead of guessing.

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
import numpy.typing as npt

from forensics.media.demo_manifest import (
    FootageManifest,
    FrameObjects,
    ObjectBox,
    Segment,
    StillImage,
)

log = logging.getLogger(__name__)

WORLD_W, WORLD_H = 1280, 720
"""Every scene is drawn at this size; clip frames are a (zoomed) viewport of it."""
WIDTH, HEIGHT = 640, 360
FPS = 25
ROAD_FRAMES = 120
HALL_FRAMES = 30
WINDOW_FRAMES = 50
FRAME_COUNT = ROAD_FRAMES + HALL_FRAMES + WINDOW_FRAMES
KEYFRAME_INTERVAL = 50
"""Two seconds between keyframes, as many small cameras write."""

Image = npt.NDArray[np.uint8]
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class GeneratedFootage:
    """The clip's and stills' bytes with their manifest."""

    manifest: FootageManifest
    clip: bytes
    stills: dict[str, bytes] = field(default_factory=dict)

    def files(self) -> dict[str, bytes]:
        """Every generated file by its name: the clip first, then the stills."""
        return {self.manifest.clip_name: self.clip, **dict(sorted(self.stills.items()))}


# the road scene ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Car:
    object_id: str
    lane_y: int
    length: int
    height: int
    x0: float
    speed: float
    colour: tuple[int, int, int]


_CARS = (
    _Car("car-1", 430, 150, 62, -160.0, 6.0, (40, 60, 200)),
    _Car("car-2", 430, 170, 70, 420.0, 4.0, (220, 220, 225)),
    _Car("car-3", 540, 160, 66, 1400.0, -7.0, (30, 30, 35)),
    _Car("car-4", 540, 190, 80, 800.0, -5.0, (60, 150, 60)),
)
_ZOOMS = (("car-2", 12, 44), ("car-3", 54, 84), ("car-1", 92, 116))
"""(car, first frame, last frame): the camera zooms on one car at a time."""
_ZOOM_WIDTH = 420.0
_EASE = 6
_LANTERN_X = tuple(range(70, 1280, 140))
_LANTERN_Y = 232
_LANTERN_W, _LANTERN_H = 40, 52


def _car_box(car: _Car, frame: int) -> Box:
    x = car.x0 + car.speed * frame
    return (x, car.lane_y - car.height, float(car.length), float(car.height))


def _lantern_boxes() -> list[tuple[str, Box]]:
    return [
        (
            f"lantern-{i + 1}",
            (x - _LANTERN_W / 2, float(_LANTERN_Y), float(_LANTERN_W), float(_LANTERN_H)),
        )
        for i, x in enumerate(_LANTERN_X)
    ]


def _draw_road(frame: int) -> Image:
    img = np.empty((WORLD_H, WORLD_W, 3), np.uint8)
    sky = np.linspace(235, 180, 200).astype(np.uint8)
    img[:200] = np.stack([sky, sky - 10, sky - 40], axis=1)[:, None, :]  # BGR: hazy warm sky
    img[200:340] = (150, 150, 145)
    for i, x in enumerate(range(0, WORLD_W, 160)):  # buildings across the road
        top = 90 + (i * 37) % 90
        cv2.rectangle(img, (x + 8, top), (x + 150, 340), (120 + i % 3 * 15, 118, 110), -1)
        for wy in range(top + 14, 320, 28):
            for wx in range(x + 20, x + 140, 30):
                cv2.rectangle(img, (wx, wy), (wx + 16, wy + 14), (80, 90, 95), -1)
    img[340:370] = (170, 175, 180)  # pavement
    img[370:620] = (70, 70, 72)  # asphalt
    img[620:] = (160, 165, 168)
    for x in range(0, WORLD_W, 90):  # lane markings
        cv2.rectangle(img, (x, 484), (x + 50, 490), (235, 235, 235), -1)
    cv2.line(img, (0, 218), (WORLD_W, 218), (40, 40, 40), 2)  # the lanterns' string
    for x in range(0, WORLD_W + 1, 280):
        cv2.rectangle(img, (x - 4, 205), (x + 4, 370), (50, 50, 55), -1)  # poles
    for _, (lx, ly, lw, lh) in _lantern_boxes():
        x, y, w, h = int(lx), int(ly), int(lw), int(lh)
        cx, cy = x + w // 2, y + h // 2
        cv2.line(img, (cx, 218), (cx, int(y)), (40, 40, 40), 1)
        cv2.ellipse(img, (cx, cy), (int(w / 2), int(h / 2) - 6), 0, 0, 360, (20, 20, 210), -1)
        cv2.ellipse(img, (cx, cy), (int(w / 2) - 8, int(h / 2) - 6), 0, 0, 360, (30, 40, 235), -1)
        cv2.rectangle(img, (cx - 10, int(y)), (cx + 10, int(y) + 6), (20, 170, 220), -1)
        cv2.rectangle(img, (cx - 10, int(y + h) - 6), (cx + 10, int(y + h)), (20, 170, 220), -1)
        cv2.line(img, (cx, int(y + h)), (cx, int(y + h) + 10), (20, 170, 220), 2)
    for car in _CARS:
        bx, by, bw, bh = _car_box(car, frame)
        x0, y0, x1, y1 = round(bx), round(by), round(bx + bw), round(by + bh)
        w, h = x1 - x0, y1 - y0
        cv2.rectangle(img, (x0, y0 + int(h * 0.35)), (x1, y1 - 10), car.colour, -1)
        cv2.rectangle(
            img, (x0 + int(w * 0.2), y0), (x1 - int(w * 0.2), y0 + int(h * 0.4)), car.colour, -1
        )
        cv2.rectangle(
            img,
            (x0 + int(w * 0.25), y0 + 6),
            (x1 - int(w * 0.25), y0 + int(h * 0.35)),
            (200, 180, 140),
            -1,
        )
        for wx in (x0 + int(w * 0.2), x1 - int(w * 0.2)):
            cv2.circle(img, (wx, y1 - 10), 12, (15, 15, 15), -1)
    return img


def _viewport(frame: int) -> tuple[Box, str | None]:
    """The camera's view of the world on a road frame, and the car it tracks."""
    full: Box = (0.0, 0.0, float(WORLD_W), float(WORLD_H))
    for car_id, start, end in _ZOOMS:
        if start <= frame <= end:
            car = next(c for c in _CARS if c.object_id == car_id)
            x, y, w, h = _car_box(car, frame)
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
    for object_id, box in _lantern_boxes():
        projected = _project(box, view)
        if projected:
            (x, y, w, h), cut = projected
            out.append(ObjectBox(object_id, "lantern", x, y, w, h, cut))
    for car in _CARS:
        projected = _project(_car_box(car, frame), view)
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


# the production hall ------------------------------------------------------------------------
_BENCHES = ((120, 420, 300, 90), (520, 430, 280, 90), (900, 420, 300, 90))


def _draw_hall(frame: int) -> tuple[Image, tuple[tuple[str, str, Box], ...]]:
    img = np.empty((WORLD_H, WORLD_W, 3), np.uint8)
    img[:] = (175, 180, 178)
    img[380:] = (120, 128, 125)  # painted floor
    for x in range(60, WORLD_W, 200):  # ceiling lamps
        cv2.rectangle(img, (x, 40), (x + 120, 54), (245, 250, 250), -1)
    for x in range(0, WORLD_W, 320):  # wall columns
        cv2.rectangle(img, (x, 60), (x + 24, 380), (150, 152, 150), -1)
    objects: list[tuple[str, str, Box]] = []
    for i, (x, y, w, h) in enumerate(_BENCHES):
        cv2.rectangle(img, (x, y), (x + w, y + 16), (90, 110, 150), -1)
        cv2.rectangle(img, (x + 10, y + 16), (x + 22, y + h), (60, 60, 60), -1)
        cv2.rectangle(img, (x + w - 22, y + 16), (x + w - 10, y + h), (60, 60, 60), -1)
        cx = x + w // 2  # a delta-wing airframe on each bench
        pts = np.array([[cx - 110, y - 4], [cx, y - 60], [cx + 110, y - 4]], np.int32)
        cv2.fillPoly(img, [pts], (205, 205, 200))
        cv2.polylines(img, [pts], True, (90, 90, 90), 2)
        objects.append((f"bench-{i + 1}", "workbench", (float(x), float(y), float(w), float(h))))
        objects.append(
            (f"airframe-{i + 1}", "airframe", (float(cx - 110), float(y - 60), 220.0, 56.0))
        )
    return img, tuple(objects)


def _hall_view(frame: int) -> Box:
    pan = 40.0 * frame / max(1, HALL_FRAMES - 1)  # a slow pan to the right
    return (pan, 20.0, WORLD_W - 80.0, (WORLD_W - 80.0) * WORLD_H / WORLD_W)


# the window with the reflection -----------------------------------------------------------
_REFLECTION: Box = (700.0, 250.0, 260.0, 250.0)


def _draw_window(frame: int) -> tuple[Image, tuple[tuple[str, str, Box], ...]]:
    img = np.empty((WORLD_H, WORLD_W, 3), np.uint8)
    outside = np.linspace(200, 150, WORLD_H).astype(np.uint8)
    img[:] = np.stack([outside + 20, outside + 10, outside], axis=1)[:, None, :]
    for i, bx in enumerate(range(60, WORLD_W, 230)):  # blurred buildings outside
        cv2.rectangle(img, (bx, 200 + (i * 53) % 120), (bx + 170, WORLD_H), (150, 145, 140), -1)
    img[:] = cv2.GaussianBlur(img, (0, 0), 6)
    drift = 6.0 * math.sin(frame / 8.0)
    x, y, w, h = _REFLECTION[0] + drift, _REFLECTION[1], _REFLECTION[2], _REFLECTION[3]
    layer = np.zeros_like(img)
    cx, cy = int(x + w / 2), int(y + 40 + (h - 40) / 2)
    cv2.rectangle(layer, (cx - 30, int(y)), (cx + 30, int(y) + 40), (200, 200, 200), -1)  # mount
    cv2.circle(layer, (cx, cy), int((h - 40) / 2), (225, 225, 225), -1)  # gimbal ball
    cv2.circle(layer, (cx + 20, cy + 10), 42, (40, 40, 40), -1)  # lens
    cv2.circle(layer, (cx + 20, cy + 10), 22, (120, 90, 60), -1)
    cv2.putText(
        layer,
        "VIEWPRO",
        (cx - 85, cy - 55),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.9,
        (250, 250, 250),
        2,
        cv2.LINE_AA,
    )
    img = np.asarray(cv2.addWeighted(img, 1.0, layer, 0.45, 0.0), dtype=np.uint8)
    frame_colour = (55, 60, 62)
    cv2.rectangle(img, (0, 0), (WORLD_W - 1, WORLD_H - 1), frame_colour, 40)  # window frame
    cv2.rectangle(img, (WORLD_W // 2 - 14, 0), (WORLD_W // 2 + 14, WORLD_H), frame_colour, -1)
    objects = (
        ("viewpro-reflection", "viewpro_reflection", (round(x, 2), y, w, h)),
        ("window-pane", "window", (WORLD_W / 2 + 14, 20.0, WORLD_W / 2 - 34, WORLD_H - 40.0)),
    )
    return img, objects


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
            image = _crop(_draw_road(i), view)
            fo = FrameObjects(i, pts, "road", _road_objects(i, view, tracked))
        elif i < ROAD_FRAMES + HALL_FRAMES:
            k = i - ROAD_FRAMES
            world, objects = _draw_hall(k)
            view = _hall_view(k)
            image = _crop(world, view)
            fo = FrameObjects(i, pts, "hall", _scene_objects(objects, view))
        else:
            k = i - ROAD_FRAMES - HALL_FRAMES
            world, objects = _draw_window(k)
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
    road = _draw_road(30)
    road_objects = tuple(
        [ObjectBox(oid, "lantern", *box) for oid, box in _lantern_boxes()]
        + [
            ObjectBox(c.object_id, "vehicle", *_car_box(c, 30))
            for c in _CARS
            if _car_box(c, 30)[0] >= 0 and _car_box(c, 30)[0] + c.length <= WORLD_W
        ]
    )
    hall, hall_objects = _draw_hall(0)
    window, window_objects = _draw_window(0)
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
