"""The component editor: record a component inside the selected item, edit it, and ask the
marking assistant who made it (accept or reject each suggestion, with its pattern shown).
Withdraw… takes back one of its attributions (`attributions.py`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forensics.errors import NotFoundError
from forensics.provenance.components import add_component, edit_component, link_component
from forensics.provenance.markings import Suggestion, decide, suggest
from forensics.provenance.models import FUNCTIONS, Basis, Component, Confidence
from forensics.records.provenance import CONFIDENCE_MEANING, CONFIDENCE_SCALE
from forensics.store.provenance import ProvenanceRepository
from ui.actions import case_writable
from ui.edit_conflict import save_edit
from ui.narrow import hint, narrow
from ui.provenance.attributions import WithdrawButton
from ui.provenance.common import CaseProvider, run_guarded
from ui.record_picker import RecordPicker
from ui.scales import fill_scale_combo


class ComponentEditor(QWidget):
    """Fields of a component; the marking assistant under them."""

    changed = Signal()

    def __init__(self, case: CaseProvider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._case = case
        self.item_id: str | None = None
        self.component: Component | None = None
        self.heading = QLabel("Select an item in the case tree.")
        self.function = QComboBox()
        self.function.setEditable(True)
        self.function.addItems(FUNCTIONS)
        self.part = QLineEdit()
        self.marking = QPlainTextEdit()
        self.marking.setPlaceholderText("the marking exactly as read, line by line")
        self.marking.setMaximumHeight(70)
        self.date_code = QLineEdit()
        self.lot_code = QLineEdit()
        form = QFormLayout()
        for label, widget in (
            ("Function", self.function),
            ("Part number", self.part),
            ("Marking", self.marking),
            ("Date code", self.date_code),
            ("Lot code", self.lot_code),
        ):
            form.addRow(label, widget)
        self.add_button = QPushButton("Add &inside selected item")
        self.add_button.setToolTip("Record a component inside the selected item")
        self.save_button = QPushButton("Sa&ve component")
        self.save_button.setToolTip("Save the fields into the selected component")
        self.suggest_button = QPushButton("S&uggest manufacturer")
        self.suggest_button.setToolTip("Match the marking and part number against the catalogue")
        self.suggestions = QListWidget()
        self.suggestions.setWordWrap(True)  # a suggestion says why; read whole, not scrolled
        self.confidence = QComboBox()
        self.confidence.setObjectName("attribution_confidence")
        fill_scale_combo(self.confidence, CONFIDENCE_SCALE, Confidence.ALL, CONFIDENCE_MEANING)
        self.confidence.setCurrentText(Confidence.PROBABLE)
        self.basis_note = QLineEdit()
        self.basis_note.setObjectName("link_basis")
        hint(
            self.basis_note,
            "Basis: what you saw, where",
            "Why this component is attributed to the maker: what you saw and where, kept with"
            " the link (e.g. 'logo on the lens ring')",
        )
        self.maker = RecordPicker(self._case, ["manufacturer"])
        self.maker.setObjectName("link_maker")
        self.basis = narrow(QComboBox(), 12)
        self.basis.setObjectName("link_basis_kind")
        self.basis.addItems(Basis.ALL)
        self.basis.setToolTip("The kind of basis for the attribution")
        self.link_button = QPushButton("&Link to maker")
        self.link_button.setToolTip(
            "Attribute the component to the maker named on the left, on this basis"
        )
        self.accept_button = QPushButton("&Accept")
        self.accept_button.setToolTip("Link the component to the suggested manufacturer")
        self.reject_button = QPushButton("Re&ject")
        self.reject_button.setToolTip("Record that the suggestion does not apply")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.attributions = WithdrawButton(case, self.status)
        self.attributions.changed.connect(self.changed)
        self.heading.setWordWrap(True)  # an item's name may be long; it must not widen the dock
        # Two short rows rather than one long one: on a 1366 px screen the single row of
        # three buttons made this dock 490 px at least and pushed the window off the screen.
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        suggest_row = QHBoxLayout()
        suggest_row.addWidget(self.suggest_button)
        suggest_row.addStretch(1)
        decide_row = QHBoxLayout()
        decide_row.addWidget(QLabel("Attribution confidence"))
        decide_row.addWidget(self.confidence)
        decide_row.addStretch(1)
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.attributions)
        answer_row.addStretch(1)
        answer_row.addWidget(self.reject_button)
        answer_row.addWidget(self.accept_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addLayout(suggest_row)
        layout.addWidget(self.suggestions, 1)
        maker_row = QHBoxLayout()
        maker_row.addWidget(QLabel("Maker"))
        maker_row.addWidget(self.maker, 1)
        layout.addLayout(maker_row)
        layout.addWidget(self.basis_note)
        link_row = QHBoxLayout()
        link_row.addWidget(self.basis)
        link_row.addStretch(1)
        link_row.addWidget(self.link_button)
        layout.addLayout(link_row)
        layout.addLayout(decide_row)
        layout.addLayout(answer_row)
        layout.addWidget(self.status)
        self.add_button.clicked.connect(self.add)
        self.save_button.clicked.connect(self.save)
        self.suggest_button.clicked.connect(self.run_suggest)
        self.accept_button.clicked.connect(lambda: self.decide(True))
        self.reject_button.clicked.connect(lambda: self.decide(False))
        self.link_button.clicked.connect(self.link_to_maker)
        self._update_buttons()

    def show_item(self, item_id: str | None) -> None:
        """Show the item selected in the case (its component fields when it is one).

        Shown again while its fields hold an unsaved edit (a colleague's change arrived),
        the edit and the copy it was made from stay: saving then settles the two."""
        if item_id is None or item_id != self.item_id or not self._typed():
            self._show(item_id)

    def _show(self, item_id: str | None) -> None:
        case = self._case()
        self.item_id = item_id
        self.component = None
        self.suggestions.clear()
        if case is None or item_id is None:
            self.heading.setText("Select an item in the case tree.")
        else:
            try:
                item = case.items.get(item_id)
            except NotFoundError:
                item = None
            self.component = ProvenanceRepository(case.db).find(Component, item_id)
            self.heading.setText(
                f"Component: {item.name}"
                if self.component and item
                else f"Item: {item.name} (add a component inside it)"
                if item
                else ""
            )
        c = self.component
        self.function.setCurrentText(c.function if c else "")
        self.part.setText(c.part_number or "" if c else "")
        self.marking.setPlainText(c.marking or "" if c else "")
        self.date_code.setText(c.date_code or "" if c else "")
        self.lot_code.setText(c.lot_code or "" if c else "")
        self.attributions.show_component(c.id if c else None)
        self._update_buttons()

    def _typed(self) -> bool:
        """The fields differ from the component they were filled from (an unsaved edit)."""
        c = self.component
        if c is None:
            return False
        fields = self._fields()
        return fields.pop("function") != c.function or any(
            v != (getattr(c, k) or None) for k, v in fields.items()
        )

    def _update_buttons(self) -> None:
        writable = case_writable(self._case())  # off on a read-only or a reviewer's case
        self.add_button.setEnabled(writable and self.item_id is not None)
        self.save_button.setEnabled(writable and self.component is not None)
        self.link_button.setEnabled(writable and self.component is not None)
        has_choice = writable and self.component is not None and self.suggestions.count() > 0
        self.accept_button.setEnabled(has_choice)
        self.reject_button.setEnabled(has_choice)

    def _fields(self) -> dict[str, Any]:
        return {
            "function": self.function.currentText().strip(),
            "part_number": self.part.text().strip() or None,
            "marking": self.marking.toPlainText() or None,
            "date_code": self.date_code.text().strip() or None,
            "lot_code": self.lot_code.text().strip() or None,
        }

    def add(self) -> bool:
        """Record a new component inside the selected item."""
        case, parent = self._case(), self.item_id
        if case is None or parent is None:
            return False
        created: list[Component] = []
        ok = run_guarded(
            self,
            "Adding the component",
            lambda: created.append(add_component(case, parent_id=parent, **self._fields())),
        )
        if ok:
            self.changed.emit()
            self.show_item(created[0].id)
        return ok

    def save(self) -> bool:
        """Save the fields into the selected component."""
        case, c = self._case(), self.component
        if case is None or c is None:
            return False
        fields = self._fields()
        saved: list[Component | None] = []
        run_guarded(
            self,
            "Saving the component",
            lambda: saved.append(
                save_edit(
                    self,
                    case,
                    "The component",
                    c,
                    lambda base: edit_component(case, c.id, fields, based_on=base),
                    lambda _current: self._show(c.id),
                )
            ),
        )
        if saved and saved[0] is not None:
            self.changed.emit()
            self._show(c.id)
        return bool(saved and saved[0])

    def run_suggest(self) -> list[Suggestion]:
        """Fill the list with suggestions for the marking and part number."""
        text = "\n".join(t for t in (self.marking.toPlainText(), self.part.text()) if t)
        found = suggest(text)
        self.suggestions.clear()
        for s in found:
            entry = QListWidgetItem(
                f"{s.manufacturer} ({s.country_code or '?'}): '{s.matched_text}' matched "
                f"{s.pattern_id} [{s.kind}]"
            )
            entry.setToolTip(f"pattern {s.pattern}\n{s.family}\n{s.note}".strip())
            entry.setData(256, s)
            self.suggestions.addItem(entry)
        if found:
            self.suggestions.setCurrentRow(0)
        self.status.setText(
            f"{len(found)} suggestion" + ("" if len(found) == 1 else "s")
            if found
            else "No catalogue pattern matches this marking."
        )
        self._update_buttons()
        return found

    def link_to_maker(self) -> bool:
        """Attribute the selected component to the maker picked by name, on the chosen basis
        and confidence, with the basis in the analyst's words."""
        case, c = self._case(), self.component
        maker_id = self.maker.record_id()
        if case is None or c is None or not maker_id:
            return False
        ok = run_guarded(
            self,
            "Linking the component",
            lambda: link_component(
                case,
                c.id,
                maker_id,
                basis=self.basis.currentText(),
                confidence=self.confidence.currentText(),
                note=self.basis_note.text().strip() or None,
            ),
        )
        if ok:
            self.status.setText(f"linked to {self.maker.text()} ({self.basis.currentText()})")
            self.maker.clear_pick()
            self.basis_note.clear()
            self.attributions.show_component(c.id)
            self.changed.emit()
        return ok

    def decide(self, accept: bool) -> bool:
        """Accept or reject the highlighted suggestion for the selected component."""
        case, c, entry = self._case(), self.component, self.suggestions.currentItem()
        if case is None or c is None or entry is None:
            return False
        suggestion: Suggestion = entry.data(256)
        ok = run_guarded(
            self,
            "Recording the decision",
            lambda: decide(
                case,
                c.id,
                suggestion,
                accept=accept,
                confidence=self.confidence.currentText(),
                basis_note=self.basis_note.text().strip() or None,
            ),
        )
        if ok:
            verb = "linked to" if accept else "rejected"
            self.status.setText(f"{verb} {suggestion.manufacturer} ({suggestion.pattern_id})")
            # The window reloads this editor when the records change, which may already have
            # cleared the list (and deleted `entry`): remove the suggestion only if it is there.
            for row in range(self.suggestions.count() - 1, -1, -1):
                if self.suggestions.item(row).data(256) is suggestion:
                    self.suggestions.takeItem(row)
            self.basis_note.clear()
            self.attributions.show_component(c.id)
            self._update_buttons()
            self.changed.emit()
        return ok
