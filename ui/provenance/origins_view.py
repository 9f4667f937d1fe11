"""Origin figures as a bar chart (drawn with QPainter: no QtCharts in PySide6-Essentials)
and as tables: the shares, and every component with its country and sources; beside them, in
a second tab, the figures sources reported (`ui.provenance.figures_view`)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from forensics.provenance.figures import ReportedFigure
from forensics.provenance.origins import UNKNOWN, OriginReport, OriginShare
from ui.provenance.figures_view import ReportedFiguresView
from ui.provenance.models import origins_model, shares_model

PALETTE = ("#c0392b", "#2e86c1", "#27ae60", "#8e44ad", "#d68910", "#16a085", "#7f8c8d")
UNKNOWN_COLOUR = "#bdc3c7"


class BarChart(QWidget):
    """Horizontal bars, one per share, labelled with count and percentage."""

    bar_clicked = Signal(int)
    """Index of the clicked bar."""

    BAR_H = 26.0
    GAP = 8.0
    LABEL_W = 150.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shares: tuple[OriginShare, ...] = ()
        self.setMinimumHeight(80)

    def set_shares(self, shares: tuple[OriginShare, ...]) -> None:
        """Show these shares."""
        self._shares = shares
        self.setMinimumHeight(int(20 + len(shares) * (self.BAR_H + self.GAP)))
        self.updateGeometry()
        self.update()

    def bar_count(self) -> int:
        """How many bars are drawn."""
        return len(self._shares)

    def bar_rects(self) -> list[QRectF]:
        """Where each bar is drawn (widget coordinates)."""
        usable = max(10.0, self.width() - self.LABEL_W - 110.0)
        return [
            QRectF(
                self.LABEL_W,
                10 + i * (self.BAR_H + self.GAP),
                max(2.0, usable * s.share),
                self.BAR_H,
            )
            for i, s in enumerate(self._shares)
        ]

    def colour(self, index: int) -> QColor:
        """The colour of a bar (grey for "unknown")."""
        if self._shares[index].key == UNKNOWN:
            return QColor(UNKNOWN_COLOUR)
        return QColor(PALETTE[index % len(PALETTE)])

    def sizeHint(self) -> QSize:
        return QSize(420, int(20 + max(1, len(self._shares)) * (self.BAR_H + self.GAP)))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        if not self._shares:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No components recorded.")
            painter.end()
            return
        font = QFont(self.font())
        painter.setFont(font)
        for i, (share, rect) in enumerate(zip(self._shares, self.bar_rects(), strict=True)):
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(4, rect.y(), self.LABEL_W - 10, rect.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                share.label,
            )
            painter.fillRect(rect, self.colour(i))
            painter.drawText(
                QRectF(rect.right() + 6, rect.y(), 110, rect.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                f"{share.count}  ({share.share * 100:.0f} %)",
            )
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        for i, rect in enumerate(self.bar_rects()):
            if rect.adjusted(-self.LABEL_W, 0, 110, 0).contains(event.position()):
                self.bar_clicked.emit(i)
                return
        super().mousePressEvent(event)


class OriginsView(QWidget):
    """Chart by country or function, the shares table and the components table; and, in a
    second tab, the figures reported by sources with their grades."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grouping = QComboBox()
        self.grouping.addItem("By country", "country")
        self.grouping.addItem("By function", "function")
        self.grouping.setToolTip("Group the components by country or by function")
        self.scope = QLabel("Whole case")
        self.chart = BarChart()
        self.shares = shares_model(self)
        self.shares_table = QTableView()
        self.shares_table.setModel(self.shares)
        self.components = origins_model(self)
        self.components_table = QTableView()
        self.components_table.setModel(self.components)
        self.components_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        for table in (self.shares_table, self.components_table):
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            table.horizontalHeader().setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(self.scope, 1)
        top.addWidget(self.grouping)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart)
        split.addWidget(self.shares_table)
        split.addWidget(self.components_table)
        counted = QWidget()
        counted_layout = QVBoxLayout(counted)
        counted_layout.setContentsMargins(0, 4, 0, 0)
        counted_layout.addLayout(top)
        counted_layout.addWidget(split, 1)
        self.reported = ReportedFiguresView()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(counted, "Components in the case")
        self.tabs.addTab(self.reported, "Reported figures")
        self.tabs.setTabToolTip(0, "Shares of the recorded components by country or function")
        self.tabs.setTabToolTip(1, "Figures given by sources, each with its source and grade")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs, 1)
        self.report: OriginReport | None = None
        self.grouping.currentIndexChanged.connect(lambda _i: self._show())
        self.chart.bar_clicked.connect(self.select_share)

    def set_report(self, report: OriginReport, scope: str) -> None:
        """Show an origin report; `scope` names what it covers."""
        self.report = report
        self.scope.setText(f"{scope}: {report.total} component(s)")
        self.components.set_rows(report.components)
        self._show()

    def set_figures(self, figures: list[ReportedFigure]) -> None:
        """Show the figures sources reported (whole case: they are not scoped to an item)."""
        self.reported.set_figures(figures)
        self.tabs.setTabText(1, f"Reported figures ({len(figures)})")

    def current_shares(self) -> tuple[OriginShare, ...]:
        """The shares of the current grouping."""
        if self.report is None:
            return ()
        if self.grouping.currentData() == "function":
            return self.report.by_function
        return self.report.by_country

    def _show(self) -> None:
        shares = self.current_shares()
        self.chart.set_shares(shares)
        self.shares.set_rows(shares)

    def select_share(self, index: int) -> None:
        """Select the components a bar counts (what makes every number traceable)."""
        shares = self.current_shares()
        if not 0 <= index < len(shares):
            return
        wanted = set(shares[index].component_ids)
        self.shares_table.selectRow(index)
        selection = self.components_table.selectionModel()
        selection.clearSelection()
        for row, origin in enumerate(self.components.rows()):
            if origin.component_id in wanted:
                selection.select(
                    self.components.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )

    def selected_component_ids(self) -> list[str]:
        """The ids of the selected component rows."""
        rows = {i.row() for i in self.components_table.selectionModel().selectedRows()}
        return [self.components.row(r).component_id for r in sorted(rows)]
