"""A dialog listing problems one per line, with a button that copies them all."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class ErrorListDialog(QDialog):
    """Per-file errors as selectable text: an examiner pastes them into a report or a ticket."""

    def __init__(
        self, title: str, summary: str, lines: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("error_list")
        self.setWindowTitle(title)
        self.resize(720, 380)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setObjectName("error_text")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(mono)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy all")
        self.copy_button.setObjectName("copy_errors")
        self.copy_button.setStatusTip("Copy every line to the clipboard")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        label = QLabel(summary)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(self.text)
        layout.addWidget(buttons)

    def copy(self) -> None:
        """Put every line on the clipboard."""
        QGuiApplication.clipboard().setText(self.text.toPlainText())
