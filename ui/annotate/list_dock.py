"""The annotations list: filter by label, item and link; double-click jumps to the frame."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from forensics.annotations.models import AnnotationFilter, TargetType
from forensics.annotations.service import AnnotationService
from forensics.case import Case
from ui.annotate.list_model import AnnotationTableModel
from ui.record_picker import RecordPicker

ALL = "(all)"


class AnnotationsDock(QWidget):
    """Every annotation of the case, filterable."""

    frame_requested = Signal(str, int)
    """item_id, frame_index of the annotation double-clicked."""
    annotation_chosen = Signal(str)
    menu_requested = Signal(str, QPoint)
    """annotation_id, global position: a row was right-clicked."""

    def __init__(
        self, service: Callable[[], AnnotationService | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("annotations_dock")
        self._service = service
        self.model = AnnotationTableModel(service, self)
        self.label_filter = QComboBox()
        self.label_filter.setObjectName("annotation_label_filter")
        self.label_filter.setToolTip("Only annotations with this label")
        self.item_filter = QComboBox()
        self.item_filter.setObjectName("annotation_item_filter")
        self.item_filter.setToolTip("Only annotations on this media item")
        self.link_type = QComboBox()
        self.link_type.addItems([ALL, *TargetType.ALL])
        self.link_type.setToolTip("Only annotations that support a record of this kind")
        self.link_id = RecordPicker(self._case, TargetType.ALL)
        self.link_id.setObjectName("annotation_link_filter")
        self.link_id.setToolTip("Only annotations that support this record (type its name)")
        row = QHBoxLayout()  # two rows of filters: one row of four was too wide for a laptop
        row.addWidget(self.label_filter)
        row.addWidget(self.item_filter, 1)
        link_row = QHBoxLayout()
        link_row.addWidget(self.link_type)
        link_row.addWidget(self.link_id, 1)
        self.table = QTableView()
        self.table.setObjectName("annotations_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open)
        self.table.clicked.connect(self._chosen)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(link_row)
        layout.addWidget(self.table)
        self.label_filter.currentIndexChanged.connect(self._apply)
        self.item_filter.currentIndexChanged.connect(self._apply)
        self.link_id.editingFinished.connect(self._apply)
        self.link_id.picked.connect(lambda _kind, _id: self._apply())
        self.link_type.currentTextChanged.connect(self._link_type_changed)

    def _link_type_changed(self, kind: str) -> None:
        """Offer records of the chosen kind only (a pick of another kind is dropped)."""
        self.link_id.set_kinds(TargetType.ALL if kind == ALL else [kind])
        self._apply()

    def _case(self) -> Case | None:
        svc = self._service()
        return None if svc is None else svc.case

    def reload(self) -> None:
        """Refill the filter choices and the table (case opened or changed)."""
        svc = self._service()
        label, item = self.label_filter.currentText(), self.item_filter.currentData()
        for combo in (self.label_filter, self.item_filter):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ALL, None)
        if svc is not None:
            for name in svc.labels().names():
                self.label_filter.addItem(name, name)
            for frame_item in sorted({a.item_id for a in svc.repo.search()}):
                found = svc.case.items.find(frame_item)
                self.item_filter.addItem(found.name if found else frame_item, frame_item)
        self.label_filter.setCurrentIndex(max(0, self.label_filter.findText(label)))
        self.item_filter.setCurrentIndex(max(0, self.item_filter.findData(item)))
        for combo in (self.label_filter, self.item_filter):
            combo.blockSignals(False)
        self._apply()

    def current_filter(self) -> AnnotationFilter:
        """The filter the widgets describe."""
        link = None
        if self.link_type.currentText() != ALL:
            link = (self.link_type.currentText(), self.link_id.record_id() or None)
        return AnnotationFilter(
            label=self.label_filter.currentData(), item_id=self.item_filter.currentData(), link=link
        )

    def _apply(self) -> None:
        self.model.set_filter(self.current_filter())

    def _open(self, index: QModelIndex) -> None:
        ann = self.model.annotation(index.row())
        if ann is not None:
            self.frame_requested.emit(ann.item_id, ann.frame_index)
            self.annotation_chosen.emit(ann.id)

    def _menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        ann = self.model.annotation(index.row()) if index.isValid() else None
        if ann is not None:
            self.table.selectRow(index.row())
            self.menu_requested.emit(ann.id, self.table.viewport().mapToGlobal(pos))

    def _chosen(self, index: QModelIndex) -> None:
        ann = self.model.annotation(index.row())
        if ann is not None:
            self.annotation_chosen.emit(ann.id)
