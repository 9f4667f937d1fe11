"""Cases holding generated pictures of text (a chip label, a street clip), for the OCR tests."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from app.demo.text_images import chip, circuit_board, place_on
from app.demo.text_step import street_clip
from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from forensics.models import Item

CHIP_LINES = ["STM32F405RGT6", "GH22V 93"]


def ingest_bytes(case: Case, tmp_path: Path, name: str, data: bytes) -> Item:
    """Write `data` to a file and ingest it."""
    path = tmp_path / name
    path.write_bytes(data)
    report = ingest_paths(case, [path])
    assert report.items, report.to_json()
    return report.items[0]


@pytest.fixture
def chip_photo(case: Case, tmp_path: Path) -> tuple[Item, tuple[int, int, int, int]]:
    """A photo of a board with an STM32 on it, ingested; and the chip's box."""
    scene, box = place_on(circuit_board(480, 300, seed=3), chip(CHIP_LINES, seed=3), 90, 80)
    buf = io.BytesIO()
    scene.save(buf, format="PNG")
    return ingest_bytes(case, tmp_path, "board.png", buf.getvalue()), box


@pytest.fixture
def street(case: Case, tmp_path: Path) -> tuple[Item, tuple[int, int, int, int]]:
    """The demo's street clip (a sign reading 深圳市南山区 on frame 25), ingested; the box."""
    data, box = street_clip()
    return ingest_bytes(case, tmp_path, "street.mp4", data), box
