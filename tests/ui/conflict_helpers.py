"""Answering the edit-conflict dialog the way an examiner does: read it, click a button."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget


def when_shown(
    cls: type[QWidget], act: Callable[[Any], None], *, name: str = "", seconds: float = 60
) -> Callable[[], None]:
    """Call `act(widget)` once a visible top-level `cls` (with this object name) shows up:
    a modal dialog runs its own event loop, where this timer keeps looking for it.

    Returns:
        A call that stops looking (also stopped after `seconds`), so a dialog that rightly
        never came leaves no timer behind to click another test's dialog.
    """
    deadline = time.monotonic() + seconds
    stopped: list[bool] = []

    def look() -> None:
        if stopped or time.monotonic() > deadline:
            return
        for widget in QApplication.topLevelWidgets():
            shown = isinstance(widget, cls) and widget.isVisible()
            if shown and (not name or widget.objectName() == name):
                stopped.append(True)
                act(widget)
                return
        QTimer.singleShot(30, look)

    QTimer.singleShot(0, look)
    return lambda: stopped.append(True)


def answer_conflict(button: str, seen: list[dict[str, Any]]) -> Callable[[], None]:
    """When the conflict dialog shows, note what it says and click `button` ("reload",
    "apply" or "cancel")."""
    from PySide6.QtWidgets import QDialogButtonBox

    from ui.edit_conflict import EditConflictDialog

    def act(dialog: EditConflictDialog) -> None:
        table = dialog.table
        rows = [
            tuple(table.item(r, c).text() for c in range(table.columnCount()))
            for r in range(table.rowCount())
        ]
        seen.append({"summary": dialog.summary.text(), "rows": rows})
        if button == "reload":
            dialog.reload_button.click()
        elif button == "apply":
            dialog.apply_button.click()
        else:
            box = dialog.findChild(QDialogButtonBox)
            box.button(QDialogButtonBox.StandardButton.Cancel).click()

    return when_shown(EditConflictDialog, act)
