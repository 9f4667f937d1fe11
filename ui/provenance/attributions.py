"""Withdraw… under the component editor: the component's attributions to manufacturers in its
menu (withdrawn ones shown, greyed), and the one picked withdrawn after asking why.

A link is withdrawn, never deleted: it stays on the record, marked withdrawn, with why in the
custody log. Withdrawing is the one change a link can get, to one value, so there is nothing
to settle with a colleague who withdrew it first: nothing is written, and the editor's status
line says who did and when. A button with a menu, not a list, so the Component dock still
fits a 1366x768 screen.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLabel, QMenu, QPushButton, QWidget

from forensics.provenance.components import withdraw_link, withdrawal
from forensics.provenance.models import ComponentLink, Manufacturer
from forensics.records.provenance import LinkStatus
from forensics.store.provenance import ProvenanceRepository
from ui.actions import case_writable
from ui.provenance.common import CaseProvider, run_guarded


class WithdrawButton(QPushButton):
    """Withdraw… with the shown component's attributions in its menu.

    Args:
        case: the open case.
        status: where what happened is said (the editor's status line).
        parent: the editor.
    """

    changed = Signal()

    def __init__(self, case: CaseProvider, status: QLabel, parent: QWidget | None = None) -> None:
        super().__init__("&Withdraw…", parent)
        self.setObjectName("withdraw_attribution")
        self.setToolTip(
            "Withdraw one of the component's attributions: it stays on the record, marked "
            "withdrawn, with why in the custody log"
        )
        self._case = case
        self.status = status
        self.component_id: str | None = None
        self.setMenu(QMenu(self))
        self.show_component(None)

    def show_component(self, component_id: str | None) -> None:
        """List a component's attributions in the menu (None: no component shown)."""
        case = self._case()
        self.component_id = component_id
        menu = self.menu()
        menu.clear()
        if case is not None and component_id is not None:
            repo = ProvenanceRepository(case.db)
            for link in repo.links_of(component_id, active_only=False):
                maker = repo.get(Manufacturer, link.manufacturer_id)
                active = link.status == LinkStatus.ACTIVE
                action = menu.addAction(
                    f"{maker.name} ({maker.country_code or '?'}): {link.basis}, {link.confidence}"
                    + ("" if active else " - withdrawn")
                )
                action.setData(link.id)
                action.setEnabled(active)
                action.triggered.connect(lambda _c=False, chosen=link: self.withdraw(chosen))
        writable = case_writable(case)
        self.setEnabled(writable and any(a.isEnabled() for a in menu.actions()))

    def action_for(self, link_id: str) -> QAction:
        """The menu entry of one attribution."""
        [found] = [a for a in self.menu().actions() if a.data() == link_id]
        return found

    def withdraw(self, link: ComponentLink, reason: str | None = None) -> bool:
        """Withdraw an attribution, asking why (`reason` given: not asked). One a colleague
        withdrew first stays theirs: nothing is written and the status says who."""
        case = self._case()
        if case is None:
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
