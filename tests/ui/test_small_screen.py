"""The workbench fits a 1366x768 laptop screen, every panel in turn, with no text cut off.

Measured in session 3: with the demo case open, raising Hypotheses, Component or Text forced
the window to 1588 px wide (their widest line or button row set the dock's minimum), the
viewer's frame slider was squeezed to a stub, and labels such as the viewer's title were cut
mid-word. These tests look at every label and button the way a user would: is the whole text
inside the widget (or, for labels that elide, is the full text in the tooltip)?
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import clipped

SCREENS = [(1366, 768), (1920, 1080)]


def _raise_each_dock(qtbot: Any, window: Any) -> Any:
    """Yield each dock after bringing it on screen, as a click on its tab does."""
    from PySide6.QtWidgets import QApplication, QDockWidget

    for dock in window.findChildren(QDockWidget):
        dock.show()
        dock.raise_()
        for _ in range(3):
            QApplication.processEvents()
            qtbot.wait(40)
        yield dock


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_every_panel_fits_the_screen_with_no_text_cut(
    make_window: Any, qtbot: Any, demo_case: Path, width: int, height: int
) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QComboBox,
        QLabel,
        QLineEdit,
        QTabBar,
        QWidget,
    )

    window = make_window()
    window.resize(width, height)
    assert window.open_case(demo_case)
    qtbot.waitUntil(lambda: window.runner.active == 0, timeout=60_000)
    problems: list[str] = []
    for dock in _raise_each_dock(qtbot, window):
        least = window.minimumSizeHint()
        if (
            max(window.width(), least.width()) > width
            or max(window.height(), least.height()) > height
        ):
            problems.append(
                f"{dock.windowTitle()}: the window needs {least.width()}x{least.height()}"
                f" (is {window.width()}x{window.height()})"
            )
            window.resize(width, height)
        seen: list[QWidget] = [
            *window.findChildren(QLabel),
            *window.findChildren(QAbstractButton),
            *window.findChildren(QLineEdit),
            *window.findChildren(QComboBox),
        ]
        for widget in seen:
            if not widget.isVisible() or widget.visibleRegion().isEmpty():
                continue
            why = clipped(widget)
            if why:
                problems.append(f"{dock.windowTitle()}: {why}")
        for bar in window.findChildren(QTabBar):
            if not bar.isVisible():
                continue
            for index in range(bar.count()):
                text = bar.tabText(index).replace("&", "")
                needed = bar.fontMetrics().horizontalAdvance(text)
                rect = bar.tabRect(index)
                along = rect.height() if rect.height() > rect.width() else rect.width()
                if along < needed + 8:
                    problems.append(f"{dock.windowTitle()}: tab {text!r} is cut")
    assert not sorted(set(problems)), "\n".join(sorted(set(problems)))


def test_the_viewer_slider_keeps_a_usable_width(
    make_window: Any, qtbot: Any, demo_case: Path
) -> None:
    """The frame slider is on a row of its own: at 1366 px it spans the viewer."""
    from PySide6.QtWidgets import QSlider

    window = make_window()
    window.resize(1366, 768)
    assert window.open_case(demo_case)
    slider = window.findChild(QSlider, "frame_slider")
    assert slider is not None
    qtbot.waitUntil(lambda: window.runner.active == 0 and slider.isVisible(), timeout=60_000)
    assert slider.width() >= 200, slider.width()
