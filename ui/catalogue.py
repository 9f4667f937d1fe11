"""The catalogue panel: search box, filters and the paged table of items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from forensics.case import Case
from forensics.jobs import CancelToken, ProgressFn
from forensics.records.core import ITEM
from forensics.store.events import ChangeSet
from forensics.store.item_query import MatchCount
from forensics.store.item_tree import distinct_statuses
from ui.catalogue_model import (
    COLUMNS,
    ITEM_ID_ROLE,
    KIND_FILTERS,
    STATE_FILTERS,
    CatalogueModel,
)
from ui.context import WorkbenchSignals
from ui.item_selection import ItemSelectionSync
from ui.jobs import JobRunner
from ui.narrow import hint


class LazyCombo(QComboBox):
    """A filter whose choices are read when the user opens it (reading every tag of 100,000
    items on each case change would slow down opening the case for a list nobody opened)."""

    def __init__(self, everything: str, loader: Callable[[], list[str]]) -> None:
        super().__init__()
        self._everything = everything
        self._loader = loader
        self._stale = True
        self.addItem(everything, None)

    def invalidate(self) -> None:
        """Read the choices again at the next opening."""
        self._stale = True

    def ensure_loaded(self) -> None:
        """Read the choices now when they are stale (keeps the current choice)."""
        if not self._stale:
            return
        self._stale = False
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem(self._everything, None)
        for value in self._loader():
            self.addItem(value, value)
        self.setCurrentIndex(max(0, self.findData(current)))
        self.blockSignals(False)

    def showPopup(self) -> None:
        """Load, then open."""
        self.ensure_loaded()
        super().showPopup()


_WIDTHS = {
    "Name": 250,
    "Kind": 84,
    "Type": 96,
    "Size": 72,
    "State": 76,
    "Exhibit": 64,
    "Status": 60,
    "Added (UTC)": 158,
}


class CataloguePanel(QWidget):
    """The middle of the window: every item of the case, searchable and filterable."""

    def __init__(
        self, signals: WorkbenchSignals, runner: JobRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("catalogue")
        self._runner = runner
        self._count_serial = 0
        self.count_limit: int | None = None
        """Where the count of matches stops ("more than N items"); None: where the case's
        store says (`ItemRepository.count_limit`: nowhere on a folder, 1,000 on a server)."""
        self._case: Case | None = None
        self.model = CatalogueModel(self)

        self.search = QLineEdit()
        self.search.setObjectName("catalogue_search")
        hint(
            self.search,
            "Search the case…",
            'Search names, notes, markings, serials and paths (words, "phrases", prefix*)',
        )
        self.search.setClearButtonEnabled(True)
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kind_filter")
        for label, kind in KIND_FILTERS:
            self.kind_filter.addItem(label, kind)
        self.state_filter = QComboBox()
        self.state_filter.setObjectName("state_filter")
        self.state_filter.setToolTip("Live, deleted, recovered or carved files")
        for label, state in STATE_FILTERS:
            self.state_filter.addItem(label, state)
        self.tag_filter = LazyCombo(
            "All tags", lambda: self._case.items.all_tags() if self._case else []
        )
        self.tag_filter.setObjectName("tag_filter")
        self.status_filter = LazyCombo(
            "Any status", lambda: distinct_statuses(self._case.db) if self._case else []
        )
        self.status_filter.setObjectName("status_filter")
        self.count_label = QLabel()
        self.count_label.setObjectName("catalogue_count")
        self.count_label.setMinimumWidth(90)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.table = QTableView()
        self.table.setObjectName("catalogue_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setDragEnabled(True)  # onto a field that names a record
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(
            COLUMNS.index(next(c for c in COLUMNS if c.sort_key == "created_at")),
            Qt.SortOrder.AscendingOrder,
        )
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for n, column in enumerate(COLUMNS):
            if column.header in _WIDTHS:
                header.resizeSection(n, _WIDTHS[column.header])
        header.setMinimumSectionSize(40)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.kind_filter)
        bar.addWidget(self.state_filter)
        bar.addWidget(self.tag_filter)
        bar.addWidget(self.status_filter)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(6)
        layout.addLayout(bar)
        layout.addWidget(self.table)

        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(120)
        self._count_timer.timeout.connect(self._update_count)
        self.search.textChanged.connect(self._on_text)
        self.kind_filter.currentIndexChanged.connect(self._on_filters)
        self.state_filter.currentIndexChanged.connect(self._on_filters)
        self.tag_filter.currentIndexChanged.connect(self._on_filters)
        self.status_filter.currentIndexChanged.connect(self._on_filters)
        self._sync = ItemSelectionSync(
            signals, self.table, self.selected_item_id, self._select_row_of, self
        )
        self.model.modelReset.connect(self._count_timer.start)
        signals.case_opened.connect(self._open)
        signals.case_closed.connect(self._close)
        signals.records_changed.connect(self._changed)
        self._fill_filters()

    # case lifecycle ------------------------------------------------------------------------
    def _open(self, case: Case) -> None:
        self._case = case
        self._fill_filters()
        self.model.set_reader(case.items)

    def _close(self) -> None:
        self._case = None
        self.model.set_reader(None)
        self._fill_filters()

    def _changed(self, changes: ChangeSet) -> None:
        if not changes.touches(ITEM.subject):
            return
        selected = self.selected_item_id()
        self._fill_filters()
        self.model.reload()
        if selected is not None:
            self._select_row_of(selected)

    def _fill_filters(self) -> None:
        self.tag_filter.invalidate()
        self.status_filter.invalidate()

    # searching and filtering ---------------------------------------------------------------
    def _on_text(self, text: str) -> None:
        self.model.set_text(text.strip())

    def _on_filters(self) -> None:
        self.model.set_query(
            replace(
                self.model.query,
                kinds=_one(self.kind_filter.currentData()),
                state=self.state_filter.currentData(),
                tag=self.tag_filter.currentData(),
                status=self.status_filter.currentData(),
            )
        )

    def _update_count(self) -> None:
        """Count the matches in the background (a broad search over 100,000 items takes
        longer than showing its first page); a newer search makes an older count moot."""
        if self._case is None:
            self.count_label.setText("")
            return
        self._count_serial += 1
        serial, root, query = self._count_serial, self._case.location, self.model.query

        limit = self.count_limit

        def count(_progress: ProgressFn, _cancel: CancelToken) -> MatchCount:
            with Case.open(root, readonly=True) as case:
                return case.items.count_up_to(query, limit or case.items.count_limit)

        job = self._runner.start("Counting items", count, quiet=True)
        job.signals.finished.connect(lambda total, s=serial: self._counted(s, total))

    def _counted(self, serial: int, total: object) -> None:
        if serial != self._count_serial or self._case is None:
            return
        if isinstance(total, MatchCount):
            plural = "" if total.exact and total.count == 1 else "s"
            self.count_label.setText(f"{total} item{plural}")
            self.count_label.setToolTip(
                ""
                if total.exact
                else "Counting stopped there: the case is on a server and counting every "
                "match would slow each keystroke. Narrow the search to see the exact count."
            )

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.search.setFocus()
        self.search.selectAll()

    # selection -----------------------------------------------------------------------------
    def selected_item_id(self) -> str | None:
        """The id of the selected item, or None."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        value = rows[0].data(ITEM_ID_ROLE)
        return str(value) if value else None

    def _select_row_of(self, item_id: str) -> None:
        row = self.model.row_of(item_id)
        if row is None:
            self.table.clearSelection()
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))


def _one(kind: str | None) -> tuple[str, ...]:
    """The kind filter's choice as the item query's kinds (none chosen: every kind)."""
    return (kind,) if kind else ()
