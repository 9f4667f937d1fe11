"""The catalogue panel: search box, filters and the paged table of items."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QTableView, QVBoxLayout, QWidget

from ui.context import WorkbenchSignals


class CataloguePanel(QWidget):
    """The middle of the window: every item of the case, searchable and filterable."""

    def __init__(self, signals: WorkbenchSignals, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("catalogue")
        self._signals = signals
        self.search = QLineEdit()
        self.search.setObjectName("catalogue_search")
        self.search.setPlaceholderText("Search names, notes, markings, serials, paths…")
        self.table = QTableView()
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table)

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.search.setFocus()
        self.search.selectAll()

    def selected_item_id(self) -> str | None:
        """The id of the selected item, or None."""
        return None
