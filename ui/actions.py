"""Menu and toolbar actions as the house wants them: a shortcut and a status tip on each."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from forensics.case import Case

WRITES_CASE = "writes_case"
"""The property of an action that changes the case (off while a read-only case is open)."""


def case_writable(case: Case | None) -> bool:
    """True when a case is open and may be changed: a widget's own editing buttons (not
    actions, which `ui.readonly_mode` turns off) check this, so a read-only case or a
    reviewer's shows them off."""
    return case is not None and not case.readonly


def mark_writes(*actions: QAction) -> None:
    """Mark actions as changing the case, so a read-only case disables them."""
    for action in actions:
        action.setProperty(WRITES_CASE, True)


def make_action(
    parent: Any,
    text: str,
    shortcut: str | QKeySequence.StandardKey,
    tip: str,
    slot: Callable[..., object],
    *,
    name: str | None = None,
    writes: bool = False,
) -> QAction:
    """An action with its shortcut and status tip that runs `slot()` when triggered.

    The slot is called without `triggered`'s `checked` flag, so a method whose optional
    parameters tests fill in (a path, say) is never handed `False`.

    Args:
        parent: the window or widget owning the action.
        text: the menu text, with its `&` mnemonic.
        shortcut: the key sequence.
        tip: the status tip.
        slot: what the action does.
        name: the object name tests find it by.
        writes: it changes the case (disabled while a read-only case is open).
    """
    action = QAction(text, parent)
    if name is not None:
        action.setObjectName(name)
    action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    if writes:
        mark_writes(action)
    return action
