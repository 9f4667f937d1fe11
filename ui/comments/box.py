"""The Comments box: the thread on the record shown in a details view, and a box to add one.

Every details view (the item's, the annotation's, the hypothesis list's) holds one and tells
it which record it shows (`show_for`). It lists each comment with its author, time and text,
replies under what they answer; it reloads whenever a committed change set touches comments,
which includes another examiner's comment on a server case (NOTIFY -> `records_changed`).
Adding calls the core (`forensics.comments.add_comment`), the one write a reviewer's case
allows, so the box stays usable for a reviewer while every other editing action is off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forensics.case import Case
from forensics.errors import NotFoundError, WorkbenchError
from forensics.records.comments import MAX_TEXT, Comment
from forensics.store.events import ChangeSet
from forensics.textsafe import shown
from ui.context import WorkbenchSignals
from ui.formatting import short_time

if TYPE_CHECKING:
    from forensics.comments import Target

log = logging.getLogger(__name__)

SUBJECT = "comment"


def _depths(found: list[Comment]) -> dict[str, int]:
    """How deep each comment sits in its thread (0: on the record itself)."""
    parent = {c.id: c.target_id for c in found if c.is_reply}
    depth: dict[str, int] = {}
    for c in found:
        n, at = 0, c.id
        while at in parent and n < 4:
            at, n = parent[at], n + 1
        depth[c.id] = n
    return depth


class CommentsBox(QGroupBox):
    """The comments on one record, and the box to add one (or reply to the selected one).

    Args:
        signals: the workbench's signals (committed changes reload the thread).
        current_case: the open case (or None).
        parent: the owning widget.
    """

    def __init__(
        self,
        signals: WorkbenchSignals,
        current_case: Callable[[], Case | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Comments", parent)
        self.setObjectName("comments_box")
        self._case = current_case
        self._record_id: str | None = None
        self.target: Target | None = None
        self.list = QListWidget()
        self.list.setObjectName("comments_list")
        self.list.setWordWrap(True)
        self.list.setToolTip("The comments on this record; select one to reply to it")
        self.list.setMinimumHeight(90)
        self.empty = QLabel("No comments yet.")
        self.empty.setObjectName("comments_empty")
        self.edit = QPlainTextEdit()
        self.edit.setObjectName("comment_edit")
        self.edit.setPlaceholderText("Add a comment (a reviewer may comment too)…")
        self.edit.setMaximumHeight(48)
        self.add_button = QPushButton("Comment")
        self.add_button.setObjectName("comment_add")
        self.add_button.setToolTip("Add the comment on this record (logged and signed)")
        self.add_button.clicked.connect(self.add)
        self.reply_button = QPushButton("Reply")
        self.reply_button.setObjectName("comment_reply")
        self.reply_button.setToolTip("Answer the selected comment")
        self.reply_button.clicked.connect(self.reply)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.edit.textChanged.connect(self._update_buttons)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reply_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.edit)
        layout.addLayout(buttons)
        signals.records_changed.connect(self._changed)
        signals.case_closed.connect(lambda: self.show_for(None))
        self.show_for(None)

    # what it shows -----------------------------------------------------------------------
    def show_for(self, record_id: str | None) -> None:
        """Show the comments on this record (an item, annotation, hypothesis, component...),
        or nothing."""
        if record_id != self._record_id:
            self.edit.clear()
        self._record_id = record_id
        self.reload()

    def reload(self) -> None:
        """Read the thread again."""
        self.list.clear()
        case = self._case()
        self.target = None
        if case is not None and self._record_id:
            # Threads are read once a record is shown: not for the window's first paint.
            from forensics.comments import resolve

            try:
                self.target = resolve(case, self._record_id)
            except NotFoundError:
                self.target = None
        if case is None or self.target is None:
            self.setTitle("Comments")
            self.empty.setText("Select a record to see its comments.")
            self.empty.show()
            self.list.hide()
            self._update_buttons()
            return
        from forensics.comments import comments

        found = comments(case, self.target)
        depth = _depths(found)
        for c in found:
            indent = "    " * depth[c.id] + ("↳ " if depth[c.id] else "")
            entry = QListWidgetItem(
                f"{indent}{shown(c.created_by)} · {short_time(c.created_at)} UTC\n"
                f"{indent}{shown(c.text)}"
            )
            entry.setData(Qt.ItemDataRole.UserRole, c.id)
            entry.setToolTip(shown(c.text))
            self.list.addItem(entry)
        self.setTitle(f"Comments ({len(found)})" if found else "Comments")
        self.empty.setText("No comments yet.")
        self.empty.setVisible(not found)
        self.list.setVisible(bool(found))
        self._update_buttons()

    def texts(self) -> list[str]:
        """The entries as shown (author · time, then the text), for tests and copying."""
        return [self.list.item(n).text() for n in range(self.list.count())]

    def _changed(self, changes: ChangeSet) -> None:
        if self.target is not None and changes.touches(SUBJECT):
            self.reload()

    def _update_buttons(self) -> None:
        case = self._case()
        may = case is not None and case.may_comment and self.target is not None
        has_text = bool(self.edit.toPlainText().strip())
        self.edit.setEnabled(may)
        self.add_button.setEnabled(may and has_text)
        self.reply_button.setEnabled(may and has_text and bool(self.list.selectedItems()))
        if case is not None and not case.may_comment:
            self.edit.setPlaceholderText("This case is read-only: comments cannot be added.")

    # adding ------------------------------------------------------------------------------
    def add(self) -> Comment | None:
        """Comment on the record shown."""
        return self._add(self.target)

    def reply(self) -> Comment | None:
        """Answer the selected comment."""
        selected = self.list.selectedItems()
        case = self._case()
        if not selected or case is None:
            return None
        from forensics.comments import resolve

        try:
            target = resolve(case, str(selected[0].data(Qt.ItemDataRole.UserRole)))
        except NotFoundError as exc:
            QMessageBox.warning(self, "Cannot reply", str(exc))
            return None
        return self._add(target)

    def _add(self, target: Target | None) -> Comment | None:
        case = self._case()
        if case is None or target is None:
            return None
        text = self.edit.toPlainText()
        if len(text.strip()) > MAX_TEXT:
            QMessageBox.warning(
                self,
                "Comment too long",
                f"A comment holds at most {MAX_TEXT} characters; this one has "
                f"{len(text.strip())}. Split it into replies.",
            )
            return None
        try:
            from forensics.comments import add_comment

            comment = add_comment(case, target, text)
        except WorkbenchError as exc:
            QMessageBox.warning(self, "Cannot add the comment", f"{case.location}\n\n{exc}")
            return None
        self.edit.clear()
        self.reload()  # the change set reloads it as well; a closed bus must not leave it stale
        return comment
