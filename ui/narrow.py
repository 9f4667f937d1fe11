"""Combo boxes and text fields that fit a small screen without cutting their text.

A QComboBox asks for the width of its longest item by default: a language list or a
reliability scale with long explanations then set the minimum width of the whole dock (on a
1366 px screen, of the window). A narrowed combo asks for a few characters and shows the
full entries in its drop-down list, which Qt sizes to fit them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit

MIN_CHARS = 10


def narrow(combo: QComboBox, chars: int = MIN_CHARS) -> QComboBox:
    """Make `combo` ask for `chars` characters of width at least, not its longest item's."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return combo


def hint(edit: QLineEdit, placeholder: str, tip: str | None = None) -> QLineEdit:
    """Give `edit` a short placeholder it always has room to show whole, and the longer
    explanation (if any) as its tooltip: a placeholder cut to "type a na…" tells nothing."""
    edit.setPlaceholderText(placeholder)
    if tip:
        edit.setToolTip(tip)
    # The frame, the text margins and the style's padding take about 16 px.
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(placeholder) + 24)
    return edit
