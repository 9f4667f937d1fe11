"""A case on read-only media, in the window: a banner saying so, and its editing actions off.

A reviewer's case on a server is read-only too, but for comments: the banner says "Reviewer:
you can read and comment", the editing actions are off all the same, and the Comments boxes
of the details stay usable (`Case.may_comment`).

The core refuses every write to such a case (`ReadOnlyCaseError`); the window says it before
the user tries: a banner across the top names the folder, and every action marked as one
that changes the case (`ui.actions.mark_writes`) is disabled while the case is open, and
enabled again when a writable case opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QToolBar

from ui.actions import WRITES_CASE

if TYPE_CHECKING:
    from forensics.case import Case
    from ui.main_window import MainWindow


class ReadOnlyMode:
    """The read-only banner of one window and the actions it turned off."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.bar = QToolBar("Read-only case", window)
        self.bar.setObjectName("readonly_bar")
        self.bar.setMovable(False)
        self.bar.setFloatable(False)
        self.banner = QLabel(self.bar)
        self.banner.setObjectName("readonly_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel { background: #fff3cd; color: #664d03; padding: 6px; font-weight: bold; }"
        )
        banner_action = self.bar.addWidget(self.banner)
        banner_action.setStatusTip("This case is on read-only media: nothing can be changed")
        self.bar.toggleViewAction().setVisible(False)  # not a panel the user hides
        self.bar.toggleViewAction().setStatusTip("Show or hide the read-only banner")
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bar)
        self.bar.hide()
        self._disabled: list[QAction] = []

    def apply(self, case: Case | None) -> None:
        """Show the banner and disable the editing actions for a read-only case; undo both
        otherwise (a writable case, or none)."""
        for action in self._disabled:
            action.setEnabled(True)
        self._disabled = []
        if case is None or not case.readonly:
            self.bar.hide()
            return
        if case.may_comment:
            # A reviewer on a server case: comments are the one thing they may add.
            self.banner.setText(
                "Reviewer: you can read and comment. Your role on the server is reviewer, so "
                f"nothing else in {case.location} can be changed (the server refuses it); "
                "add comments in the Comments box of the details."
            )
        else:
            self.banner.setText(
                f"Read-only case: {case.location} cannot be written (read-only media, no "
                "permission, or a reviewer's role on the server). You can browse, verify, "
                "report and export; nothing can be changed, and verifications are not logged."
            )
        self.bar.show()
        for action in self._window.findChildren(QAction):
            if action.property(WRITES_CASE) and action.isEnabled():
                action.setEnabled(False)
                self._disabled.append(action)

    def disabled_actions(self) -> list[QAction]:
        """The actions turned off for the open read-only case."""
        return list(self._disabled)
