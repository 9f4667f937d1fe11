"""A one-line label that ends in "…" when its panel is narrow, with the whole text a hover away.

A plain QLabel asks for the width of its whole text, so one long name (a file, a place, a
summary line) sets the minimum width of its panel and, through the dock, of the window: at
1366x768 that pushed the workbench wider than the screen. This label asks for little, elides
the rest and shows the full text in its tooltip, so nothing is cut off without a trace.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MIN_CHARS = 12
"""How many average characters the label always has room for."""


class ElidedLabel(QLabel):
    """A plain-text, single-line QLabel that elides instead of widening (on the right, or in
    the middle for texts whose end matters, such as a path)."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        room_for: str = "",
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
    ) -> None:
        """`room_for`: a text the label always has room for (measured in its font when laid
        out, so a style sheet's font counts), e.g. the longest frame counter. `mode`: where
        the "…" goes."""
        super().__init__(text, parent)
        self._room_for = room_for
        self._mode = mode
        self.setTextFormat(Qt.TextFormat.PlainText)
        # Preferred, not Ignored: the layout then honours minimumSizeHint (room_for).
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._sync_tooltip()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._sync_tooltip()

    def _sync_tooltip(self) -> None:
        # The whole text is always one hover away; a tooltip set by the caller for another
        # purpose would be overwritten, so callers use status tips for help text.
        self.setToolTip(self.text())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        least = self.fontMetrics().averageCharWidth() * MIN_CHARS
        if self._room_for:
            least = max(least, self.fontMetrics().horizontalAdvance(self._room_for) + 4)
        return QSize(least, hint.height())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(
            min(hint.width(), self.fontMetrics().horizontalAdvance(self.text()) + 8), hint.height()
        )

    def is_elided(self) -> bool:
        """True when the text does not fit and is shown shortened."""
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.is_elided():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), self._mode, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment()), shown)
