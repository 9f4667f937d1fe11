"""File > Team…: who has which role in a server case, and (for its admin) adding a person.

The list is the server's own (`forensics.team.members`, read from PostgreSQL's role
memberships); adding calls the same core function as `pwb team add` (`forensics.team.
add_member`: the grant and its custody entry in one transaction). The server decides: a
refusal (not the case's admin, no such login, roles not set up) is shown in words.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forensics.case import Case
from forensics.errors import WorkbenchError
from forensics.team import ROLES, add_member, may_add_people, members
from forensics.textsafe import shown

log = logging.getLogger(__name__)

ROLE_WORDS = {
    "examiner": "examiner (writes)",
    "reviewer": "reviewer (reads and comments)",
    "admin": "case administrator (adds people, seals)",
}


class TeamDialog(QDialog):
    """The members of a server case and, for its admin, a row to add one."""

    def __init__(self, case: Case, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("team_dialog")
        self.setWindowTitle("Team")
        self._case = case
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("team_members")
        self.table.setHorizontalHeaderLabels(["Login", "Role"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.login = QLineEdit()
        self.login.setObjectName("team_login")
        self.login.setPlaceholderText("their login on the server")
        self.role = QComboBox()
        self.role.setObjectName("team_role")
        for role in ROLES:
            self.role.addItem(ROLE_WORDS.get(role, role), role)
        self.add_button = QPushButton("&Add")
        self.add_button.setObjectName("team_add")
        self.add_button.setToolTip("Give this login the role in the case (logged)")
        self.add_button.clicked.connect(self.add)
        self.admin = may_add_people(case)
        note = (
            "Add a person by their login on the server (its administrator makes the login)."
            if self.admin
            else "Only the case's administrator adds people."
        )
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.login, 2)
        row.addWidget(self.role, 2)
        row.addWidget(self.add_button)
        for widget in (self.login, self.role, self.add_button):
            widget.setEnabled(self.admin)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Members of {shown(case.location)}"))
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        layout.addLayout(row)
        layout.addWidget(close)
        self.resize(520, 360)
        self.reload()

    def reload(self) -> None:
        """Read the members again from the server."""
        try:
            people = members(self._case)
        except WorkbenchError as exc:
            QMessageBox.critical(self, "Cannot list the team", str(exc))
            people = []
        self.table.setRowCount(len(people))
        for n, (login, role) in enumerate(people):
            self.table.setItem(n, 0, QTableWidgetItem(shown(login)))
            self.table.setItem(n, 1, QTableWidgetItem(ROLE_WORDS.get(role, role)))

    def rows(self) -> list[tuple[str, str]]:
        """The members as shown (login, role words)."""

        def text(row: int, column: int) -> str:
            cell = self.table.item(row, column)
            return cell.text() if cell is not None else ""

        return [(text(n, 0), text(n, 1)) for n in range(self.table.rowCount())]

    def add(self) -> str | None:
        """Give the login typed the role chosen; the server's refusal is shown in words."""
        login, role = self.login.text().strip(), str(self.role.currentData())
        try:
            granted = add_member(self._case, login, role)
        except WorkbenchError as exc:
            QMessageBox.critical(self, "Cannot add the person", str(exc))
            return None
        except Exception as exc:  # a server refusal we do not know by code: say it, go on
            log.exception("adding %s as %s failed", login, role)
            QMessageBox.critical(self, "Cannot add the person", f"The server refused: {exc}")
            return None
        self.login.clear()
        self.reload()
        return granted
