"""Pictures of text drawn at run time: chip markings and street signs (nothing downloaded).

The OCR test sets (`bench/ocr.py`, the tests) and the demo's chip photo and street clip are
drawn here with fonts from Debian packages (fonts-dejavu-core for markings, fonts-noto-cjk for
Chinese signs). A chip is a dark, slightly textured package with a pin-1 dot, its marking in
light laser-etched grey; a sign is white on blue or green. `Degradation` adds what real
photos have: rotation, blur, low contrast and sensor noise. Same arguments, same pixels.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

MARKING_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
"""fonts-dejavu-core."""
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
"""fonts-noto-cjk (index 2 of each collection is Simplified Chinese)."""
_SC_INDEX = 2


class FontMissing(RuntimeError):
    """A Debian font package the pictures need is not installed."""


@cache
def font(path: str, size: int, index: int = 0) -> ImageFont.FreeTypeFont:
    """A font from a Debian package.

    Raises:
        FontMissing: the file is not there (install fonts-dejavu-core / fonts-noto-cjk).
    """
    if not os.path.isfile(path):
        raise FontMissing(f"{path}: font not installed (see system-packages.txt)")
    return ImageFont.truetype(path, size, index=index)


@dataclass(frozen=True)
class Degradation:
    """What the camera did to the picture."""

    angle: float = 0.0
    """Degrees, counter-clockwise."""
    blur: float = 0.0
    """Gaussian blur radius in pixels."""
    contrast: float = 1.0
    """1: full contrast between text and background; 0.3: faint."""
    noise: float = 0.0
    """Standard deviation of the sensor noise, in grey levels."""


def _text_block(
    lines: list[str], fnt: ImageFont.FreeTypeFont, spacing: float
) -> tuple[int, int, int]:
    """Width, height and line step of a block of lines."""
    size = int(fnt.size)
    step = round(size * spacing)
    width = max(round(fnt.getlength(line)) for line in lines)
    return width, step * (len(lines) - 1) + size + size // 4, step


def _finish(img: Image.Image, bg: tuple[int, int, int], deg: Degradation, seed: int) -> Image.Image:
    if deg.angle:
        img = img.rotate(deg.angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=bg)
    if deg.blur:
        img = img.filter(ImageFilter.GaussianBlur(deg.blur))
    if deg.noise:
        rng = np.random.default_rng(seed)
        arr = np.asarray(img, dtype=np.float64)
        noisy = arr + rng.normal(0.0, deg.noise, arr.shape[:2])[:, :, None]
        img = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    return img


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def chip(
    lines: list[str],
    *,
    font_path: str = MARKING_FONTS[0],
    size: int = 26,
    deg: Degradation = Degradation(),
    seed: int = 0,
) -> Image.Image:
    """A chip package seen from above with its marking, cropped to the package."""
    fnt = font(font_path, size)
    width, height, step = _text_block(lines, fnt, 1.35)
    pad = max(16, size)
    w, h = width + 2 * pad, height + 2 * pad
    rng = np.random.default_rng(seed + 1)
    base = 28 + int(rng.integers(0, 18))
    texture = rng.normal(base, 3.0, (h, w)).clip(0, 255).astype(np.uint8)
    bg = (base, base, base + 2)
    img = Image.fromarray(np.stack([texture, texture, texture + 1], axis=-1).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    dot = max(4, size // 4)
    draw.ellipse(
        (pad // 3, pad // 3, pad // 3 + dot, pad // 3 + dot), fill=_mix(bg, (0, 0, 0), 0.6)
    )
    ink = _mix(bg, (205, 205, 198), deg.contrast)
    for i, line in enumerate(lines):
        draw.text((pad, pad + i * step), line, font=fnt, fill=ink)
    return _finish(img, bg, deg, seed)


SIGN_COLOURS = ((22, 70, 160), (20, 110, 60))
"""Blue (city streets) and green (roads)."""


def sign(
    lines: list[str],
    *,
    colour: int = 0,
    bold: bool = True,
    size: int = 44,
    deg: Degradation = Degradation(),
    seed: int = 0,
) -> Image.Image:
    """A street or road sign: white Chinese (and any Latin) text on blue or green."""
    fnt = font(CJK_FONTS[0 if bold else 1], size, _SC_INDEX)
    width, height, step = _text_block(lines, fnt, 1.4)
    pad = size // 2
    bg = SIGN_COLOURS[colour % len(SIGN_COLOURS)]
    img = Image.new("RGB", (width + 2 * pad, height + 2 * pad), bg)
    draw = ImageDraw.Draw(img)
    draw.rectangle((3, 3, img.width - 4, img.height - 4), outline=(240, 240, 240), width=2)
    ink = _mix(bg, (250, 250, 250), deg.contrast)
    for i, line in enumerate(lines):
        x = pad + (width - round(fnt.getlength(line))) // 2
        draw.text((x, pad + i * step), line, font=fnt, fill=ink)
    return _finish(img, bg, deg, seed)


def place_on(
    background: Image.Image, picture: Image.Image, x: int, y: int
) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """Paste a picture into a scene; returns the scene and the picture's box (x, y, w, h)."""
    scene = background.copy()
    scene.paste(picture, (x, y))
    return scene, (x, y, picture.width, picture.height)


def circuit_board(width: int, height: int, seed: int = 0) -> Image.Image:
    """A green circuit board with a few traces, to put a chip on."""
    rng = np.random.default_rng(seed)
    arr = np.zeros((height, width, 3), np.uint8)
    arr[:, :] = (18, 84, 40)
    arr = (arr.astype(np.int16) + rng.integers(-6, 7, (height, width, 1))).clip(0, 255)
    img = Image.fromarray(arr.astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(24):
        y = int(rng.integers(0, height))
        draw.line((0, y, width, y), fill=(150, 130, 60), width=2)
    return img


def street(width: int, height: int, seed: int = 0) -> Image.Image:
    """A plain street background: sky, buildings, road."""
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (width, height), (170, 190, 210))
    draw = ImageDraw.Draw(img)
    x = 0
    while x < width:
        w = int(rng.integers(60, 140))
        top = int(rng.integers(height // 8, height // 2))
        grey = int(rng.integers(90, 160))
        draw.rectangle((x, top, x + w, height), fill=(grey, grey - 5, grey - 10))
        x += w
    draw.rectangle((0, height * 3 // 4, width, height), fill=(60, 60, 64))
    return img
