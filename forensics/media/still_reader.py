"""Decoding a still image to RGB pixels for display, with the digest that anchors annotations.

The pixels are the stored file's own grid (no EXIF rotation applied), so a mark made in image
coordinates means the same pixels on any machine; the digest is the one video frames use.
HEIC/HEIF and JPEG XL decode through their plug-ins, registered when such a file comes; HEIF's
rotation and mirror properties are part of the image's definition and are applied by libheif.
16-bit greyscale is scaled to 8 bits (see `image_decoders.to_eight_bit`).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from forensics.errors import UnsupportedMediaError
from forensics.media.image_decoders import prepare_path, to_rgb
from forensics.media.raw_tiff import read_raw_layout
from forensics.media.video_reader import RGBArray, pixel_digest

MAX_PIXELS = 200_000_000
"""Larger images are refused rather than decoded (a decompression bomb would exhaust memory)."""
_RAW_HEAD = 1 << 20
"""Raw files keep their directories near the start; a megabyte holds them."""


@dataclass(frozen=True)
class StillImage:
    """A decoded still."""

    rgb: RGBArray
    pixel_sha256: str

    @property
    def width(self) -> int:
        """Pixels across."""
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        """Pixels down."""
        return int(self.rgb.shape[0])


def read_still(path: Path | bytes | str) -> StillImage:
    """Decode an image file fully to 8-bit RGB.

    Raises:
        UnsupportedMediaError: not an image Pillow decodes, truncated, or too large.
    """
    name = os.fsdecode(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            prepare_path(path)
            with Image.open(os.fsdecode(path)) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise UnsupportedMediaError(
                        f"{name}: {img.width}x{img.height} pixels is too large to show"
                    )
                img.load()
                rgb = np.ascontiguousarray(np.asarray(to_rgb(img), dtype=np.uint8))
    except UnsupportedMediaError:
        raise
    except (
        OSError,
        ValueError,
        SyntaxError,
        RuntimeError,  # pillow-jxl-plugin on a damaged JPEG XL
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise UnsupportedMediaError(f"{name}: {_why_not(path, exc)}") from exc
    return StillImage(rgb, pixel_digest(rgb))


def _why_not(path: Path | bytes | str, exc: BaseException) -> str:
    """Why a file does not decode: a camera raw is named as such, not called damaged."""
    try:
        with open(os.fsdecode(path), "rb") as fh:
            layout = read_raw_layout(fh.read(_RAW_HEAD))
    except OSError:
        layout = None
    if layout is not None:
        return f"pixels not decoded: {layout.kind} sensor data needs a raw developer"
    return f"cannot be decoded as an image ({exc})"
