"""Sources and claims: the graded sources, the selected source's claims, and forms to add both.

Selecting a source puts its grade in the grade fields; "Regrade selected" saves what was
changed there from the source as it was shown (`shown`). A colleague's regrade arriving
meanwhile reloads the table but leaves a grade being changed, and the copy it was changed
from, so saving settles the two in the conflict dialog (`ui.edit_conflict`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from forensics.provenance.models import CREDIBILITY, RELIABILITY, SOURCE_KINDS, Source
from forensics.provenance.sources import add_claim, add_source, regrade_source
from forensics.store.provenance import ProvenanceRepository
from ui.actions import case_writable
from ui.edit_conflict import save_edit
from ui.narrow import hint
from ui.provenance.common import CaseProvider, run_guarded
from ui.provenance.models import claims_model, sources_model
from ui.table_model import row_table


class SourcesDock(QWidget):
    """Sources with Admiralty grades; claims of the selected source."""

    changed = Signal()

    def __init__(self, case: CaseProvider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._case = case
        self.shown: Source | None = None
        """The selected source as the grade fields were filled from it (the regrade's base)."""
        self._holding = False
        self.sources = sources_model(self)
        self.sources_table = row_table(self.sources)
        self.claims = claims_model(self)
        self.claims_table = QTableView()
        self.claims_table.setModel(self.claims)
        self.claims_table.horizontalHeader().setStretchLastSection(True)
        self.claims_table.setWordWrap(True)

        self.kind = QComboBox()
        self.kind.addItems(SOURCE_KINDS)
        self.title = QLineEdit()
        self.publisher = QLineEdit()
        self.url = QLineEdit()
        self.published = QLineEdit()
        hint(self.published, "YYYY[-MM[-DD]]", "The publication date: YYYY, YYYY-MM or YYYY-MM-DD")
        self.reliability = QComboBox()
        for letter, meaning in RELIABILITY.items():
            self.reliability.addItem(f"{letter}: {meaning}", letter)
        self.reliability.setCurrentIndex(len(RELIABILITY) - 1)
        self.credibility = QComboBox()
        for digit, meaning in CREDIBILITY.items():
            self.credibility.addItem(f"{digit}: {meaning}", digit)
        self.credibility.setCurrentIndex(len(CREDIBILITY) - 1)
        self.add_button = QPushButton("Add &source")
        self.add_button.setToolTip("Register a source with the grade chosen above")
        self.regrade_button = QPushButton("&Regrade selected")
        self.regrade_button.setToolTip("Give the selected source the grade chosen above")
        self.claim_text = QLineEdit()
        hint(self.claim_text, "what the source states", "What the selected source states")
        self.claim_date = QLineEdit()
        hint(
            self.claim_date,
            "YYYY[-MM[-DD]]",
            "When the claim was made: YYYY, YYYY-MM or YYYY-MM-DD",
        )
        self.claim_button = QPushButton("Add &claim")
        self.claim_button.setToolTip("Record a dated claim of the selected source")

        form = QFormLayout()
        # Labels go above their fields when the panel is narrow (a laptop screen), rather than
        # the panel growing wider than the window.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Kind", self.kind)
        form.addRow("Title", self.title)
        form.addRow("Publisher / author", self.publisher)
        form.addRow("URL", self.url)
        form.addRow("Published", self.published)
        form.addRow("Reliability", self.reliability)
        form.addRow("Credibility", self.credibility)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.regrade_button)
        buttons.addWidget(self.add_button)
        claim_row = QHBoxLayout()
        claim_row.addWidget(self.claim_date)
        claim_row.addStretch(1)
        claim_row.addWidget(self.claim_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.sources_table)
        split.addWidget(self.claims_table)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.claim_text)
        layout.addLayout(claim_row)
        layout.addLayout(form)
        layout.addLayout(buttons)

        self.sources_table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.add_button.clicked.connect(self.add)
        self.regrade_button.clicked.connect(self.regrade)
        self.claim_button.clicked.connect(self.add_claim)

    def grade(self) -> str:
        """The grade chosen in the form, e.g. "B2"."""
        return f"{self.reliability.currentData()}{self.credibility.currentData()}"

    def set_grade(self, grade: str) -> None:
        """Show a grade ("B2") in the grade fields."""
        self.reliability.setCurrentIndex(self.reliability.findData(grade[0]))
        self.credibility.setCurrentIndex(self.credibility.findData(int(grade[1:])))

    def _typed(self) -> bool:
        """The grade fields hold a change to the source they were filled from (unsaved)."""
        return self.shown is not None and self.grade() != self.shown.grade

    def reload(self) -> None:
        """Read the sources again from the open case (a grade being changed stays)."""
        case = self._case()
        for button in (self.add_button, self.regrade_button, self.claim_button):
            button.setEnabled(case_writable(case))  # off on a read-only or reviewer's case
        selected = self.selected()
        self._holding = self._typed()  # the table's reset must not take the typed grade away
        try:
            rows = (
                []
                if case is None
                else ProvenanceRepository(case.db).all(Source, order=("published", "title"))
            )
            self.sources.set_rows(rows)
            if selected is not None:
                for row, source in enumerate(rows):
                    if source.id == selected.id:
                        self.sources_table.selectRow(row)
            self._selected()
        finally:
            self._holding = False

    def selected(self) -> Source | None:
        """The selected source."""
        rows = self.sources_table.selectionModel().selectedRows()
        return self.sources.row(rows[0].row()) if rows else None

    def _selected(self) -> None:
        """Show the selected source's grade and claims. While the table is read again with a
        grade being changed, the change and the copy it is changed from stay."""
        source = self.selected()
        shown = self.shown
        again = source is None or (shown is not None and source.id == shown.id)
        if not (self._holding and again):
            self.shown = source
            if source is not None:
                self.set_grade(source.grade)
        self._claims()

    def _claims(self) -> None:
        case, source = self._case(), self.selected()
        if case is None or source is None:
            self.claims.set_rows([])
            return
        self.claims.set_rows(ProvenanceRepository(case.db).claims_of(source.id))

    def _done(self, ok: bool) -> bool:
        if ok:
            self.reload()
            self.changed.emit()
        return ok

    def add(self) -> bool:
        """Register the source in the form."""
        case = self._case()
        if case is None:
            return False
        return self._done(
            run_guarded(
                self,
                "Adding the source",
                lambda: add_source(
                    case,
                    kind=self.kind.currentText(),
                    title=self.title.text(),
                    publisher=self.publisher.text().strip() or None,
                    url=self.url.text().strip() or None,
                    published=self.published.text().strip() or None,
                    grade=self.grade(),
                ),
            )
        )

    def regrade(self) -> bool:
        """Give the selected source the grade in the form, from the source as it was shown;
        a colleague's regrade since is settled in the conflict dialog."""
        case, source = self._case(), self.shown
        if case is None or source is None:
            return False
        grade = self.grade()
        saved: list[Source | None] = []
        run_guarded(
            self,
            f"Regrading {source.title}",
            lambda: saved.append(
                save_edit(
                    self,
                    case,
                    f"Source '{source.title}'",
                    source,
                    lambda base: regrade_source(case, source.id, grade, based_on=base),
                    lambda _current: self._reloaded(),
                )
            ),
        )
        ok = bool(saved and saved[0])
        if ok:
            self.shown = None  # show the source as saved, its new grade in the fields
        return self._done(ok)

    def _reloaded(self) -> None:
        """Reload theirs: the table and the grade fields show the source as stored now."""
        self.shown = None
        self.reload()

    def add_claim(self) -> bool:
        """Record a claim of the selected source."""
        case, source = self._case(), self.selected()
        if case is None or source is None:
            return False
        ok = self._done(
            run_guarded(
                self,
                "Adding the claim",
                lambda: add_claim(
                    case,
                    source_id=source.id,
                    text=self.claim_text.text(),
                    claim_date=self.claim_date.text().strip() or None,
                ),
            )
        )
        if ok:
            self.claim_text.clear()
            self.claim_date.clear()
        return ok
