"""Images with files only a carver can find; a stand-in PhotoRec for failure and cancel tests."""

from __future__ import annotations

import os
import struct
from pathlib import Path

from tests.forensics.imaging import make_fat_image, need

HIDDEN = (
    "exif-samples/jpg/Canon_40D.jpg",
    "exif-samples/jpg/Nikon_D70.jpg",
    "video/pyscenedetect/counter.mp4",
)
"""Corpus files written into free clusters (two JPEGs with EXIF thumbnails, an MP4)."""


def _cluster_offsets(image: Path, count: int) -> list[int]:
    """Offsets of free clusters from the middle of a FAT12/16 image on (from its boot sector)."""
    boot = image.read_bytes()[:512]
    sector, per_cluster, reserved, fats, root_entries = struct.unpack_from("<HBHBH", boot, 11)
    fat_sectors = struct.unpack_from("<H", boot, 22)[0]
    data_start = (reserved + fats * fat_sectors) * sector + root_entries * 32
    cluster = sector * per_cluster
    first = data_start + ((image.stat().st_size // 2 - data_start) // cluster) * cluster
    return [first + i * 64 * cluster for i in range(count)]


def card_with_hidden_files(
    tmp_path: Path, corpus: Path, deleted: dict[str, bytes] | None = None
) -> tuple[Path, dict[int, bytes]]:
    """A FAT image with one live file (`/DCIM/live.txt`), `deleted` files copied in and then
    deleted, and the HIDDEN files in free clusters; returns it and what was hidden, by offset."""
    need("photorec")
    image = make_fat_image(tmp_path / "card.img", {"/DCIM/live.txt": b"live file\n"}, deleted or {})
    written: dict[int, bytes] = {}
    with image.open("r+b") as f:
        for offset, name in zip(_cluster_offsets(image, len(HIDDEN)), HIDDEN, strict=True):
            data = (corpus / name).read_bytes()
            f.seek(offset)
            f.write(data)
            written[offset] = data
    return image, written


def fake_photorec(folder: Path, body: str) -> dict[str, str]:
    """A `photorec` earlier on PATH than the real one, running `body` for a carving run."""
    folder.mkdir()
    script = folder / "photorec"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = /version ]; then echo "Version: 0.0-test"; exit 0; fi\n' + body + "\n"
    )
    script.chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}
