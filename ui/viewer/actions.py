"""The viewer's buttons: each one a QAction with a shortcut and a status tip.

The shortcuts are scoped to the viewer and its children, so arrow keys and Space step and play
only while the viewer has focus and never steal keys from the other docks.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolButton, QWidget


def viewer_button(
    owner: QWidget, key: str, text: str, shortcut: str, tip: str, slot: Callable[[], object]
) -> tuple[QAction, QToolButton]:
    """Make the action `viewer_<key>` on `owner` and a tool button showing it.

    Args:
        owner: The widget the action is added to (its shortcut context).
        key: Names the action `viewer_<key>` and the button `viewer_<key>_button`.
        text: The button's text.
        shortcut: The key sequence, also shown in the tooltip.
        tip: The status tip.
        slot: Called when the action triggers.

    Returns:
        The action and its button.
    """
    action = QAction(text, owner)
    action.setObjectName(f"viewer_{key}")
    action.setShortcut(QKeySequence(shortcut))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.setStatusTip(tip)
    action.setToolTip(f"{tip} ({shortcut})")
    action.triggered.connect(lambda _c=False: slot())
    owner.addAction(action)
    button = QToolButton()
    button.setObjectName(f"viewer_{key}_button")
    button.setDefaultAction(action)
    return action, button
