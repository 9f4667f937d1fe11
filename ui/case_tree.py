"""The case tree panel: hardware teardown hierarchy, disk images with their files, media."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTreeView, QVBoxLayout, QWidget

from forensics.case import Case
from forensics.records.core import ITEM
from forensics.store.events import ChangeSet
from forensics.store.item_tree import ItemTreeReader
from ui.case_tree_model import ITEM_ID_ROLE, CaseTreeModel
from ui.context import WorkbenchSignals
from ui.item_selection import ItemSelectionSync


class CaseTreePanel(QWidget):
    """The left dock: the case's items as a tree, loaded level by level."""

    def __init__(self, signals: WorkbenchSignals, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("case_tree")
        self.model = CaseTreeModel(self)
        self.view = QTreeView()
        self.view.setObjectName("case_tree_view")
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragEnabled(True)  # onto a field that names a record
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setAnimated(False)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self._signals = signals
        self.context_menu: QMenu | None = None
        """The right-click menu shown last (tests trigger its entries)."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._sync = ItemSelectionSync(
            signals, self.view, self.selected_item_id, self._select_or_clear, self
        )
        signals.case_opened.connect(self._open)
        signals.case_closed.connect(lambda: self.model.set_reader(None))
        signals.records_changed.connect(self._changed)

    def _open(self, case: Case) -> None:
        self.model.set_reader(ItemTreeReader(case.db))
        self._expand_top()

    def _changed(self, changes: ChangeSet) -> None:
        if not changes.touches(ITEM.subject):
            return
        selected = self.selected_item_id()
        self.model.reload()
        self._expand_top()
        if selected is not None:
            self.select(selected)

    def _expand_top(self) -> None:
        # Physical items open at once: the teardown hierarchy is what an examiner looks for.
        if self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())
        for row in range(min(self.model.rowCount(), 50)):
            index = self.model.index(row, 0)
            if self.model.hasChildren(index) and row < 10:
                self.view.expand(index)

    def selected_item_id(self) -> str | None:
        """The id of the selected item, or None."""
        rows = self.view.selectionModel().selectedIndexes()
        if not rows:
            return None
        value = rows[0].data(ITEM_ID_ROLE)
        return str(value) if value else None

    def select(self, item_id: str) -> bool:
        """Select an item, expanding its parents. Returns False when it is not in the tree."""
        index = self.model.index_of(item_id)
        if not index.isValid():
            return False
        parent = index.parent()
        while parent.isValid():
            self.view.expand(parent)
            parent = parent.parent()
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def _menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        value = index.data(ITEM_ID_ROLE) if index.isValid() else None
        if not value:
            return
        item_id, name = str(value), str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        self.view.setCurrentIndex(index)
        menu = QMenu(self.view)
        menu.setObjectName("case_tree_menu")
        for text, tip, slot in (
            ("&Open", "Show it in the viewer (a picture) or its details", self._opener(item_id)),
            (
                "Show &details",
                "Select it: Details and the other panels follow",
                lambda: self._signals.item_selected.emit(item_id),
            ),
            ("Copy &name", "Copy its name to the clipboard", self._copier(name)),
            ("Copy &id", "Copy its id to the clipboard", self._copier(item_id)),
        ):
            act = menu.addAction(text)
            act.setStatusTip(tip)
            act.triggered.connect(slot)
        if self.context_menu is not None:
            self.context_menu.deleteLater()
        self.context_menu = menu
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _opener(self, item_id: str) -> Callable[[], None]:
        def open_it() -> None:
            self._signals.item_selected.emit(item_id)
            self._signals.open_item_requested.emit(item_id)

        return open_it

    @staticmethod
    def _copier(text: str) -> Callable[[], None]:
        return lambda: QGuiApplication.clipboard().setText(text)

    def _select_or_clear(self, item_id: str) -> None:
        if not self.select(item_id):
            self.view.clearSelection()
