"""The "Annotation details" dock's content: a hint until the annotation layer exists.

The dock stands beside the viewer from the start (one labels while looking at the frame), but
the editor needs the annotation layer, which loads with the first frame shown; until then the
panel says what brings the details.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

HINT = "Show an image or a video frame and draw or pick a mark: its details appear here."


class DetailsPanel(QWidget):
    """Holds the annotation editor once it is built."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotation_details_panel")
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._editor: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)

    def set_editor(self, editor: QWidget) -> None:
        """Put the editor in place of the hint (once)."""
        if self._editor is not None:
            raise RuntimeError("the details panel already holds its editor")
        self._editor = editor
        self.hint.hide()
        layout = self.layout()
        assert layout is not None
        layout.addWidget(editor)

    def add_below(self, widget: QWidget) -> None:
        """Put a widget under the editor (the comments on the selected annotation)."""
        layout = self.layout()
        assert layout is not None
        layout.addWidget(widget)

    def editor(self) -> QWidget | None:
        """The editor, or None before the annotation layer is built."""
        return self._editor
