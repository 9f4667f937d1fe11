"""Keeps a view's selected item and the workbench's current item in step.

The case tree and the catalogue both announce the item the user selects (`item_selected`), open
it on a double click (`open_item_requested`) and follow an item selected elsewhere, without
announcing that selection back (which would bounce between the views).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QObject
from PySide6.QtWidgets import QAbstractItemView

from ui.context import WorkbenchSignals


class ItemSelectionSync(QObject):
    """Connects one item view to the workbench's selection signals.

    Args:
        signals: the workbench's signals.
        view: the view whose selection is followed.
        selected: the id of the item selected in the view, or None.
        select: select an item in the view (clearing the selection when it is not shown).
        parent: the panel owning the view.
    """

    def __init__(
        self,
        signals: WorkbenchSignals,
        view: QAbstractItemView,
        selected: Callable[[], str | None],
        select: Callable[[str], None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._signals = signals
        self._selected = selected
        self._select = select
        self._emitting = False
        view.selectionModel().selectionChanged.connect(self._on_selection)
        view.doubleClicked.connect(self._on_double_click)
        signals.item_selected.connect(self._select_from_elsewhere)

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        item_id = self._selected()
        if item_id is not None and not self._emitting:
            self._emitting = True
            try:
                self._signals.item_selected.emit(item_id)
            finally:
                self._emitting = False

    def _on_double_click(self) -> None:
        item_id = self._selected()
        if item_id is not None:
            self._signals.open_item_requested.emit(item_id)

    def _select_from_elsewhere(self, item_id: str) -> None:
        if self._emitting or item_id == self._selected():
            return
        self._emitting = True
        try:
            self._select(item_id)
        finally:
            self._emitting = False
