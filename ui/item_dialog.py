"""Registering a physical item (drone, module, chip) and editing an item's fields.

Every save goes through the case (`add_item` / `edit_item`), which logs the change and its
reason in the custody chain in the same transaction. A component is registered through the
provenance core (`add_component`), the same call the Component dock makes, so a component
is one record wherever it was registered and can be attributed to a manufacturer directly.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from forensics.case import Case
from forensics.errors import ValidationError, WorkbenchError
from forensics.models import Item, ItemKind
from forensics.provenance.components import add_component
from forensics.provenance.models import FUNCTIONS
from ui.edit_conflict import save_edit

STATUSES = ("active", "returned", "destroyed", "transferred")


class ItemDialog(QDialog):
    """Register a new hardware item (no `item_id`) or edit an existing item."""

    def __init__(
        self,
        case: Case,
        parent: QWidget | None = None,
        *,
        item_id: str | None = None,
        parent_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("item_dialog")
        self._case = case
        self._item: Item | None = case.items.get(item_id) if item_id else None
        self.saved: Item | None = None
        self.setWindowTitle("Edit item" if self._item else "Register hardware item")
        self.resize(520, 460)

        self.name = QLineEdit()
        self.name.setObjectName("item_name")
        self.kind = QComboBox()
        self.kind.setObjectName("item_kind")
        for kind, label in (
            (ItemKind.HARDWARE, "Hardware (a recovered object)"),
            (ItemKind.COMPONENT, "Component (a part inside one)"),
        ):
            self.kind.addItem(label, kind)
        self.function = QComboBox()
        self.function.setObjectName("item_function")
        self.function.setEditable(True)
        self.function.addItems(FUNCTIONS)
        self.function.setCurrentText("")
        function_edit = self.function.lineEdit()
        if function_edit is not None:
            function_edit.setPlaceholderText("camera, MCU, radio... (what it does)")
        self.parent_box = QComboBox()
        self.parent_box.setObjectName("item_parent")
        self.serial = QLineEdit()
        self.marking = QLineEdit()
        self.marking.setObjectName("item_marking")
        self.marking.setPlaceholderText("Exactly as read on the part")
        self.exhibit = QLineEdit()
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("comma, separated")
        self.status = QComboBox()
        self.status.setEditable(True)
        self.status.addItems(STATUSES)
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(70)
        self.reason = QLineEdit()
        self.reason.setObjectName("item_reason")
        self.reason.setPlaceholderText("Why (kept in the custody log)")

        form = QFormLayout()
        self._form = form
        form.addRow("&Name", self.name)
        if self._item is None:
            form.addRow("&Kind", self.kind)
            form.addRow("&Function", self.function)
        form.addRow("&Inside", self.parent_box)
        form.addRow("&Serial", self.serial)
        form.addRow("&Marking", self.marking)
        form.addRow("E&xhibit", self.exhibit)
        form.addRow("&Tags", self.tags)
        form.addRow("St&atus", self.status)
        form.addRow("N&ote", self.note)
        form.addRow("&Reason", self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if self._item is not None:
            layout.addWidget(QLabel(f"{self._item.kind} · {self._item.id}"))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._fill_parents(parent_id if self._item is None else self._item.parent_id)
        if self._item is not None:
            self._load(self._item)
        else:
            self.kind.currentIndexChanged.connect(self._kind_changed)
            self._kind_changed()

    def _kind_changed(self) -> None:
        """Only a component has a function (what it does inside the hardware)."""
        is_component = self.kind.currentData() == ItemKind.COMPONENT
        self._form.setRowVisible(self.function, is_component)
        self.setWindowTitle("Register component" if is_component else "Register hardware item")

    def _fill_parents(self, selected: str | None) -> None:
        self.parent_box.addItem("(top level)", None)
        own = self._item.id if self._item else None
        for candidate in self._case.items.search(
            kinds=[ItemKind.HARDWARE, ItemKind.COMPONENT, ItemKind.DISK_IMAGE],
            order_by="name",
            limit=2000,
        ):
            if candidate.id != own:
                self.parent_box.addItem(candidate.name, candidate.id)
        if selected is not None and self.parent_box.findData(selected) < 0:
            found = self._case.items.find(selected)
            if found is not None:
                self.parent_box.addItem(found.name, found.id)
        self.parent_box.setCurrentIndex(max(0, self.parent_box.findData(selected)))

    def _load(self, item: Item) -> None:
        self.name.setText(item.name)
        self.serial.setText(item.serial or "")
        self.marking.setText(item.marking or "")
        self.exhibit.setText(item.exhibit or "")
        self.tags.setText(", ".join(item.tags))
        self.status.setCurrentText(item.status)
        self.note.setPlainText(item.note or "")

    def _values(self) -> dict[str, Any]:
        return {
            "name": self.name.text().strip(),
            "parent_id": self.parent_box.currentData(),
            "serial": self.serial.text().strip() or None,
            "marking": self.marking.text() or None,
            "exhibit": self.exhibit.text().strip() or None,
            "tags": tuple(t.strip() for t in self.tags.text().split(",") if t.strip()),
            "status": self.status.currentText().strip() or "active",
            "note": self.note.toPlainText().strip() or None,
        }

    def save(self) -> None:
        """Write the item through the case (logged with the reason); errors stay in the
        dialog so nothing typed is lost."""
        if self._item is not None:
            self._save_edit(self._item)
            return
        values = self._values()
        reason = self.reason.text().strip() or None
        try:
            if self.kind.currentData() == ItemKind.COMPONENT:
                self.saved = self._add_component(values, reason)
            else:
                self.saved = self._case.add_item(
                    kind=str(self.kind.currentData()),
                    name=str(values["name"]),
                    parent_id=values["parent_id"],
                    serial=values["serial"],
                    marking=values["marking"],
                    exhibit=values["exhibit"],
                    note=values["note"],
                    tags=values["tags"],
                    reason=reason,
                )
            if self.saved is not None and values["status"] != "active":
                self.saved = self._case.edit_item(
                    self.saved.id, {"status": values["status"]}, reason=reason
                )
        except WorkbenchError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
            return
        self.accept()

    def _save_edit(self, old: Item) -> None:
        """Save the fields changed from the item as the dialog showed it: a field someone
        else changed since is settled in the conflict dialog, never overwritten."""
        values = self._values()
        changes = {
            k: v
            for k, v in values.items()
            if (tuple(old.tags) if k == "tags" else getattr(old, k)) != v
        }
        if not changes:
            self.accept()
            return
        reason = self.reason.text().strip() or None
        try:
            saved = save_edit(
                self,
                self._case,
                f"Item '{old.name}'",
                old,
                lambda base: self._case.edit_item(base.id, changes, reason=reason, based_on=base),
                self._reloaded,
            )
        except WorkbenchError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
            return
        if saved is not None:
            self.saved = saved
            self.accept()

    def _reloaded(self, current: Item | None) -> None:
        """Show the item as stored now (their values; my edit dropped)."""
        if current is None:
            self.reject()
            return
        self._item = current
        self._load(current)
        self.parent_box.setCurrentIndex(max(0, self.parent_box.findData(current.parent_id)))

    def _add_component(self, values: dict[str, Any], reason: str | None) -> Item:
        """Register a component (its item and its provenance row) inside its hardware.

        Raises:
            ValidationError: no hardware chosen, no function, or an empty name.
        """
        if values["parent_id"] is None:
            raise ValidationError(
                "a component is recorded inside the hardware it was found in: choose it "
                "under Inside"
            )
        if not values["name"]:
            raise ValidationError("an item needs a name")
        component = add_component(
            self._case,
            parent_id=str(values["parent_id"]),
            function=self.function.currentText(),
            name=str(values["name"]),
            marking=values["marking"],
            exhibit=values["exhibit"],
            serial=values["serial"],
            tags=values["tags"],
            notes=values["note"],
            reason=reason,
        )
        return self._case.items.get(component.id)
