"""The detail panel: every field of the selected item, its hashes, metadata and custody."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from ui.context import WorkbenchSignals


class DetailPanel(QWidget):
    """The right dock: what the case knows about one item."""

    def __init__(self, signals: WorkbenchSignals, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detail_panel")
        self._signals = signals
        self.browser = QTextBrowser()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
