"""The workbench's look: Fusion with a calm, low-contrast light palette and quiet spacing.

Investigators look at this for hours: muted greys, one accent colour for the selection, no
saturated chrome competing with the evidence on screen.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#3b6ea8"
OK_COLOUR = "#2e7d32"
BAD_COLOUR = "#b23b3b"

_STYLESHEET = f"""
QMainWindow::separator {{ width: 4px; height: 4px; background: #d9dce1; }}
QDockWidget {{ font-weight: 600; }}
QDockWidget::title {{ padding: 5px 8px; background: #e8eaee; border-bottom: 1px solid #d0d4da; }}
QTableView, QTreeView {{ gridline-color: #e3e5e9; selection-background-color: {ACCENT};
    alternate-background-color: #f6f7f9; border: none; }}
QHeaderView::section {{ background: #eef0f3; padding: 4px 6px; border: none;
    border-right: 1px solid #dde0e5; border-bottom: 1px solid #d0d4da; font-weight: 600; }}
QLineEdit, QComboBox {{ padding: 3px 6px; }}
QStatusBar {{ background: #eef0f3; border-top: 1px solid #d0d4da; }}
QToolButton {{ padding: 3px; }}
QLabel#frame_label {{ font-family: "DejaVu Sans Mono", monospace; }}
"""


def apply_style(app: QApplication) -> None:
    """Give the application the workbench's style, palette and font."""
    app.setStyle("Fusion")
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#f2f3f5",
        QPalette.ColorRole.WindowText: "#1f2329",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f6f7f9",
        QPalette.ColorRole.Text: "#1f2329",
        QPalette.ColorRole.Button: "#eceef1",
        QPalette.ColorRole.ButtonText: "#1f2329",
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#fffef5",
        QPalette.ColorRole.ToolTipText: "#1f2329",
        QPalette.ColorRole.PlaceholderText: "#8a9099",
        QPalette.ColorRole.Link: ACCENT,
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#9aa0a8"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#9aa0a8"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#9aa0a8"))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 9.5))
    app.setFont(font)
    app.setStyleSheet(_STYLESHEET)
