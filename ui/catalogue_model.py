"""The catalogue's table model: items read from the case a page at a time.

The model never holds the whole case: it asks the store for one page (`ItemRepository.search`
with a limit and an offset) when the view scrolls near the end (`canFetchMore`/`fetchMore`).
A new search or filter resets it to the first page, so a keystroke costs one small query; the
total is counted separately and only for the status line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from PySide6.QtCore import QMimeData, QModelIndex, Qt

from forensics import allocation
from forensics.models import Item, ItemKind
from forensics.store.item_query import INSERTION, ItemFilter
from forensics.store.items import ItemRepository
from ui.formatting import human_size, kind_label, name_with_state, short_time, state_label
from ui.record_drag import RECORD_MIME, item_indexes_mime
from ui.table_model import Index, ListTableModel

PAGE = 64
"""Rows per fetch: a screenful or two. A keystroke reads one page, so smaller is faster."""
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class Column(NamedTuple):
    """One column: header, the field it shows and the store's sort key."""

    header: str
    sort_key: str


COLUMNS = (
    Column("Name", "name"),
    Column("Kind", "kind"),
    Column("Type", "mime"),
    Column("Size", "size"),
    Column("State", "recovery"),
    Column("Exhibit", "exhibit"),
    Column("Status", "status"),
    Column("Added (UTC)", "created_at"),
    Column("SHA-256", "sha256"),
)


Query = ItemFilter
"""What the catalogue shows: a full-text search, filters and an order."""


class CatalogueModel(ListTableModel[Item]):
    """Items of one case matching a `Query`, fetched page by page."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([c.header for c in COLUMNS], parent)
        self._repo: ItemRepository | None = None
        self._query = Query()
        self._more = False
        self._resetting = False

    # what is shown ------------------------------------------------------------------------
    def set_reader(self, repo: ItemRepository | None) -> None:
        """Show the items this reader reads (None: show nothing)."""
        self._repo = repo
        self.reload()

    @property
    def query(self) -> Query:
        """The current search, filters and order."""
        return self._query

    def set_query(self, query: Query) -> None:
        """Search and filter again from the first page."""
        if query != self._query:
            self._query = query
            self.reload()

    def set_text(self, text: str) -> None:
        """Full-text search as the user types."""
        self.set_query(replace(self._query, text=text))

    def reload(self) -> None:
        """Read the first page again (records changed or the query did)."""
        self._resetting = True  # views and testers may ask for more inside endResetModel
        self.beginResetModel()
        self._rows = []
        self._more = False
        if self._repo is not None:
            self._rows = self._page(0)
            self._more = len(self._rows) == PAGE
        self.endResetModel()
        self._resetting = False

    def total(self) -> int:
        """How many items match in all (one COUNT query; not needed to show a page)."""
        return 0 if self._repo is None else self._repo.count_matching(self._query)

    def _page(self, offset: int) -> list[Item]:
        assert self._repo is not None
        return self._repo.page(self._query, PAGE, offset)

    def row_of(self, item_id: str) -> int | None:
        """The row of an item among those loaded, or None."""
        for n, item in enumerate(self._rows):
            if item.id == item_id:
                return n
        return None

    # paging -------------------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        """True while the store has rows past those loaded."""
        return not parent.isValid() and self._more and not self._resetting

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Load the next page."""
        if not self.canFetchMore(parent) or self._repo is None:
            return
        page = self._page(len(self._rows))
        self._more = len(page) == PAGE
        if page:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    # the table ----------------------------------------------------------------------------
    def cell(self, item: Item, column: int, role: int) -> Any:
        """One cell."""
        if not 0 <= column < len(COLUMNS):
            return None
        key = COLUMNS[column].sort_key
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(item, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "sha256":
                return item.sha256
            if key == "name" and item.source_path:
                return item.source_path
            if key == "recovery":
                return allocation.DESCRIPTIONS[allocation.allocation_of(item)]
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "size":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ITEM_ID_ROLE:
            return item.id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in the store (the view never sorts a partial page itself)."""
        if 0 <= column < len(COLUMNS):
            key = COLUMNS[column].sort_key
            self.set_query(
                replace(
                    self._query,
                    order_by=INSERTION if key == "created_at" else key,
                    descending=order == Qt.SortOrder.DescendingOrder,
                )
            )

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Rows are selectable and draggable onto a field that names a record, not editable
        in place (edits go through a logged dialog)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def mimeTypes(self) -> list[str]:
        """Dragged rows travel as records (see ui/record_drag.py)."""
        return [RECORD_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged rows' items, as records a picker accepts."""
        return item_indexes_mime(indexes, ITEM_ID_ROLE)


def _display(item: Item, key: str) -> str:
    if key == "name":
        return name_with_state(item)
    if key == "kind":
        return kind_label(item.kind)
    if key == "mime":
        return item.mime or ""
    if key == "size":
        return "" if item.size is None else human_size(item.size)
    if key == "recovery":
        return state_label(item)
    if key == "exhibit":
        return item.exhibit or ""
    if key == "status":
        return item.status
    if key == "created_at":
        return short_time(item.created_at)
    if key == "sha256":
        return (item.sha256 or "")[:16]
    return ""


KIND_FILTERS = (("All kinds", None), *((kind_label(k), k) for k in ItemKind.ALL))
STATE_FILTERS = (
    ("Live or not", None),
    *((allocation.LABELS[s], s) for s in allocation.ALL),
)
"""The catalogue's state filter: live, deleted, recovered, carved."""
