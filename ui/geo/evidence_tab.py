"""The hypothesis editor's Evidence tab: evidence for and against, listed until Save.

Links added or removed here only wait in the tab (`pending_links`, `pending_unlinks`): the
editor hands them to the service on Save with the field changes, as one recorded change, so
a new hypothesis can be given its evidence before it is first saved, and Cancel writes
nothing. The count of independent clues above the table is the one the map and the report
use (`geoloc.evidence.support_of`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from forensics.errors import NotFoundError, ValidationError
from forensics.store.hypotheses import LINK_KINDS, STANCES
from forensics.store.record_search import name_of
from geoloc.evidence import support_of
from geoloc.hypotheses import EvidenceLink, HypothesisService, LinkDraft
from ui.geo.models import EvidenceModel
from ui.narrow import hint
from ui.record_picker import RecordPicker

PENDING = "pending:"
"""Id prefix of a link shown in the table that Save has not recorded yet."""


class EvidenceTab(QWidget):
    """Evidence links of one hypothesis (saved, plus those waiting for Save).

    Args:
        service: the hypotheses of the open case.
        hypothesis_id: the saved hypothesis's id; a callable, as a new one has none until
            Save ("" meanwhile).
    """

    changed = Signal()
    """The links shown changed (the Sun tab looks for capture times among them)."""

    def __init__(
        self,
        service: HypothesisService,
        hypothesis_id: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self._hypothesis_id = hypothesis_id
        self.saved_links: list[EvidenceLink] = []
        self.pending_links: list[LinkDraft] = []
        """Evidence to link on Save."""
        self.pending_unlinks: list[str] = []
        """Ids of saved links to remove on Save."""
        self.model = EvidenceModel(
            self, names=lambda kind, rid: name_of(service.case.db, kind, rid)
        )
        layout = QVBoxLayout(self)
        self.support_label = QLabel("")
        self.support_label.setWordWrap(True)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.stance_box = QComboBox()
        self.stance_box.addItems(list(STANCES))
        self.kind_box = QComboBox()
        self.kind_box.addItems(list(LINK_KINDS))
        self.target_edit = RecordPicker(lambda: service.case, [self.kind_box.currentText()])
        self.target_edit.setObjectName("evidence_target")
        self.kind_box.currentTextChanged.connect(lambda k: self.target_edit.set_kinds([k]))
        self.clue_edit = QLineEdit()
        hint(self.clue_edit, "clue label", "Links with one clue label count as one clue")
        add = QPushButton("&Add")
        add.setObjectName("add_evidence")
        add.setToolTip("List this evidence; it is linked when you save")
        add.clicked.connect(self.add_link)
        remove = QPushButton("&Remove selected")
        remove.clicked.connect(self.remove_link)
        # What to link on one row, the clue label and the buttons on the next: one row of six
        # left the picker and the clue field too narrow to read their hints.
        row = QHBoxLayout()
        row.addWidget(self.stance_box)
        row.addWidget(self.kind_box)
        row.addWidget(self.target_edit, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clue_edit, 1)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        layout.addWidget(self.support_label)
        layout.addWidget(self.view)
        layout.addLayout(row)
        layout.addLayout(buttons)
        self.show_links()

    def set_saved(self, links: list[EvidenceLink]) -> None:
        """The hypothesis's recorded links (after opening or saving it)."""
        self.saved_links = links
        self.show_links()

    def clear_pending(self) -> None:
        """Forget what waited for Save (it has been recorded)."""
        self.pending_links, self.pending_unlinks = [], []

    def shown_links(self) -> list[EvidenceLink]:
        """The links as they will be after Save: saved ones kept, then the pending ones."""
        kept = [link for link in self.saved_links if link.id not in self.pending_unlinks]
        pending = [
            EvidenceLink(
                id=f"{PENDING}{n}",
                hypothesis_id=self._hypothesis_id(),
                stance=d.stance,
                kind=d.kind,
                target_id=d.target_id,
                clue=(d.clue or "").strip() or f"{d.kind}:{d.target_id}",
                note=d.note,
                created_at="",
                created_by="on Save",
            )
            for n, d in enumerate(self.pending_links)
        ]
        return kept + pending

    def show_links(self) -> None:
        """Refill the table and the count of clues."""
        links = self.shown_links()
        self.model.set_rows(links)
        s = support_of(links)
        waiting = len(self.pending_links) + len(self.pending_unlinks)
        self.support_label.setText(
            f"{_count(s.independent_supporting, 'independent supporting clue')}, "
            f"{s.independent_contradicting} contradicting"
            + (" — fewer than two independent supporting clues" if s.weak else "")
            + (f" ({_count(waiting, 'change')} recorded when you save)" if waiting else "")
        )
        self.changed.emit()

    def add_link(self) -> None:
        """Check the record named in the evidence row and list it to link on Save."""
        try:
            draft = self.service.check_link(
                LinkDraft(
                    stance=self.stance_box.currentText(),
                    kind=self.kind_box.currentText(),
                    target_id=self.target_edit.record_id(),
                    clue=self.clue_edit.text() or None,
                )
            )
        except (ValidationError, NotFoundError) as exc:
            QMessageBox.warning(self, "Evidence not linked", str(exc))
            return
        self.pending_links.append(draft)
        self.target_edit.clear_pick()
        self.show_links()

    def remove_link(self) -> None:
        """Take the selected evidence off (saved links are removed on Save)."""
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        for row in sorted(rows, reverse=True):
            link = self.model.row_at(row)
            if link.id.startswith(PENDING):
                del self.pending_links[int(link.id.removeprefix(PENDING))]
            else:
                self.pending_unlinks.append(link.id)
        self.show_links()


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")
