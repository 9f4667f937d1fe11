"""Pixel integrity, bombs, thumbnails and perceptual hashes on real and malformed files."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from forensics.media.image_integrity import ImageProblem, check_image
from forensics.media.thumbnails import (
    JPEG_QUALITY,
    THUMB_SIZE,
    hamming,
    make_thumbnail,
    perceptual_hash,
)


def test_truncated_jpeg_is_damaged_though_open_and_verify_pass(bad_files: Path) -> None:
    data = (bad_files / "truncated_30pct.jpg").read_bytes()
    with Image.open(io.BytesIO(data)) as plain:
        plain.verify()  # the trap: Pillow's own check passes
    result = check_image(data, "image/jpeg")
    assert result.status == "damaged"
    assert result.kinds == (ImageProblem.TRUNCATED,)
    assert (result.width, result.height) == (640, 480)


def test_png_bad_crcs_are_damaged(bad_files: Path) -> None:
    idat = check_image((bad_files / "png_bad_idat_crc.png").read_bytes(), "image/png")
    assert idat.status == "damaged"
    assert idat.kinds == (ImageProblem.CORRUPT,), "the pixels load; only the CRC check fails"
    ihdr = check_image((bad_files / "png_bad_ihdr_crc.png").read_bytes(), "image/png")
    assert ihdr.status == "damaged"
    assert ihdr.kinds == (ImageProblem.BAD_HEADER,)


def test_decompression_bomb_is_refused(bad_files: Path) -> None:
    result = check_image((bad_files / "sof_claims_60000x60000.jpg").read_bytes(), "image/jpeg")
    assert result.status == "refused"
    assert result.kinds == (ImageProblem.DECOMPRESSION_BOMB,)
    assert result.width is None, "refused before any pixel buffer was allocated"


def test_good_image_and_heic_through_its_plugin(corpus: Path) -> None:
    good = check_image((corpus / "exif-samples/jpg/gps/DSCN0010.jpg").read_bytes(), "image/jpeg")
    assert (good.status, good.width, good.height) == ("ok", 640, 480)
    assert good.decoder is None, "Pillow itself decoded it"
    heic = check_image((corpus / "exif-samples/heic/IMG_5195.HEIC").read_bytes(), "image/heic")
    assert heic.status == "ok"  # pillow-heif (test_image_formats.py has the details)


def test_thumbnail_draft_size_and_phash(corpus: Path) -> None:
    data = (corpus / "exif-samples/jpg/gps/DSCN0010.jpg").read_bytes()
    thumb = make_thumbnail(data)
    assert max(thumb.width, thumb.height) == THUMB_SIZE
    assert (thumb.suffix, thumb.mime) == (".jpg", "image/jpeg")
    with Image.open(io.BytesIO(thumb.data)) as stored:
        assert (stored.format, stored.mode) == ("JPEG", "RGB")
        assert stored.size == (thumb.width, thumb.height)
    full = make_thumbnail(data, draft=False)
    assert hamming(thumb.phash, full.phash) <= 6, "draft and full decode look the same"
    other = make_thumbnail((corpus / "exif-samples/jpg/Canon_40D.jpg").read_bytes())
    assert hamming(thumb.phash, other.phash) > 12, "different pictures hash apart"
    assert make_thumbnail(data).data == thumb.data, "thumbnails are deterministic"


def test_a_transparent_picture_keeps_its_alpha_in_a_png_thumbnail() -> None:
    picture = Image.new("RGBA", (400, 300), (200, 30, 30, 255))
    picture.paste((0, 0, 0, 0), (0, 0, 200, 300))  # its left half transparent
    out = io.BytesIO()
    picture.save(out, format="PNG")
    thumb = make_thumbnail(out.getvalue())
    assert (thumb.suffix, thumb.mime, thumb.width, thumb.height) == (".png", "image/png", 256, 192)
    with Image.open(io.BytesIO(thumb.data)) as stored:
        assert (stored.format, stored.mode) == ("PNG", "RGBA")
        assert stored.getpixel((10, 96))[3] == 0
        assert stored.getpixel((246, 96)) == (200, 30, 30, 255)


def test_a_photo_twice_the_thumbnail_size_is_reduced_before_lanczos(corpus: Path) -> None:
    """Version 5: a 640x480 photo is averaged 2x2 (`Image.reduce`) before the LANCZOS
    resample, as Pillow's own `reducing_gap=1.0` does; the picture still hashes as itself."""
    data = (corpus / "exif-samples/jpg/gps/DSCN0010.jpg").read_bytes()
    thumb = make_thumbnail(data)
    with Image.open(io.BytesIO(data)) as full:
        full.load()
        reduced = full.reduce(2).resize((256, 192), Image.Resampling.LANCZOS)
        fair = full.resize((256, 192), Image.Resampling.LANCZOS)
    assert (thumb.width, thumb.height) == (256, 192)
    assert thumb.phash == perceptual_hash(reduced)
    assert reduced.tobytes() != fair.tobytes(), "not the resample from all the pixels"
    assert hamming(thumb.phash, perceptual_hash(fair)) <= 2
    encoded = io.BytesIO()
    reduced.save(encoded, format="JPEG", quality=JPEG_QUALITY)
    assert thumb.data == encoded.getvalue(), "the stored JPEG is the reduced picture's"
