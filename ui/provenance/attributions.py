"""A component's attributions to manufacturers, under the component editor: each listed with
its basis and confidence (withdrawn ones marked), and the selected one withdrawn on request.

A link is withdrawn, never deleted: it stays on the record, marked withdrawn, with why in the
custody log. Withdrawing is the one change a link can get, to one value, so there is nothing
to settle with a colleague who withdrew it first: nothing is written, and the box says who did
and when.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forensics.provenance.components import withdraw_link, withdrawal
from forensics.provenance.models import ComponentLink, Manufacturer
from forensics.records.provenance import LinkStatus
from forensics.store.provenance import ProvenanceRepository
from ui.actions import case_writable
from ui.provenance.common import CaseProvider, run_guarded


class AttributionsBox(QWidget):
    """The shown component's attributions, and Withdraw."""

    changed = Signal()

    def __init__(self, case: CaseProvider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._case = case
        self.component_id: str | None = None
        self.links = QListWidget()
        self.links.setObjectName("attributions")
        self.links.setWordWrap(True)
        self.links.setMaximumHeight(70)
        self.withdraw_button = QPushButton("&Withdraw attribution")
        self.withdraw_button.setToolTip(
            "Withdraw the selected attribution: it stays on the record, marked withdrawn, with "
            "why in the custody log"
        )
        self.status = QLabel()
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.withdraw_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Attributions"))
        layout.addWidget(self.links)
        layout.addLayout(row)
        self.withdraw_button.clicked.connect(lambda: self.withdraw())
        self.links.currentRowChanged.connect(lambda _row: self._update_button())
        self._update_button()

    def show_component(self, component_id: str | None) -> None:
        """List a component's attributions (None: no component shown)."""
        case = self._case()
        if component_id != self.component_id:
            self.status.clear()
        self.component_id = component_id
        self.links.clear()
        if case is not None and component_id is not None:
            repo = ProvenanceRepository(case.db)
            for link in repo.links_of(component_id, active_only=False):
                maker = repo.get(Manufacturer, link.manufacturer_id)
                entry = QListWidgetItem(
                    f"{maker.name} ({maker.country_code or '?'}): {link.basis}, {link.confidence}"
                    + (" - withdrawn" if link.status == LinkStatus.WITHDRAWN else "")
                )
                entry.setData(256, link)
                self.links.addItem(entry)
        self._update_button()

    def selected(self) -> ComponentLink | None:
        """The attribution selected in the list, as listed."""
        entry = self.links.currentItem()
        return None if entry is None else cast("ComponentLink", entry.data(256))

    def _update_button(self) -> None:
        link = self.selected()
        self.withdraw_button.setEnabled(
            case_writable(self._case()) and link is not None and link.status == LinkStatus.ACTIVE
        )

    def withdraw(self, reason: str | None = None) -> bool:
        """Withdraw the selected attribution, asking why (`reason` given: not asked). One a
        colleague withdrew first stays theirs: nothing is written and the box says who."""
        case, link = self._case(), self.selected()
        if case is None or link is None:
            return False
        if reason is None:
            reason, ok = QInputDialog.getText(self, "Withdraw attribution", "Why is it withdrawn?")
            if not ok:
                return False
        head = case.custody.head()[0]
        ok = run_guarded(
            self,
            "Withdrawing the attribution",
            lambda: withdraw_link(case, link.id, reason=reason.strip() or None),
        )
        if ok:
            entry = withdrawal(case, link.id)
            self.show_component(self.component_id)
            self.status.setText(
                f"Withdrawn already by {entry.actor} at {entry.at[:16].replace('T', ' ')} UTC"
                + (f" ({entry.reason})" if entry.reason else "")
                + ": nothing written."
                if entry is not None and entry.seq <= head
                else "Attribution withdrawn."
            )
            self.changed.emit()
        return ok
