"""The three scenes of the demo footage, drawn in world coordinates with their objects' boxes.

A road with cars and red lanterns, a production hall with airframes on benches, and a window
pane with a Viewpro camera's reflection. Each is drawn at WORLD_W x WORLD_H; the clip's camera
(`demo_footage`) crops and zooms into them and projects the boxes into its frames.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

WORLD_W, WORLD_H = 1280, 720
"""Every scene is drawn at this size; clip frames are a (zoomed) viewport of it."""

Image = npt.NDArray[np.uint8]
Box = tuple[float, float, float, float]


# the road scene ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Car:
    """A car driving along its lane at a constant speed (world pixels per frame)."""

    object_id: str
    lane_y: int
    length: int
    height: int
    x0: float
    speed: float
    colour: tuple[int, int, int]


CARS = (
    Car("car-1", 430, 150, 62, -160.0, 6.0, (40, 60, 200)),
    Car("car-2", 430, 170, 70, 420.0, 4.0, (220, 220, 225)),
    Car("car-3", 540, 160, 66, 1400.0, -7.0, (30, 30, 35)),
    Car("car-4", 540, 190, 80, 800.0, -5.0, (60, 150, 60)),
)
_LANTERN_X = tuple(range(70, 1280, 140))
_LANTERN_Y = 232
_LANTERN_W, _LANTERN_H = 40, 52


def car_box(car: Car, frame: int) -> Box:
    """Where a car is on a frame: (x, y, w, h) in world pixels."""
    x = car.x0 + car.speed * frame
    return (x, car.lane_y - car.height, float(car.length), float(car.height))


def lantern_boxes() -> list[tuple[str, Box]]:
    """The red lanterns along the road (they do not move): (object id, box)."""
    return [
        (
            f"lantern-{i + 1}",
            (x - _LANTERN_W / 2, float(_LANTERN_Y), float(_LANTERN_W), float(_LANTERN_H)),
        )
        for i, x in enumerate(_LANTERN_X)
    ]


def draw_road(frame: int) -> Image:
    """The road scene on a frame (BGR, world size): buildings, lanterns, moving cars."""
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
    for _, (lx, ly, lw, lh) in lantern_boxes():
        x, y, w, h = int(lx), int(ly), int(lw), int(lh)
        cx, cy = x + w // 2, y + h // 2
        cv2.line(img, (cx, 218), (cx, int(y)), (40, 40, 40), 1)
        cv2.ellipse(img, (cx, cy), (int(w / 2), int(h / 2) - 6), 0, 0, 360, (20, 20, 210), -1)
        cv2.ellipse(img, (cx, cy), (int(w / 2) - 8, int(h / 2) - 6), 0, 0, 360, (30, 40, 235), -1)
        cv2.rectangle(img, (cx - 10, int(y)), (cx + 10, int(y) + 6), (20, 170, 220), -1)
        cv2.rectangle(img, (cx - 10, int(y + h) - 6), (cx + 10, int(y + h)), (20, 170, 220), -1)
        cv2.line(img, (cx, int(y + h)), (cx, int(y + h) + 10), (20, 170, 220), 2)
    for car in CARS:
        bx, by, bw, bh = car_box(car, frame)
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


# the production hall ------------------------------------------------------------------------
_BENCHES = ((120, 420, 300, 90), (520, 430, 280, 90), (900, 420, 300, 90))


def draw_hall(frame: int) -> tuple[Image, tuple[tuple[str, str, Box], ...]]:
    """The production hall (BGR, world size) and its objects: (id, label, box)."""
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


# the window with the reflection -----------------------------------------------------------
_REFLECTION: Box = (700.0, 250.0, 260.0, 250.0)


def draw_window(frame: int) -> tuple[Image, tuple[tuple[str, str, Box], ...]]:
    """The window pane (BGR, world size) with the drifting reflection, and its objects."""
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
