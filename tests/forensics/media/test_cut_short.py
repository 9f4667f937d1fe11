"""Truncation told from the file's structure, not from what the decoder says."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from forensics.media.cut_short import is_cut_short
from forensics.media.image_integrity import ImageProblem, check_image

WHOLE = (
    "jpg/Canon_40D.jpg",  # EXIF with an embedded thumbnail: an EOI before the real one
    "jpg/gps/DSCN0010.jpg",
    "heic/spring_1440x960.heic",
    "avif/mountains.avif",
    "jxl/test_0001.jxl",
)


@pytest.mark.parametrize("rel", WHOLE)
def test_whole_files_are_not_cut_and_every_cut_is_seen(corpus: Path, rel: str) -> None:
    data = (corpus / "exif-samples" / rel).read_bytes()
    assert not is_cut_short(data)
    for fraction in (0.1, 0.5, 0.9, 0.999):
        assert is_cut_short(data[: int(len(data) * fraction)]), fraction


def test_png_cut_anywhere(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    Image.new("RGB", (64, 64), "red").save(path)
    data = path.read_bytes()
    assert not is_cut_short(data)
    assert all(is_cut_short(data[:n]) for n in range(9, len(data)))


def test_formats_it_does_not_walk_are_not_called_cut(corpus: Path) -> None:
    tiff = (corpus / "exif-samples/tiff/Arbitro.tiff").read_bytes()
    assert not is_cut_short(tiff[: len(tiff) // 2])
    assert not is_cut_short(b"")


def test_the_kind_does_not_depend_on_the_decoders_words(
    bad_files: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pillow rewording its errors (it has) changes the sentence, never the kind."""

    def reworded(self: Image.Image) -> None:
        raise OSError("something else entirely")

    monkeypatch.setattr(Image.Image, "load", reworded)
    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", reworded)
    cut = check_image((bad_files / "truncated_30pct.jpg").read_bytes(), "image/jpeg")
    assert cut.kinds == (ImageProblem.TRUNCATED,)
    whole = check_image((corpus / "exif-samples/jpg/Canon_40D.jpg").read_bytes(), "image/jpeg")
    assert whole.kinds == (ImageProblem.UNDECODABLE,)
    assert whole.problems == ("the pixels do not decode: something else entirely",)
