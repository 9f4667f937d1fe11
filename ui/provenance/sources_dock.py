"""Sources and claims: the graded sources, the selected source's claims, and forms to add both."""

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

        self.sources_table.selectionModel().selectionChanged.connect(lambda *_: self._claims())
        self.add_button.clicked.connect(self.add)
        self.regrade_button.clicked.connect(self.regrade)
        self.claim_button.clicked.connect(self.add_claim)

    def grade(self) -> str:
        """The grade chosen in the form, e.g. "B2"."""
        return f"{self.reliability.currentData()}{self.credibility.currentData()}"

    def reload(self) -> None:
        """Read the sources again from the open case."""
        case = self._case()
        for button in (self.add_button, self.regrade_button, self.claim_button):
            button.setEnabled(case_writable(case))  # off on a read-only or reviewer's case
        selected = self.selected()
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
        self._claims()

    def selected(self) -> Source | None:
        """The selected source."""
        rows = self.sources_table.selectionModel().selectedRows()
        return self.sources.row(rows[0].row()) if rows else None

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
        """Give the selected source the grade in the form."""
        case, source = self._case(), self.selected()
        if case is None or source is None:
            return False
        return self._done(
            run_guarded(
                self,
                f"Regrading {source.title}",
                lambda: regrade_source(case, source.id, self.grade()),
            )
        )

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
