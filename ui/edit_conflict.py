"""One way every form settles an edit a colleague overtook: the conflict dialog.

A form saves from the record as it showed it (`based_on`); when a colleague changed one of
the same fields since (`EditConflictError`, see `forensics.store.rebase`), nothing was
written. `save_edit` then shows who changed it and when (from the custody chain, by name),
their values against the form's field by field, and lets the examiner choose:

- **Reload theirs**: drop this edit; the form shows the record as it is now.
- **Apply mine on top**: make the edit again from the record as it is now, a new recorded
  change that the custody log shows (their values as "from", mine as "to"); never silent.
- **Cancel**: nothing is written and the form keeps what was typed.

Every form (item, component, manufacturer, annotation, hypothesis, source grade, label rename,
track keyframe) calls `save_edit`, so they all behave the same; none catches the error itself.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, overload

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forensics.case import Case
from forensics.edits import Change, changed_since, logged_changes, stored, stored_of
from forensics.errors import EditConflictError
from forensics.records.actions import phrase
from forensics.textsafe import shown

R = TypeVar("R")
T = TypeVar("T")


class Choice(enum.Enum):
    """What the examiner chose in the conflict dialog."""

    RELOAD = "reload"
    APPLY = "apply"
    CANCEL = "cancel"


def _value(value: Any) -> str:
    if value is None or value == "" or value == () or value == []:
        return "(empty)"
    if isinstance(value, list | tuple):
        return ", ".join(shown(getattr(v, "name", v)) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{shown(k)}={shown(v)}" for k, v in value.items())
    return shown(value)


def describe(what: str, changes: Sequence[Change]) -> str:
    """Who changed the record since the form opened, and when, in a sentence."""
    if not changes:
        return f"{what} was changed by someone else while you were editing it."
    told = "; ".join(
        f"{shown(c.actor)} at {c.when} ({phrase(c.action)}"
        + (f": “{shown(c.reason)}”" if c.reason else "")
        + ")"
        for c in changes[-3:]
    )
    more = f" and {len(changes) - 3} earlier change(s)" if len(changes) > 3 else ""
    return f"{what} was changed while you were editing it, by {told}{more}."


class EditConflictDialog(QDialog):
    """Their values against mine, field by field, and the three ways out.

    Args:
        what: the record in words ("item 'Gerbera drone'").
        conflict: the refusal, with each clashing field's values.
        changes: who changed the record since the form opened, and when.
        parent: the form.
    """

    def __init__(
        self,
        what: str,
        conflict: EditConflictError,
        changes: Sequence[Change],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("edit_conflict")
        self.setWindowTitle("Changed by someone else")
        self.choice = Choice.CANCEL
        self.summary = QLabel(describe(what, changes))
        self.summary.setObjectName("conflict_summary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("conflict_fields")
        self.table.setHorizontalHeaderLabels(["Field", "Theirs (saved now)", "Yours"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for clash in conflict.clashes or [{"field": f} for f in conflict.fields]:
            row = self.table.rowCount()
            self.table.insertRow(row)
            cells = (
                str(clash["field"]).replace("_", " "),
                _value(clash.get("theirs")),
                _value(clash.get("mine")),
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(f"when you opened it: {_value(clash.get('base'))}")
                self.table.setItem(row, column, cell)
        hint = QLabel(
            "Nothing of yours was saved yet. Reload theirs to drop your edit and see the "
            "record as it is now; Apply mine on top to save your values over theirs as a new "
            "recorded change; Cancel to keep editing."
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.reload_button = QPushButton("&Reload theirs")
        self.apply_button = QPushButton("&Apply mine on top")
        buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.reload_button.clicked.connect(lambda: self._choose(Choice.RELOAD))
        self.apply_button.clicked.connect(lambda: self._choose(Choice.APPLY))
        cancel.clicked.connect(lambda: self._choose(Choice.CANCEL))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(620, 320)

    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        self.done(0 if choice is Choice.CANCEL else 1)


def ask(parent: QWidget, what: str, conflict: EditConflictError, changes: list[Change]) -> Choice:
    """Show the conflict dialog and wait for the examiner's choice."""
    dialog = EditConflictDialog(what, conflict, changes, parent)
    dialog.exec()
    return dialog.choice


@overload
def save_edit(
    parent: QWidget,
    case: Case,
    what: str,
    based_on: R,
    write: Callable[[R], T],
    reload: Callable[[R | None], None],
) -> T | None: ...


@overload
def save_edit(
    parent: QWidget,
    case: Case,
    what: str,
    based_on: R | None,
    write: Callable[[R | None], T],
    reload: Callable[[R | None], None],
) -> T | None: ...


def save_edit(
    parent: QWidget,
    case: Case,
    what: str,
    based_on: R | None,
    write: Callable[[Any], T],
    reload: Callable[[Any], None],
) -> T | None:
    """Save a form's edit made from `based_on`, settling a colleague's overtaking change.

    Args:
        parent: the form (dialogs are shown over it).
        case: the open case.
        what: the record in words, for the dialog.
        based_on: the record as the form showed it; None when the form showed no such record
            (a video frame with no keyframe of the track: one a colleague made there since is
            the conflict, named by the refusal).
        write: makes the edit from a given state of the record (the core call with
            `based_on=`); it is called again with the stored state for "Apply mine on top".
        reload: shows the record as stored now in the form (None: it was deleted).

    Returns:
        What `write` returned, or None when nothing was saved (reloaded or cancelled).

    Raises:
        WorkbenchError: any other refusal of `write` (the form reports it as it does).
    """
    base = based_on
    while True:
        try:
            return write(base)
        except EditConflictError as conflict:
            if base is None:
                current, told = stored_of(case, conflict), logged_changes(case, conflict)
            else:
                current, told = stored(case, base), changed_since(case, base)
            choice = ask(parent, what, conflict, told)
            if current is None:
                reload(None)
                return None
            if choice is Choice.APPLY:
                base = current  # again from the state now stored: a new, logged change
                continue
            if choice is Choice.RELOAD:
                reload(current)
            return None
