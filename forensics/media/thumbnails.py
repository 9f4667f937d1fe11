"""Thumbnails through Pillow's draft mode, and a perceptual hash.

Draft mode asks the JPEG decoder to scale by 1/2, 1/4 or 1/8 while decoding, so a 12-megapixel
photo becomes a 256 px thumbnail without ever holding all its pixels (about three times faster
than a full decode; see `bench/thumbnails.py`). What is still at least twice the thumbnail's
size is reduced by a whole factor before the LANCZOS resample (`REDUCING_GAP`). The
perceptual hash (DCT pHash, 64 bits) lets the analyst find the same picture again after
re-encoding or resizing; it is computed from the thumbnail's pixels before they are encoded.

A thumbnail is a preview, not evidence: it is stored as a JPEG (quality 90), which takes a
tenth of the time of a PNG (0.3 ms where a Huffman-only PNG took 2.7 ms on a card's 640x480
photos) and a fifth of the space; a picture with transparency keeps a PNG, which has alpha.

HEIC/HEIF and JPEG XL go through their plug-ins (`image_decoders.prepare`); a camera raw's
thumbnail is made from its largest embedded JPEG preview when it has one (its sensor data is
not decoded), else from what Pillow opens of it (a DNG's reduced-resolution IFD0).
"""

from __future__ import annotations

import functools
import io
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import ExifTags, Image, ImageOps, JpegImagePlugin

from forensics.media.image_decoders import prepare, to_eight_bit, to_rgb
from forensics.media.raw_tiff import read_raw_layout

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

THUMB_SIZE = 256
REDUCING_GAP = 1.0
"""Pillow's `reducing_gap`: a picture at least twice the thumbnail's size is first reduced
by the largest whole factor that keeps it at least that size (the mean of each k x k block,
as draft mode's DCT scaling does in the decoder), then resampled with LANCZOS by less than 2.
Pillow's default (2.0) reduces only from four times the size: a card's 640x480 photos were
resampled from all their pixels, 2.4 ms of the worker's 5.2 ms a photo; now 1.1 ms. It
changes those thumbnails' pixels (57 of the corpus's 107 pictures) and so their pHash, by
2 bits on 4 of the 107 and not at all on the rest: the same picture still hashes as the same
(draft mode, used since the first version for larger JPEGs, moves it by up to 6). Thumbnail
extractor version 5."""
JPEG_QUALITY = 90
_Z_HUFFMAN_ONLY = 2
_HASH_SIZE = 8
_DCT_SIZE = 32


@dataclass(frozen=True)
class Thumbnail:
    """A thumbnail's file (JPEG, or PNG with transparency) with its size and the source's
    perceptual hash."""

    data: bytes
    suffix: str
    """".jpg" or ".png"."""
    width: int
    height: int
    phash: str
    """16 hex digits (64 bits)."""
    format: str | None = None
    """The Pillow format that was decoded ("JPEG", "HEIF"...: a raw's preview is "JPEG")."""

    @property
    def mime(self) -> str:
        """The thumbnail file's media type."""
        return "image/png" if self.suffix == ".png" else "image/jpeg"


@functools.cache
def _dct_matrix(n: int) -> npt.NDArray[np.float64]:
    import numpy as np

    k = np.arange(n)
    matrix = np.cos(np.pi * (2 * k[None, :] + 1) * k[:, None] / (2 * n))
    matrix[0] *= 1 / np.sqrt(2)
    scaled: npt.NDArray[np.float64] = matrix * np.sqrt(2 / n)
    return scaled


def perceptual_hash(image: Image.Image) -> str:
    """The DCT perceptual hash of an image, as 16 hex digits.

    Same construction as the common pHash: greyscale 32x32, 2-D DCT, the 8x8 lowest
    frequencies compared with their median.
    """
    import numpy as np  # here: the ingesting process chooses extractors without numpy

    grey = to_eight_bit(image).convert("L").resize((_DCT_SIZE, _DCT_SIZE), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.float64)
    matrix = _dct_matrix(_DCT_SIZE)
    dct = matrix @ pixels @ matrix.T
    low = dct[:_HASH_SIZE, :_HASH_SIZE]
    middle = sorted(low.ravel().tolist())[_HASH_SIZE * _HASH_SIZE // 2 - 1 :][:2]
    median = (middle[0] + middle[1]) / 2  # np.median's value (the mean of the middle two)
    bits = np.packbits(low > median)  # row by row, the first bit the highest
    return bits.tobytes().hex()


def hamming(a: str, b: str) -> int:
    """Bits that differ between two perceptual hashes (0 for the same picture)."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def make_thumbnail(
    data: bytes,
    size: int = THUMB_SIZE,
    *,
    draft: bool = True,
    decoded: Image.Image | None = None,
) -> Thumbnail:
    """A thumbnail no larger than `size` px on its longer side, upright per EXIF orientation.

    Args:
        data: the image file's bytes.
        size: the bounding box.
        draft: let the JPEG decoder scale down while decoding (False decodes every pixel;
            kept for the benchmark).
        decoded: the same file already decoded completely (by the integrity check). Its
            pixels are used when they are exactly what this decode would give: any format
            but a JPEG that draft mode would scale down (then the small decode is cheaper).

    Raises:
        OSError, ValueError, Image.DecompressionBombError: the image cannot be decoded.
    """
    with warnings.catch_warnings():
        # Odd EXIF (read for the orientation) is reported by the EXIF reader, not here.
        warnings.simplefilter("ignore", UserWarning)
        rgb, fmt = _thumbnail(data, size, draft, decoded)
    out = io.BytesIO()
    if rgb.mode == "RGB":
        rgb.save(out, format="JPEG", quality=JPEG_QUALITY)
        suffix = ".jpg"
    else:  # transparency: Huffman-only deflate, 2.3 ms where zlib's default took 6.9 ms
        rgb.save(out, format="PNG", compress_level=1, compress_type=_Z_HUFFMAN_ONLY)
        suffix = ".png"
    return Thumbnail(out.getvalue(), suffix, rgb.width, rgb.height, perceptual_hash(rgb), fmt)


def _thumbnail(
    data: bytes, size: int, draft: bool, decoded: Image.Image | None
) -> tuple[Image.Image, str | None]:
    if draft and _undrafted_jpeg(decoded, size):
        assert decoded is not None
        return _shrink(decoded, size), decoded.format
    preview = _raw_preview(data)
    prepare(preview[:64])
    with Image.open(io.BytesIO(preview)) as image:
        if draft and image.format == "JPEG":
            image.draft("RGB", (size, size))
        if preview is data and _same_pixels(image, decoded):
            assert decoded is not None
            return _shrink(decoded, size), image.format
        image.load()
        return _shrink(image, size), image.format


def _undrafted_jpeg(decoded: Image.Image | None, size: int) -> bool:
    """True for a completely decoded JPEG that draft mode would not scale: opening it again
    to ask (0.05 ms) would give these very pixels. `JpegImageFile.draft` scales by the
    largest of 8, 4, 2 that fits `min(width // size, height // size)`, so not below twice
    the thumbnail's size on either side (a card's 640x480 photos)."""
    return (
        type(decoded) is JpegImagePlugin.JpegImageFile  # not an MPO, nor a raw's preview
        and min(decoded.width // size, decoded.height // size) < 2
    )


def _same_pixels(opened: Image.Image, decoded: Image.Image | None) -> bool:
    """True when loading `opened` (after any draft request) gives `decoded`'s very pixels:
    same format, size and mode, and no scaling asked of the decoder."""
    return (
        decoded is not None
        and decoded.format == opened.format
        and decoded.size == opened.size
        and decoded.mode == opened.mode
        and getattr(opened, "decoderconfig", ()) in ((), (1, 0))
    )


_TURNED = frozenset(range(2, 9))
"""EXIF orientations that `ImageOps.exif_transpose` turns or mirrors the pixels for."""


def _shrink(image: Image.Image, size: int) -> Image.Image:
    image.load()
    if image.getexif().get(ExifTags.Base.Orientation, 1) in _TURNED:
        upright = ImageOps.exif_transpose(image)  # a new image, turned
    else:
        # exif_transpose would copy the pixels (0.5 ms of a 640x480 photo) for thumbnail()
        # to replace them: a second image on the same pixels gives the same result, as
        # thumbnail() replaces its pixels with the resized ones and never writes to them.
        upright = image._new(image.im)
    upright = to_eight_bit(upright)
    upright.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
    return to_rgb(upright, keep_alpha=True)


def _raw_preview(data: bytes) -> bytes:
    """A camera raw's largest embedded JPEG preview, or the data unchanged.

    Raises:
        ValueError: a camera raw with no preview inside the file (its sensor data is not
            decoded here).
    """
    layout = read_raw_layout(data)
    if layout is None or (layout.ifd0_is_preview and not layout.previews):
        return data
    if not layout.previews:
        raise ValueError(
            f"pixels not decoded: {layout.kind} sensor data needs a raw developer, and no "
            "embedded preview lies within the file"
        )
    best = max(layout.previews, key=lambda p: p.length)
    return data[best.offset : best.offset + best.length]
