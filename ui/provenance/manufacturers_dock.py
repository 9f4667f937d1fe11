"""The manufacturers registry dock: the table and an editor for the selected manufacturer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forensics.provenance.manufacturers import add_manufacturer, edit_manufacturer, parse_alias
from forensics.provenance.models import Manufacturer, Source
from forensics.store.provenance import ProvenanceRepository
from ui.actions import case_writable
from ui.edit_conflict import save_edit
from ui.narrow import hint
from ui.provenance.common import CaseProvider, run_guarded
from ui.provenance.models import manufacturers_model
from ui.table_model import row_table


class ManufacturerEditor(QWidget):
    """Fields of one manufacturer; "Add" registers a new one, "Save" changes the selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: Manufacturer | None = None
        """The manufacturer as the fields were filled from it (an edit's base)."""
        self.name = QLineEdit()
        self.aliases = QLineEdit()
        hint(
            self.aliases,
            "names, comma-separated",
            "Other names, comma-separated; write name@script for a name in its native script",
        )
        self.country = QLineEdit()
        hint(self.country, "CN or China", "The country: its ISO code or name (CN, China)")
        self.region = QLineEdit()
        self.city = QLineEdit()
        self.listing = QLineEdit()
        hint(self.listing, "listing status, as found", "Sanctions or listing status, as found")
        self.listing_source = QComboBox()
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(60)
        form = QFormLayout(self)
        for label, widget in (
            ("Name", self.name),
            ("Aliases", self.aliases),
            ("Country", self.country),
            ("Region", self.region),
            ("City", self.city),
            ("Listing status", self.listing),
            ("Listing source", self.listing_source),
            ("Notes", self.notes),
        ):
            form.addRow(label, widget)

    def set_sources(self, sources: list[Source]) -> None:
        """The sources a listing status can cite."""
        current = self.listing_source.currentData()
        self.listing_source.clear()
        self.listing_source.addItem("(none)", None)
        for s in sources:
            self.listing_source.addItem(f"[{s.grade}] {s.title}", s.id)
        index = self.listing_source.findData(current)
        self.listing_source.setCurrentIndex(max(0, index))

    def show_manufacturer(self, m: Manufacturer | None) -> None:
        """Fill the fields (empty for None); an edit is saved as made from this copy."""
        self.shown = m
        self.name.setText(m.name if m else "")
        self.aliases.setText(
            ", ".join(
                a.name if a.script in ("Latin", "native") else f"{a.name}@{a.script}"
                for a in m.aliases
            )
            if m
            else ""
        )
        self.country.setText(m.country_code or "" if m else "")
        self.region.setText(m.region or "" if m else "")
        self.city.setText(m.city or "" if m else "")
        self.listing.setText(m.listing_status or "" if m else "")
        self.listing_source.setCurrentIndex(
            max(0, self.listing_source.findData(m.listing_source_id if m else None))
        )
        self.notes.setPlainText(m.notes or "" if m else "")

    def values(self) -> dict[str, Any]:
        """The fields as keyword arguments of the core's add/edit."""
        return {
            "name": self.name.text().strip(),
            "aliases": [parse_alias(a) for a in self.aliases.text().split(",") if a.strip()],
            "country": self.country.text().strip() or None,
            "region": self.region.text().strip() or None,
            "city": self.city.text().strip() or None,
            "listing_status": self.listing.text().strip() or None,
            "listing_source_id": self.listing_source.currentData(),
            "notes": self.notes.toPlainText().strip() or None,
        }


class ManufacturersDock(QWidget):
    """The registry table with its editor."""

    changed = Signal()

    def __init__(self, case: CaseProvider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._case = case
        self.model = manufacturers_model(self)
        self.table = row_table(self.model)
        self.editor = ManufacturerEditor()
        self.add_button = QPushButton("&Add as new")
        self.add_button.setToolTip("Register the manufacturer described in the fields")
        self.save_button = QPushButton("&Save changes")
        self.save_button.setToolTip("Save the fields into the selected manufacturer")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.editor)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.add_button.clicked.connect(self.add)
        self.save_button.clicked.connect(self.save)

    def reload(self) -> None:
        """Read the registry again from the open case."""
        case = self._case()
        for button in (self.add_button, self.save_button):
            button.setEnabled(case_writable(case))  # off on a read-only or reviewer's case
        if case is None:
            self.model.set_rows([])
            return
        repo = ProvenanceRepository(case.db)
        self.model.set_rows(repo.all(Manufacturer, order=("name",), nocase=True))
        self.editor.set_sources(repo.all(Source, order=("title",)))

    def selected(self) -> Manufacturer | None:
        """The selected manufacturer."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _selected(self) -> None:
        self.editor.show_manufacturer(self.selected())

    def add(self) -> bool:
        """Register the manufacturer in the fields."""
        case = self._case()
        if case is None:
            return False
        ok = run_guarded(
            self, "Adding the manufacturer", lambda: add_manufacturer(case, **self.editor.values())
        )
        if ok:
            self.reload()
            self.changed.emit()
        return ok

    def save(self) -> bool:
        """Save the fields into the selected manufacturer."""
        # The manufacturer the fields were filled from: the table may have been read again
        # since (a colleague's change), the edit is still made from what was shown.
        case, current = self._case(), self.editor.shown or self.selected()
        if case is None or current is None:
            return False
        values = self.editor.values()
        saved: list[Manufacturer | None] = []
        run_guarded(
            self,
            f"Saving {current.name}",
            lambda: saved.append(
                save_edit(
                    self,
                    case,
                    f"Manufacturer {current.name}",
                    current,
                    lambda base: edit_manufacturer(case, current.id, values, based_on=base),
                    self.editor.show_manufacturer,
                )
            ),
        )
        done = saved[0] if saved else None
        if done is not None:
            self.reload()
            self.editor.show_manufacturer(done)
            self.changed.emit()
        return done is not None
