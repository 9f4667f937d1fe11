"""Annotating in the window the app builds: a video on screen, the mouse drawing on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QGraphicsView

from forensics.annotations.service import AnnotationService
from ui.annotate.controller import AnnotationController

COUNTER = "video/pyscenedetect/counter.mp4"


@dataclass
class Bench:
    window: Any
    video: str
    drone: str
    controller: AnnotationController

    def svc(self) -> AnnotationService:
        return self.controller.service()

    def view(self) -> QGraphicsView:
        return self.window.viewer.graphics_view()

    def show(self, qtbot, frame: int) -> None:
        if self.controller.frame is not None and self.controller.frame.frame_index == frame:
            return
        with qtbot.waitSignal(self.window.viewer.frame_shown, timeout=20000):
            self.window.signals.frame_requested.emit(self.video, frame)

    def drag(self, qtbot, start: tuple[float, float], end: tuple[float, float]) -> None:
        view = self.view()
        a: QPoint = view.mapFromScene(*start)
        b: QPoint = view.mapFromScene(*end)
        qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=a)
        qtbot.mouseMove(view.viewport(), pos=(a + b) / 2)
        qtbot.mouseMove(view.viewport(), pos=b)
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=b)

    def action(self, text: str) -> Any:
        from PySide6.QtGui import QAction

        found = [
            a
            for a in self.window.findChildren(QAction)
            if a.text().replace("&", "").startswith(text)
        ]
        assert found, text
        return found[0]


def open_bench(qtbot, make_window, where: Any, video_id: str, drone_id: str) -> Bench:
    """Open the case in a new window with the video's first frame on screen."""
    window = make_window()
    assert window.contribution_errors == []
    assert window.open_case(where)
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=20000):
        window.signals.item_selected.emit(video_id)
    controller = window.findChild(AnnotationController, "annotation_controller")
    qtbot.waitUntil(lambda: controller.frame is not None, timeout=20000)
    return Bench(window, video_id, drone_id, controller)


def track_0_to_10(qtbot, bench: Bench, *, stop: bool = True) -> str:
    """A track drawn with the mouse: keyframes on frames 0 and 10."""
    controller = bench.controller
    controller.set_label("vehicle")
    bench.show(qtbot, 0)
    controller.tool.set_tool("box")
    track_id = controller.start_track()
    assert track_id
    bench.drag(qtbot, (100, 100), (300, 300))
    bench.show(qtbot, 10)
    bench.drag(qtbot, (500, 100), (700, 300))
    if stop:
        controller.stop_track()
        controller.tool.set_tool("")
    return track_id


def close_to(points: Any, expected: list[tuple[float, float]]) -> bool:
    """Within a few screen pixels (the frame is shown at about a third of its size)."""
    return all(
        abs(p[0] - e[0]) <= 8 and abs(p[1] - e[1]) <= 8
        for p, e in zip(points, expected, strict=True)
    )
