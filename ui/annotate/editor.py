"""Label, note, attributes and links of the selected annotation."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forensics.annotations.models import Annotation, TargetType
from forensics.case import Case
from forensics.errors import WorkbenchError
from forensics.store.record_search import name_of
from ui.annotate.controller import AnnotationController
from ui.record_picker import RecordPicker


class AnnotationEditor(QWidget):
    """Edits one annotation through the controller (every change undoable)."""

    link_followed = Signal(str, str)
    """target_type, target_id of a link the user opened."""

    def __init__(self, controller: AnnotationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotation_editor")
        self._controller = controller
        self._id = ""
        self._shown: Annotation | None = None
        """The annotation as the fields were filled from it (an edit's base)."""
        self.label = QComboBox()
        self.label.setEditable(True)
        self.label.setToolTip("The label; type a new one to add it to the case's label set")
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(70)
        self.attributes = QTableWidget(0, 2)
        self.attributes.setHorizontalHeaderLabels(["Attribute", "Value"])
        self.attributes.horizontalHeader().setStretchLastSection(True)
        self.add_attr = add_attr = QPushButton("Add attribute")
        add_attr.clicked.connect(lambda: self.attributes.insertRow(self.attributes.rowCount()))
        self.apply = QPushButton("Apply")
        self.apply.setToolTip("Save label, note and attributes")
        self.apply.clicked.connect(self.save)
        self.links = QListWidget()
        self.links.setObjectName("annotation_links")
        self.links.itemDoubleClicked.connect(self._follow)
        self.link_type = QComboBox()
        self.link_type.addItems(list(TargetType.ALL))
        self.link_target = RecordPicker(self._case, [self.link_type.currentText()])
        self.link_target.setObjectName("annotation_link_target")
        self.link_type.currentTextChanged.connect(lambda kind: self.link_target.set_kinds([kind]))
        self.link_button = add_link = QPushButton("Link")
        add_link.setToolTip("Say what this annotation supports")
        add_link.clicked.connect(self._add_link)
        self.unlink_button = remove_link = QPushButton("Unlink")
        remove_link.clicked.connect(self._remove_link)
        form = QFormLayout()
        form.addRow("Label", self.label)
        form.addRow("Note", self.note)
        form.addRow("Attributes", self.attributes)
        # What to link on one row, the buttons on the next: one row of four widgets made this
        # panel too wide for a 1366 px screen beside the viewer.
        link_row = QHBoxLayout()
        link_row.addWidget(self.link_type)
        link_row.addWidget(self.link_target, 1)
        link_buttons = QHBoxLayout()
        link_buttons.addStretch(1)
        link_buttons.addWidget(add_link)
        link_buttons.addWidget(remove_link)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(add_attr)
        buttons.addStretch(1)
        buttons.addWidget(self.apply)
        layout.addLayout(buttons)
        layout.addWidget(self.links)
        layout.addLayout(link_row)
        layout.addLayout(link_buttons)
        controller.selection_changed.connect(self.show_annotation)
        controller.changed.connect(lambda: self.show_annotation(self._id))
        self.show_annotation("")

    @property
    def annotation_id(self) -> str:
        """The annotation shown ("" when none)."""
        return self._id

    def show_annotation(self, annotation_id: str) -> None:
        """Show an annotation's fields (or nothing)."""
        ann = None
        if annotation_id:
            try:
                ann = self._controller.service().repo.find(annotation_id)
            except WorkbenchError:
                ann = None
        self._id = ann.id if ann is not None else ""
        self._shown = ann
        self.setEnabled(ann is not None)
        # A read-only case (read-only media, a reviewer's): shown, not editable.
        case = self._case() if ann is not None else None
        editable = case is not None and not case.readonly
        for button in (self.apply, self.add_attr, self.link_button, self.unlink_button):
            button.setEnabled(editable)
        self.label.clear()
        self.note.clear()
        self.attributes.setRowCount(0)
        self.links.clear()
        if ann is None:
            return
        svc = self._controller.service()
        self.label.addItems(svc.labels().names())
        self.label.setCurrentText(ann.label)
        self.note.setPlainText(ann.note or "")
        for key, value in ann.attributes.items():
            row = self.attributes.rowCount()
            self.attributes.insertRow(row)
            self.attributes.setItem(row, 0, QTableWidgetItem(str(key)))
            self.attributes.setItem(row, 1, QTableWidgetItem(str(value)))
        for link in svc.links_of(ann.id):
            entry = QListWidgetItem(
                f"{link.target_type}: {self._describe(link.target_type, link.target_id)}"
            )
            entry.setData(Qt.ItemDataRole.UserRole, (link.id, link.target_type, link.target_id))
            self.links.addItem(entry)

    def _describe(self, target_type: str, target_id: str) -> str:
        name = name_of(self._controller.service().case.db, target_type, target_id)
        return f"{name} ({target_id[:8]})" if name else target_id

    def _attributes(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for row in range(self.attributes.rowCount()):
            key = self.attributes.item(row, 0)
            value = self.attributes.item(row, 1)
            if key is not None and key.text().strip():
                out[key.text().strip()] = value.text() if value is not None else ""
        return out

    def save(self) -> None:
        """Write label, note and attributes (one undoable edit)."""
        if not self._id:
            return
        svc = self._controller.service()
        label = self.label.currentText().strip()
        if label and label not in svc.labels():
            try:
                svc.add_label(label)
            except WorkbenchError as exc:
                self._controller.failed.emit(f"label refused: {exc}")
                return
        self._controller.edit(
            self._id,
            {
                "label": label,
                "note": self.note.toPlainText() or None,
                "attributes": self._attributes(),
            },
            based_on=self._shown,  # a colleague's change since is settled, not overwritten
        )

    def _case(self) -> Case | None:
        try:
            return self._controller.service().case
        except WorkbenchError:
            return None

    def _add_link(self) -> None:
        target = self.link_target.record_id()
        if not (self._id and target):
            return
        if self._controller.link(self._id, self.link_type.currentText(), target):
            self.link_target.clear_pick()

    def _remove_link(self) -> None:
        entry = self.links.currentItem()
        if entry is not None:
            link_id, _t, _i = entry.data(Qt.ItemDataRole.UserRole)
            self._controller.unlink(link_id)

    def _follow(self, entry: QListWidgetItem) -> None:
        _id, target_type, target_id = entry.data(Qt.ItemDataRole.UserRole)
        self.link_followed.emit(target_type, target_id)
