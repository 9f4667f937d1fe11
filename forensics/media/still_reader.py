"""Decoding a still image to RGB pixels for display, with the digest that anchors annotations.

The pixels are the stored file's own grid (no EXIF rotation applied), so a mark made in image
coordinates means the same pixels on any machine; the digest is the one video frames use.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from forensics.errors import UnsupportedMediaError
from forensics.media.video_reader import RGBArray, pixel_digest

MAX_PIXELS = 200_000_000
"""Larger images are refused rather than decoded (a decompression bomb would exhaust memory)."""


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
            with Image.open(os.fsdecode(path)) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise UnsupportedMediaError(
                        f"{name}: {img.width}x{img.height} pixels is too large to show"
                    )
                img.load()
                rgb = np.ascontiguousarray(np.asarray(img.convert("RGB"), dtype=np.uint8))
    except UnsupportedMediaError:
        raise
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise UnsupportedMediaError(f"{name}: cannot be decoded as an image ({exc})") from exc
    return StillImage(rgb, pixel_digest(rgb))
