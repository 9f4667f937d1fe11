"""Helpers shared by the media tests: expected values read from the corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

_LINE = re.compile(r"^(\S+ \S+) \(([^)]*)\): (.*)$")
RENAMED = {
    "heic/mobile/iphone_13_pro_max.heic": "heic/mobile/iphone_13_pro_max.HEIC",
    "jpg/WWL_Polaroid_ION230.jpg": "jpg/WWL_(Polaroid)_ION230.jpg",
}
"""Files the corpus README says were renamed since exif-py wrote its dump."""


def parse_dump(path: Path) -> dict[str, dict[str, str]]:
    """exif-py's dump.txt as {relative path: {tag: printable}}."""
    out: dict[str, dict[str, str]] = {}
    current: str | None = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("Opening: "):
            current = line.removeprefix("Opening: ").removeprefix("tests/resources/")
            current = RENAMED.get(current, current)
            out[current] = {}
        elif current is not None and (m := _LINE.match(line)):
            out[current][m.group(1)] = m.group(3)
    return out


@pytest.fixture(scope="session")
def exif_dump(corpus: Path) -> dict[str, dict[str, str]]:
    """exifread's full tag dump per sample."""
    return parse_dump(corpus / "expected" / "exif-py_tests_resources_dump.txt")


@pytest.fixture(scope="session")
def gps_expected(corpus: Path) -> dict[str, dict[str, Any]]:
    """Decoded GPS per sample (exifread 3.5.1)."""
    data: dict[str, dict[str, Any]] = json.loads(
        (corpus / "expected" / "gps_expected_exifread-3.5.1.json").read_text()
    )
    return data


@pytest.fixture(scope="session")
def video_expected(corpus: Path) -> dict[str, dict[str, Any]]:
    """Per-video facts."""
    data: dict[str, dict[str, Any]] = json.loads(
        (corpus / "expected" / "video_expected.json").read_text()
    )
    return data
