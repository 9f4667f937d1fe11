"""Building small real cases for GUI tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths


def populate(case: Case, corpus: Path) -> dict[str, str]:
    """A drone with a camera module, and two stills and a clip from the corpus under it."""
    drone = case.add_item(
        kind="hardware", name="Gerbera drone", exhibit="EX-001", tags=("recovered",)
    )
    camera = case.add_item(
        kind="component", name="Viewpro A40 camera", parent_id=drone.id, marking="VIEWPRO A40 TIR"
    )
    report = ingest_paths(
        case,
        [
            corpus / "video" / "pyscenedetect" / "counter.mp4",
            corpus / "synthetic" / "gps_control_eiffel.jpg",
            corpus / "synthetic" / "gps_control_rio_sw.jpg",
        ],
        IngestOptions(parent_id=drone.id),
    )
    ids = {"drone": drone.id, "camera": camera.id}
    for item in report.items:
        ids[item.name] = item.id
    return ids


def show_dock(window: Any, title: str) -> Any:
    """Bring a dock's tab to the front, as a click on its tab does, and return the dock.

    Feature docks start tabbed behind the viewer and build and load when first shown."""
    from PySide6.QtWidgets import QDockWidget

    name = "dock_" + "".join(c if c.isalnum() else "_" for c in title.casefold())
    dock = window.findChild(QDockWidget, name)
    assert dock is not None, name
    dock.raise_()
    return dock


def pick(qtbot: Any, picker: Any, text: str, row: int = 0) -> None:
    """Type part of a name into a record picker and click a hit in its popup, as a user does."""
    from PySide6.QtCore import Qt

    picker.setFocus()
    qtbot.keyClicks(picker, text)
    popup = picker.completer_.popup()
    qtbot.waitUntil(lambda: popup.isVisible() and popup.model().rowCount() > row, timeout=5000)
    index = popup.model().index(row, 0)
    popup.scrollTo(index)
    qtbot.mouseClick(
        popup.viewport(), Qt.MouseButton.LeftButton, pos=popup.visualRect(index).center()
    )
    qtbot.waitUntil(lambda: picker.record() is not None, timeout=5000)


def clipped(widget: Any) -> str | None:
    """Why `widget`'s text does not fit it, or None when it fits."""
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QStyle

    from ui.elided_label import ElidedLabel

    if isinstance(widget, ElidedLabel):
        return None  # shows "…" and keeps the whole text in its tooltip
    if isinstance(widget, QLabel):
        text = widget.text()
        if not text or widget.wordWrap() or widget.textFormat() == 1 or "<" in text:
            return None  # wraps, or rich text laid out by a document
        needed = widget.fontMetrics().horizontalAdvance(text.replace("&", "", 1))
        room = widget.contentsRect().width() - 2 * widget.margin() - 2 * widget.indent()
    elif isinstance(widget, QComboBox):
        text = widget.currentText()
        if widget.isEditable() or not text:
            return None
        arrow = widget.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        needed = widget.fontMetrics().horizontalAdvance(text) + arrow + 8
        room = widget.width()
    elif isinstance(widget, QLineEdit):
        text = widget.placeholderText()
        if widget.text() or not text or widget.isReadOnly():
            return None
        # The hint a user reads to know what to type must be whole, "type a na…" is not.
        needed = widget.fontMetrics().horizontalAdvance(text)
        # What the style leaves for text: the frame, the text margins and Fusion's padding.
        room = widget.width() - 16
    elif isinstance(widget, QAbstractButton):
        text = widget.text()
        if not text:
            return None
        needed = widget.minimumSizeHint().width()
        room = widget.width()
    else:
        return None
    if needed > room + 1:
        return f"{type(widget).__name__} {text!r}: needs {needed} px, has {room}"
    return None


def cut_texts(root: Any) -> list[str]:
    """Every label, button, combo box and placeholder on screen in `root` (a dialog, a
    window) whose text does not fit its widget."""
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit

    problems = []
    for kind in (QLabel, QAbstractButton, QComboBox, QLineEdit):
        for widget in root.findChildren(kind):
            if widget.isVisible() and not widget.visibleRegion().isEmpty():
                why = clipped(widget)
                if why:
                    problems.append(why)
    return sorted(set(problems))
