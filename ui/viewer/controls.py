"""The viewer's controls: the zoom bar above the picture and, under a video, the transport bar.

Built here so `viewer.py` keeps what the viewer does (what is shown, decoding, playing); every
button is an action of the viewer itself (`viewer_button`: its shortcut works while the viewer
has focus), kept in the viewer's `actions_` by key for menus and tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.elided_label import ElidedLabel
from ui.viewer.actions import viewer_button

if TYPE_CHECKING:
    from ui.viewer.viewer import MediaViewer


def add_button(
    viewer: MediaViewer, key: str, text: str, shortcut: str, tip: str, slot: Callable[[], object]
) -> QToolButton:
    """A button for the viewer action `key` (kept in `viewer.actions_`)."""
    viewer.actions_[key], button = viewer_button(viewer, key, text, shortcut, tip, slot)
    return button


def zoom_bar(viewer: MediaViewer) -> QHBoxLayout:
    """The title of what is shown, then Fit, 1:1, zoom out, zoom in, the zoom level and
    Export frame."""
    bar = QHBoxLayout()
    bar.setContentsMargins(0, 0, 0, 0)
    bar.addWidget(viewer.title, 1)
    view = viewer.view
    for key, text, shortcut, tip, slot in (
        ("fit", "Fit", "Ctrl+Shift+0", "Fit the picture in the viewer", view.fit),
        (
            "actual",
            "1:1",
            "Ctrl+Shift+1",
            "One image pixel per screen pixel",
            lambda: view.set_zoom(1.0),
        ),
        ("zoom_out", "−", "Ctrl+-", "Zoom out", view.zoom_out),  # noqa: RUF001
        ("zoom_in", "+", "Ctrl+=", "Zoom in", view.zoom_in),
    ):
        bar.addWidget(add_button(viewer, key, text, shortcut, tip, slot))
    bar.addWidget(viewer.zoom_label)
    bar.addWidget(
        add_button(
            viewer,
            "export",
            "Export frame…",
            # Ctrl+Shift+E is Annotate > Export annotations (a window-wide shortcut).
            "Ctrl+Shift+S",
            "Save the frame on screen as a PNG file",
            viewer.export_frame,
        )
    )
    return bar


_ICONS = {
    "first": QStyle.StandardPixmap.SP_MediaSkipBackward,
    "back": QStyle.StandardPixmap.SP_MediaSeekBackward,
    "play": QStyle.StandardPixmap.SP_MediaPlay,
    "forward": QStyle.StandardPixmap.SP_MediaSeekForward,
    "last": QStyle.StandardPixmap.SP_MediaSkipForward,
}


class TransportBar(QWidget):
    """Under a video: the frame slider on a row of its own, then first, back, play or pause,
    forward and last, the frame and time on screen, and the go-to field.

    Attributes:
        slider: one step per frame (its moves are the viewer's to answer).
        frame_label: the frame and time on screen, or why a typed position was refused.
        goto: a frame index or a time to go to (Enter).
    """

    def __init__(self, viewer: MediaViewer) -> None:
        super().__init__()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("frame_slider")
        self.slider.setRange(0, 0)
        self.slider.setPageStep(10)
        # Room for the frame and time always; only a long refusal message is elided.
        self.frame_label = ElidedLabel("", room_for="Frame 0000 / 0000 · 00:00.000")
        self.frame_label.setObjectName("frame_label")
        # The slider has a row of its own: beside the buttons it was squeezed to a stub on a
        # 1366 px screen, and the row's width set the viewer's minimum.
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(2)
        rows.addWidget(self.slider)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        rows.addLayout(bar)
        for key, text, shortcut, tip, slot in (
            ("first", "First", "Home", "First frame", lambda: viewer.seek(0)),
            ("back", "Back", "Left", "One frame back", lambda: viewer.step(-1)),
            ("play", "Play", "Space", "Play or pause", viewer.toggle_play),
            ("forward", "Forward", "Right", "One frame forward", lambda: viewer.step(1)),
            ("last", "Last", "End", "Last frame", viewer.seek_last),
        ):
            button = add_button(viewer, key, text, shortcut, tip, slot)
            viewer.actions_[key].setIcon(viewer.style().standardIcon(_ICONS[key]))
            bar.addWidget(button)
        bar.addWidget(self.frame_label, 1)
        self.goto = QLineEdit()
        self.goto.setObjectName("viewer_goto")
        self.goto.setPlaceholderText("frame or time")
        self.goto.setToolTip(
            "Go to a frame index (120) or a time (01:02.500, 62.5s); Enter (Ctrl+G to get here)"
        )
        self.goto.setMinimumWidth(self.goto.fontMetrics().horizontalAdvance("frame or time") + 16)
        self.goto.setMaximumWidth(160)
        self.goto.returnPressed.connect(viewer.go_to_typed)
        # Ctrl+G (the "Go to" action) moves into the field; no button beside it, which on a
        # 1366 px screen left the frame number no room ("Fr…").
        tip = "Go to a frame or a time"
        go_to = add_button(viewer, "goto", "Go to", "Ctrl+G", tip, viewer.focus_goto)
        go_to.setParent(self)
        go_to.hide()
        bar.addWidget(self.goto)
