"""The case tree's model: the item hierarchy, read one level and one page at a time.

A node knows its number of children (counted for a whole page of siblings in one query) but
loads them only when the view expands it, `PAGE` at a time through `fetchMore`, so a card
image with 100,000 files costs one page until the user scrolls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication, QStyle

from forensics import allocation
from forensics.models import Item
from forensics.store.item_tree import ItemTreeReader
from ui.formatting import human_size, kind_label, name_with_state
from ui.record_drag import RECORD_MIME, item_indexes_mime
from ui.state_icons import badged

PAGE = 500
SORT_LIMIT = 2000
"""Levels with more children than this are shown in the order added (sorting them by name
would read them all before the first page)."""
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex

_ICONS = {
    "hardware": QStyle.StandardPixmap.SP_ComputerIcon,
    "component": QStyle.StandardPixmap.SP_DriveNetIcon,
    "disk_image": QStyle.StandardPixmap.SP_DriveHDIcon,
    "symlink": QStyle.StandardPixmap.SP_FileLinkIcon,
    "file": QStyle.StandardPixmap.SP_FileIcon,
    "folder": QStyle.StandardPixmap.SP_DirIcon,
}


class _Node:
    __slots__ = ("child_count", "children", "item", "parent", "row")

    def __init__(self, item: Item | None, parent: _Node | None, row: int, child_count: int) -> None:
        self.item = item
        self.parent = parent
        self.row = row
        self.child_count = child_count
        self.children: list[_Node] = []


class CaseTreeModel(QAbstractItemModel):
    """Items under their parents: hardware and its components, disk images and their files."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._reader: ItemTreeReader | None = None
        self._root = _Node(None, None, 0, 0)
        self._icons: dict[str, Any] = {}
        self._resetting = False

    def set_reader(self, reader: ItemTreeReader | None) -> None:
        """Show the hierarchy this reader reads (None: nothing)."""
        self._reader = reader
        self.reload()

    def reload(self) -> None:
        """Start again from the top level (records changed)."""
        self._resetting = True  # views and testers may ask for more inside endResetModel
        self.beginResetModel()
        count = self._reader.child_count(None) if self._reader is not None else 0
        self._root = _Node(None, None, 0, count)
        self.endResetModel()
        self._resetting = False

    # the tree -----------------------------------------------------------------------------
    def _node(self, index: _Index) -> _Node:
        if index.isValid():
            node = index.internalPointer()
            assert isinstance(node, _Node)
            return node
        return self._root

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """The index of a loaded child."""
        if column != 0 or row < 0:
            return QModelIndex()
        node = self._node(parent)
        if row >= len(node.children):
            return QModelIndex()
        return self.createIndex(row, 0, node.children[row])

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        """The index of a node's parent."""
        if not index.isValid():
            return QModelIndex()
        node = self._node(index).parent
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Children loaded so far."""
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """One column: the item."""
        return 1

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        """True when the item has children, loaded or not (so the view draws an arrow)."""
        if parent.isValid() and parent.column() != 0:
            return False
        return self._node(parent).child_count > 0

    def canFetchMore(self, parent: _Index) -> bool:
        """True while a node has children not yet loaded."""
        if self._resetting or (parent.isValid() and parent.column() != 0):
            return False
        node = self._node(parent)
        return len(node.children) < node.child_count

    def fetchMore(self, parent: _Index) -> None:
        """Load the next page of a node's children."""
        if self._reader is None or not self.canFetchMore(parent):
            return
        node = self._node(parent)
        parent_id = node.item.id if node.item is not None else None
        items = self._reader.children_page(
            parent_id, PAGE, len(node.children), by_name=node.child_count <= SORT_LIMIT
        )
        if not items:
            node.child_count = len(node.children)
            return
        counts = self._reader.child_counts([i.id for i in items])
        start = len(node.children)
        self.beginInsertRows(parent, start, start + len(items) - 1)
        for n, item in enumerate(items):
            node.children.append(_Node(item, node, start + n, counts.get(item.id, 0)))
        self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Name, icon, tooltip and id of an item."""
        if not index.isValid():
            return None
        item = self._node(index).item
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return name_with_state(item)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(item.kind, allocation.allocation_of(item))
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [kind_label(item.kind)]
            state = allocation.allocation_of(item)
            if state != allocation.LIVE:
                parts.append(allocation.DESCRIPTIONS[state])
            if item.size is not None:
                parts.append(human_size(item.size))
            if item.mime:
                parts.append(item.mime)
            if item.fs_path:
                parts.append(item.fs_path)
            return " · ".join(parts)
        if role == ITEM_ID_ROLE:
            return item.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """The single column's title."""
        if (
            section == 0
            and orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return "Item"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Items are selectable, and can be dragged onto a field that names a record."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def mimeTypes(self) -> list[str]:
        """Dragged items travel as records (see ui/record_drag.py)."""
        return [RECORD_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged items, as records a picker accepts."""
        return item_indexes_mime(indexes, ITEM_ID_ROLE)

    def _icon(self, kind: str, state: str = allocation.LIVE) -> Any:
        key = f"{kind}/{state}"
        if key not in self._icons:
            app = QApplication.instance()
            style = app.style() if isinstance(app, QApplication) else None
            pixmap = _ICONS.get(kind, QStyle.StandardPixmap.SP_FileIcon)
            icon = style.standardIcon(pixmap) if style is not None else None
            self._icons[key] = badged(icon, state) if icon is not None else None
        return self._icons[key]

    # finding an item ----------------------------------------------------------------------
    def index_of(self, item_id: str, max_pages: int = 20) -> QModelIndex:
        """The index of an item, loading pages on its path as needed (invalid when it is gone
        or lies further than `max_pages` pages down a level)."""
        if self._reader is None:
            return QModelIndex()
        parent = QModelIndex()
        found = QModelIndex()
        for step in self._reader.path_to(item_id):
            found = QModelIndex()
            pages = 0
            while True:
                node = self._node(parent)
                for child in node.children:
                    if child.item is not None and child.item.id == step:
                        found = self.createIndex(child.row, 0, child)
                        break
                if found.isValid() or not self.canFetchMore(parent) or pages >= max_pages:
                    break
                self.fetchMore(parent)
                pages += 1
            if not found.isValid():
                return QModelIndex()
            parent = found
        return found
