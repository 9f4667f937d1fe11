"""Figures reported by sources: shares as a bar chart labelled with their sources, other
figures (money, lengths, counts) in a table, and the claim and sources of the one clicked.

These numbers are what sources say, not counts of the case's components, so they are drawn
apart from the computed origin chart and every bar names its source and Admiralty grade: a
reader must be able to weigh "80 %" by who said it before using it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from forensics.provenance.figures import ReportedFigure
from ui.provenance.figure_chart import FigureChart
from ui.provenance.models import RecordTableModel


def figure_details_html(figure: ReportedFigure) -> str:
    """The claim a figure comes from and each source it cites, graded, as rich text."""
    e = html.escape
    parts = [
        f"<p><b>{e(figure.display_value())}</b>: {e(figure.what)}</p>",
        f"<p>{'As of ' + e(figure.as_of) if figure.as_of else 'Undated'}.</p>",
    ]
    if figure.claim_text:
        when = figure.claim_date or "undated"
        by = f", {e(figure.claim_source)}" if figure.claim_source else ""
        parts.append(f"<p><b>Claim</b> ({e(when)}{by}):<br/>“{e(figure.claim_text)}”</p>")
    else:
        parts.append("<p><b>Claim</b>: none recorded.</p>")
    if not figure.sources:
        parts.append("<p><b>Source</b>: none cited; treat this figure as unsupported.</p>")
    for source in figure.sources:
        lines = [
            f"<b>Source</b>: {e(source.title)}",
            f"Grade {e(source.grade_meaning)}",
            f"Kind: {e(source.kind)}",
        ]
        who = ", ".join(p for p in (source.publisher, source.author) if p)
        if who:
            lines.append(f"By: {e(who)}")
        lines.append(f"Published: {e(source.published or 'date not given')}")
        if source.locator:
            lines.append(f"Where: {e(source.locator)}")
        if source.url:
            lines.append(f'<a href="{e(source.url)}">{e(source.url)}</a>')
        if source.notes:
            lines.append(f"<i>{e(source.notes)}</i>")
        parts.append("<p>" + "<br/>".join(lines) + "</p>")
    return "".join(parts)


def other_figures_model(parent: QWidget | None = None) -> RecordTableModel[ReportedFigure]:
    """Figures that are not shares: value, date, what, sources."""
    return RecordTableModel(
        [
            ("Figure", lambda f: f.display_value()),
            ("What", lambda f: f.what),
            ("As of", lambda f: f.as_of or "undated"),
            ("Sources", lambda f: f.sources_label()),
        ],
        tooltip=lambda f: f.claim_text or f.what,
        parent=parent,
    )


class ReportedFiguresView(QWidget):
    """The "Reported figures" part of the origins dock: chart, details and the other figures."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.chart = FigureChart()
        self.chart_area = QScrollArea()
        self.chart_area.setWidget(self.chart)
        self.chart_area.setWidgetResizable(True)
        self.chart_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details = QTextBrowser()
        self.details.setOpenExternalLinks(False)
        self.others = other_figures_model(self)
        self.others_table = QTableView()
        self.others_table.setModel(self.others)
        self.others_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.others_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.others_table.setWordWrap(False)
        header = self.others_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.others_table.verticalHeader().hide()
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.details)
        right.addWidget(self.others_table)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self.chart_area)
        self.split.addWidget(right)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([540, 360])
        right.setSizes([220, 180])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.split, 1)
        self.chart.bar_clicked.connect(self._bar_clicked)
        self.others_table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._other_clicked(current.row())
        )
        self.set_figures([])

    def set_figures(self, figures: list[ReportedFigure]) -> None:
        """Show every figure of the case: shares in the chart, the rest in the table."""
        self.chart.set_figures(figures)
        self.others.set_rows([f for f in figures if not f.is_percentage])
        self.details.setHtml(
            "<p>Click a bar or a row of the table to see its claim and sources.</p>"
        )
        if self.chart.bar_count():
            self.chart.select(0)
        shares, rest = self.chart.bar_count(), self.others.rowCount()
        self.heading.setText(
            f"Figures reported by sources (not counts of this case's components): "
            f"{shares} share(s) charted, {rest} other figure(s) in the table."
            if figures
            else "No figures recorded from sources. Add them with `pwb figure add`."
        )
        self.others_table.resizeColumnsToContents()
        for column in (1, 3):
            width = min(self.others_table.columnWidth(column), 260)
            self.others_table.setColumnWidth(column, width)

    def show_figure(self, figure: ReportedFigure) -> None:
        """Show a figure's claim and sources in the details pane."""
        self.details.setHtml(figure_details_html(figure))

    def details_text(self) -> str:
        """The details pane as plain text (what a reader sees)."""
        return self.details.toPlainText()

    def _bar_clicked(self, index: int) -> None:
        self.others_table.clearSelection()
        row = self.chart.row_rects()[index]
        self.chart_area.ensureVisible(int(row.center().x()), int(row.bottom()), 0, 8)
        self.chart_area.ensureVisible(int(row.center().x()), int(row.top()), 0, 8)
        self.show_figure(self.chart.figures()[index])

    def _other_clicked(self, row: int) -> None:
        if not 0 <= row < self.others.rowCount():
            return
        self.chart.clear_selection()
        self.show_figure(self.others.row(row))

    def sizeHint(self) -> QSize:
        return QSize(720, 420)
