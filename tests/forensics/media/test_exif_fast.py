"""exifread with our in-memory number reader (`exif_fast`) gives exactly what exifread alone
gives: every tag's printable text, values, type, offset and length, the thumbnails, and the
warnings it logs, on every file of the corpus and on make_bad.py's malformed ones."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import exifread
import pytest

from forensics.media import exif_fast
from forensics.media.exif_reader import read_exif


class _Logged(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname} {record.getMessage()}")


def _dump(data: bytes) -> Any:
    """Everything exifread says of a file: its tags in full and what it logged."""
    handler = _Logged()
    log = logging.getLogger("exifread")
    log.addHandler(handler)
    try:
        tags = exifread.process_file(
            io.BytesIO(data), details=True, strict=False, extract_thumbnail=True
        )
        found: Any = {
            key: value
            if isinstance(value, bytes)
            else (
                str(value.printable),
                repr(value.values),
                value.field_type,
                value.field_offset,
                value.field_length,
            )
            for key, value in tags.items()
        }
    except Exception as exc:  # the same failure both ways is the same result
        found = ("raised", type(exc).__name__, str(exc))
    finally:
        log.removeHandler(handler)
    return found, [m for m in handler.messages if not m.startswith("DEBUG")]


def _files(*folders: Path) -> Iterator[Path]:
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink() and path.stat().st_size < 30_000_000:
                yield path


@pytest.fixture
def original_reader() -> Iterator[None]:
    exif_fast.uninstall()
    yield
    exif_fast.uninstall()


def test_same_tags_values_and_warnings_as_exifread_alone(
    corpus: Path, bad_files: Path, original_reader: None
) -> None:
    files = list(_files(corpus, bad_files))
    datas = [p.read_bytes() for p in files]
    level = logging.getLogger("exifread").level
    logging.getLogger("exifread").setLevel(logging.DEBUG)
    try:
        alone = [_dump(d) for d in datas]
        assert exif_fast.install(), f"exifread {exifread.__version__} was not checked"
        fast = [_dump(d) for d in datas]
    finally:
        logging.getLogger("exifread").setLevel(level)
    differ = [str(p) for p, a, b in zip(files, alone, fast, strict=True) if a != b]
    assert differ == []
    with_tags = sum(1 for tags, _log in alone if isinstance(tags, dict) and tags)
    assert with_tags >= 80, "the corpus's photos were read (maker notes among them)"
    assert any(
        k.startswith("MakerNote ") for tags, _ in alone if isinstance(tags, dict) for k in tags
    )


def test_the_reader_uses_it(corpus: Path, original_reader: None) -> None:
    data = next(p for p in _files(corpus / "exif-samples") if p.suffix.lower() == ".jpg")
    before = read_exif(data.read_bytes())
    assert exif_fast._original is not None, "read_exif installs the fast reader"
    exif_fast.uninstall()
    assert exif_fast._original is None
    assert read_exif(data.read_bytes()) == before
