"""HEIC/HEIF, AVIF and JPEG XL pixels, and camera raws said to be undecoded, on the corpus.

Sizes are checked against exifread's dump (`expected/exif-py_tests_resources_dump.txt`)
wherever it records them.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from forensics.errors import UnsupportedMediaError
from forensics.media.image_decoders import HEIF, JXL, plugin_for, prepare, to_eight_bit
from forensics.media.image_integrity import ImageProblem, check_image
from forensics.media.still_reader import read_still
from forensics.media.thumbnails import THUMB_SIZE, make_thumbnail

REPO = Path(__file__).resolve().parents[3]
HEIF_FILES = (
    "heic/IMG_5195.HEIC",
    "heic/heic_hdlr_box.jpg",  # a HEIC named .jpg: the content decides
    "heic/samplefilehub.heif",
    "heic/spring_1440x960.heic",
    "heic/mobile/HMD_Nokia_8.3_5G.heif",
    "heic/mobile/HMD_Nokia_8.3_5G_hdr.heif",
    "heic/mobile/iphone_13_pro_max.HEIC",
)
PLUGIN_FILES = (*HEIF_FILES, "avif/mountains.avif", "jxl/test_0001.jxl")
ROTATED = {"Rotated 90 CW", "Rotated 90 CCW", "Mirrored horizontal and rotated 90 CW"}
DNG = "raw/nikon_z_9_high_efficiency_compressed_dx_cropped_max_overexposed.dng"
ARW = "raw/sony_alpha_a7iii_raw_image.ARW"


def _mime(rel: str) -> str:
    return {"avif": "image/avif", "jxl": "image/jxl"}.get(rel.split("/")[0], "image/heic")


def test_plugin_is_chosen_from_the_first_bytes(corpus: Path) -> None:
    samples = corpus / "exif-samples"
    for rel in HEIF_FILES:
        assert plugin_for((samples / rel).read_bytes()[:64]) == HEIF, rel
    assert plugin_for((samples / "avif/mountains.avif").read_bytes()[:64]) is None
    assert plugin_for((samples / "jxl/test_0001.jxl").read_bytes()[:64]) == JXL
    assert plugin_for((samples / "jpg/gps/DSCN0010.jpg").read_bytes()[:64]) is None


@pytest.mark.parametrize("rel", PLUGIN_FILES)
def test_plugin_formats_decode_completely_at_the_size_exif_states(
    corpus: Path, exif_dump: dict[str, dict[str, str]], rel: str
) -> None:
    result = check_image((corpus / "exif-samples" / rel).read_bytes(), _mime(rel))
    assert result.status == "ok", result.problems
    assert result.kinds == ()
    assert result.facts()["integrity"]["pixels"] == "decoded completely, verify() passed"
    assert result.decoder, "the plug-in that made the pixels is named"
    tags = exif_dump.get(rel, {})
    if "EXIF ExifImageWidth" in tags:
        stated = (int(tags["EXIF ExifImageWidth"]), int(tags["EXIF ExifImageLength"]))
        if tags.get("Image Orientation") in ROTATED:
            # libheif applies the HEIF rotation: the decoded grid is the upright picture.
            stated = (stated[1], stated[0])
        assert (result.width, result.height) == stated


def test_iphone_heic_says_the_rotation_was_applied(corpus: Path) -> None:
    rel = "heic/mobile/iphone_13_pro_max.HEIC"
    result = check_image((corpus / "exif-samples" / rel).read_bytes(), "image/heic")
    assert (result.width, result.height) == (3024, 4032)
    assert result.orientation is not None
    assert "EXIF orientation 6" in result.orientation
    assert result.facts()["image"]["orientation"] == result.orientation


def test_cut_heic_avif_and_jxl_are_damaged_not_a_crash(corpus: Path) -> None:
    for rel in ("heic/spring_1440x960.heic", "avif/mountains.avif", "jxl/test_0001.jxl"):
        data = (corpus / "exif-samples" / rel).read_bytes()
        result = check_image(data[: len(data) // 2], _mime(rel))
        # Our outcome, not the decoder's wording: which stage fails (open or load) and how the
        # plugin words it changes between pillow-heif releases; the kind is ours.
        assert result.status == "damaged", (rel, result)
        assert result.kinds == (ImageProblem.TRUNCATED,), (rel, result)
        assert result.facts()["integrity"]["kinds"] == ["truncated"]
        assert len(result.problems) == 1, "each kind comes with its sentence for the examiner"


@pytest.mark.parametrize("rel", ["heic/spring_1440x960.heic", "avif/mountains.avif"])
def test_thumbnail_and_phash_of_plugin_formats(corpus: Path, rel: str) -> None:
    data = (corpus / "exif-samples" / rel).read_bytes()
    thumb = make_thumbnail(data)
    full = check_image(data, _mime(rel))
    assert _same_ratio(thumb.width, thumb.height, full.width, full.height)
    assert max(thumb.width, thumb.height) == THUMB_SIZE
    assert thumb.phash != "0" * 16
    assert make_thumbnail(data).phash == thumb.phash


def _same_ratio(tw: int, th: int, w: int | None, h: int | None) -> bool:
    assert w
    assert h
    return abs(tw / th - w / h) < 0.02


def test_sixteen_bit_jxl_is_scaled_not_clipped(corpus: Path) -> None:
    path = corpus / "exif-samples/jxl/test_0001.jxl"
    prepare(path.read_bytes()[:64])
    with Image.open(path) as image:
        image.load()
        assert image.mode == "I;16"
        raw = np.asarray(image, dtype=np.float64)
        eight = np.asarray(to_eight_bit(image), dtype=np.float64)
    assert eight.shape == raw.shape
    assert eight.mean() == pytest.approx(raw.mean() / 257, abs=1.0)
    still = read_still(path)
    assert (still.width, still.height) == (1280, 1024)
    assert still.rgb.mean() == pytest.approx(raw.mean() / 257, abs=1.0)
    thumb = make_thumbnail(path.read_bytes())
    with Image.open(io.BytesIO(thumb.data)) as stored:
        grey = np.asarray(stored.convert("L"), dtype=np.float64)
    assert grey.mean() == pytest.approx(raw.mean() / 257, abs=3.0)


def test_still_viewer_decodes_heic_to_the_checked_size(corpus: Path) -> None:
    path = corpus / "exif-samples/heic/mobile/iphone_13_pro_max.HEIC"
    still = read_still(path)
    assert (still.width, still.height) == (3024, 4032)
    assert read_still(path).pixel_sha256 == still.pixel_sha256


def _sub_ifd_tags(corpus: Path, rel: str) -> dict[str, str]:
    """The dump's tags of one file, three-word names ("EXIF SubIFD0 ImageWidth") included."""
    text = (corpus / "expected/exif-py_tests_resources_dump.txt").read_text(errors="replace")
    section = text.split(f"Opening: tests/resources/{rel}\n", 1)[1].split("\nOpening: ", 1)[0]
    return {
        m.group(1): m.group(2)
        for m in re.finditer(r"^(.+?) \([^)]*\): (.*)$", section, re.MULTILINE)
    }


def test_dng_says_its_pixels_are_not_decoded_and_checks_the_preview(corpus: Path) -> None:
    tags = _sub_ifd_tags(corpus, DNG)
    result = check_image((corpus / "exif-samples" / DNG).read_bytes(), "image/tiff")
    assert result.status == "unsupported"
    assert result.kinds == (ImageProblem.RAW_NOT_DEVELOPED,)
    assert result.problems[0].startswith("pixels not decoded: DNG 1.7")
    assert "JPEG XL" in result.problems[0]  # compression 52546 in SubIFD0
    size = (int(tags["EXIF SubIFD0 ImageWidth"]), int(tags["EXIF SubIFD0 ImageLength"]))
    assert (result.width, result.height) == size
    preview = f"{tags['Image ImageWidth']}x{tags['Image ImageLength']}"
    assert result.preview is not None
    assert result.preview.startswith(preview)
    assert "decoded completely" in result.preview
    thumb = make_thumbnail((corpus / "exif-samples" / DNG).read_bytes())
    assert (thumb.width, thumb.height) == (256, 171)


def test_cut_arw_is_named_raw_with_the_missing_preview(
    corpus: Path, exif_dump: dict[str, dict[str, str]]
) -> None:
    tags = exif_dump[ARW]
    path = corpus / "exif-samples" / ARW
    result = check_image(path.read_bytes(), "image/tiff")
    assert result.problems[0].startswith("pixels not decoded: camera raw (SONY ILCE-7M3)")
    assert (result.width, result.height) == (
        int(tags["EXIF ExifImageWidth"]),
        int(tags["EXIF ExifImageLength"]),
    )
    assert result.kinds == (ImageProblem.RAW_NOT_DEVELOPED, ImageProblem.TRUNCATED)
    cut = result.problems[1]
    assert cut.startswith("the file looks cut short")
    assert f"offset {tags['Image JPEGInterchangeFormat']}" in cut
    assert result.status == "damaged", "its own directories point past its end"
    with pytest.raises(UnsupportedMediaError, match="pixels not decoded: camera raw"):
        read_still(path)
    with pytest.raises(ValueError, match="no embedded preview lies within the file"):
        make_thumbnail(path.read_bytes())


def test_plain_tiff_is_not_taken_for_a_raw(corpus: Path) -> None:
    result = check_image((corpus / "exif-samples/tiff/Arbitro.tiff").read_bytes(), "image/tiff")
    assert result.status == "ok"
    assert result.raw is None


def test_plugins_load_only_when_such_a_file_is_opened(corpus: Path) -> None:
    script = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        from forensics.media.image_integrity import ImageProblem, check_image
        from forensics.media.still_reader import read_still
        from forensics.media.thumbnails import make_thumbnail
        loaded = lambda: sorted(m for m in ("pillow_heif", "pillow_jxl") if m in sys.modules)
        steps = {{"import": loaded()}}
        jpg = Path({str(corpus / "exif-samples/jpg/gps/DSCN0010.jpg")!r})
        check_image(jpg.read_bytes(), "image/jpeg"); make_thumbnail(jpg.read_bytes())
        read_still(jpg); steps["jpeg"] = loaded()
        read_still(Path({str(corpus / "exif-samples/heic/samplefilehub.heif")!r}))
        steps["heif"] = loaded()
        print(json.dumps(steps))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    steps = json.loads(out.stdout.strip().splitlines()[-1])
    assert steps == {"import": [], "jpeg": [], "heif": ["pillow_heif"]}
