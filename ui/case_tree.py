"""The case tree: hardware teardown hierarchy, disk images with their files, media."""

from __future__ import annotations

from PySide6.QtWidgets import QTreeView, QVBoxLayout, QWidget

from ui.context import WorkbenchSignals


class CaseTreePanel(QWidget):
    """The left dock: the case's items as a tree, loaded level by level."""

    def __init__(self, signals: WorkbenchSignals, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("case_tree")
        self._signals = signals
        self.view = QTreeView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
