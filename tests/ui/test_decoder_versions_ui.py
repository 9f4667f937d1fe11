"""The detail panel says which library versions decoded the selected item's records."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from forensics.case import Case
from forensics.media.extract import extract_metadata
from forensics.media.extractors import REGISTRY
from forensics.media.frames import extract_frame
from forensics.versions import version
from tests.ui.helpers import populate


def test_the_detail_panel_shows_the_decoders_of_an_item(
    make_window, qtbot, case: Case, corpus: Path
) -> None:
    ids = populate(case, corpus)
    photo, video = ids["gps_control_eiffel.jpg"], ids["counter.mp4"]
    extract_metadata(case, photo)
    extract_frame(case, video, index=3)
    window = make_window()
    window.open_case(case.root)

    window.tree.select(photo)
    qtbot.waitUntil(lambda: "Decoded with" in window.detail.text())
    text = window.detail.text()
    assert f"exif, version {REGISTRY['exif'].version}" in text
    assert f"exifread {metadata.version('exifread')}" in text
    assert f"Pillow {metadata.version('pillow')}, libjpeg-turbo {version('libjpeg-turbo')}" in text

    window.tree.select(video)
    qtbot.waitUntil(lambda: "pwb-frames (frame)" in window.detail.text())
    assert f"OpenCV {version('opencv')}" in window.detail.text()
    assert f"PyAV {metadata.version('av')}" in window.detail.text()
