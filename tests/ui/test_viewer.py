"""The media viewer: stills with zoom, video frame stepping off the GUI thread, export."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from forensics.case import Case
from forensics.media.video_reader import VideoReader
from tests.ui.helpers import populate


@pytest.fixture
def shown_case(make_window, case: Case, corpus: Path):
    ids = populate(case, corpus)
    window = make_window()
    window.open_case(case.root)
    return window, ids


def _counter_region(image) -> np.ndarray:
    """The pixels of a frame as an array (grey levels), for comparing what is on screen."""
    ptr = image.convertToFormat(image.Format.Format_Grayscale8)
    arr = np.frombuffer(ptr.constBits(), dtype=np.uint8).reshape(ptr.height(), ptr.bytesPerLine())
    return arr[:, : ptr.width()].copy()


def test_video_steps_frame_by_frame(qtbot, shown_case, corpus: Path) -> None:
    window, ids = shown_case
    viewer = window.viewer
    expected = json.loads((corpus / "expected" / "video_expected.json").read_text())[
        "video/pyscenedetect/counter.mp4"
    ]
    with qtbot.waitSignal(viewer.frame_shown, timeout=10000) as first:
        window.signals.item_selected.emit(ids["counter.mp4"])
    assert first.args[:2] == [ids["counter.mp4"], 0]
    shown = viewer.current_frame()
    assert (shown.width, shown.height) == tuple(expected["opencv_wxh"])
    assert viewer.slider.maximum() == expected["opencv_frame_count"] - 1
    assert viewer.frame_label.text().startswith("Frame 0 /")
    frame0 = _counter_region(viewer.current_image())

    with qtbot.waitSignal(viewer.frame_shown, timeout=10000) as step:
        viewer.actions_["forward"].trigger()
    assert step.args[1] == 1
    assert viewer.frame_label.text().startswith("Frame 1 /")
    assert "00:00.100" in viewer.frame_label.text()  # 10 frames/s
    frame1 = _counter_region(viewer.current_image())
    assert step.args[2] != first.args[2]  # the burnt-in counter changed the pixels
    assert np.abs(frame1.astype(int) - frame0.astype(int)).sum() > 0

    with qtbot.waitSignal(viewer.frame_shown, timeout=10000) as jump:
        viewer.seek(20)
    assert jump.args[1] == 20
    # exactly frame 20: the core reader, on its own, decodes the same pixels
    with VideoReader(corpus / "video" / "pyscenedetect" / "counter.mp4") as reader:
        assert reader.read(20).pixel_sha256 == jump.args[2]
    with qtbot.waitSignal(viewer.frame_shown, timeout=10000) as back:
        viewer.actions_["back"].trigger()
    assert back.args[1] == 19
    with qtbot.waitSignal(viewer.frame_shown, timeout=10000) as again:
        viewer.seek(1)
    assert again.args[2] == step.args[2]  # the same frame decodes to the same pixels
    assert np.array_equal(_counter_region(viewer.current_image()), frame1)
    qtbot.waitUntil(lambda: viewer.strip.count() > 0, timeout=20000)
    assert viewer.strip.indices()[0] == 0
    qtbot.waitUntil(lambda: not viewer.is_busy(), timeout=20000)


def test_scrubbing_keeps_only_the_latest_request(qtbot, shown_case) -> None:
    window, ids = shown_case
    viewer = window.viewer
    with qtbot.waitSignal(viewer.frame_shown, timeout=10000):
        viewer.show_item(ids["counter.mp4"])
    shown: list[int] = []
    viewer.frame_shown.connect(lambda _i, index, _s: shown.append(index))
    for value in range(0, 30):
        viewer.slider.setValue(value)
    qtbot.waitUntil(lambda: viewer.frame_index() == 29 and not viewer.decoder.busy(), timeout=10000)
    assert shown[-1] == 29
    assert len(shown) < 30  # requests overtaken while decoding were dropped
    qtbot.waitUntil(lambda: not viewer.is_busy(), timeout=20000)


def test_still_image_zoom_and_export(qtbot, shown_case, tmp_path: Path) -> None:
    window, ids = shown_case
    viewer = window.viewer
    with qtbot.waitSignal(viewer.frame_shown, timeout=10000) as shown:
        window.signals.item_selected.emit(ids["gps_control_eiffel.jpg"])
    assert shown.args[1] == -1
    assert not viewer.transport.isVisible()
    pixmap_item = viewer.view.pixmap_item
    assert pixmap_item.pos().x() == 0
    assert pixmap_item.pixmap().width() == viewer.current_frame().width
    viewer.view.set_zoom(1.0)
    viewer.actions_["zoom_in"].trigger()
    assert viewer.view.zoom() == pytest.approx(1.25)
    assert viewer.zoom_label.text() == "125 %"
    out = viewer.export_frame(tmp_path / "still.png")
    assert out is not None
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    case = window.current_case()
    exported = [
        e
        for e in case.custody.entries(item_id=ids["gps_control_eiffel.jpg"])
        if e.action == "exported"
    ]
    assert exported[0].details["pixel_sha256"] == shown.args[2]


def test_a_non_media_item_says_so(shown_case) -> None:
    window, ids = shown_case
    window.viewer.show_item(ids["drone"])
    assert "not an image or a video" in window.viewer.title.text()
    assert window.viewer.current_frame() is None
