"""Confidence scales shown with their meaning: each choice explains itself.

The app has two scales, kept apart on purpose because they answer different questions: the
attribution confidence of a component's maker (confirmed ... doubtful) and the Berkeley
Protocol's place confidence of a geolocation (verified ... false). Every combo that offers one
is labelled with the scale's name and shows what the highlighted value means.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox


def scale_help(name: str, meanings: Mapping[str, str]) -> str:
    """The scale's name and each value's meaning, one per line (a tooltip)."""
    return "\n".join([f"{name.capitalize()}:", *(f"• {v}: {m}" for v, m in meanings.items())])


def fill_scale_combo(
    combo: QComboBox, name: str, values: Sequence[str], meanings: Mapping[str, str]
) -> None:
    """Fill `combo` with a scale's values, each with its meaning as its tooltip; the combo's
    own tooltip and status tip follow the chosen value."""
    combo.clear()
    for value in values:
        combo.addItem(value, value)
        combo.setItemData(combo.count() - 1, meanings.get(value, ""), Qt.ItemDataRole.ToolTipRole)
    combo.setAccessibleName(name)

    def explain() -> None:
        value = combo.currentText()
        meaning = meanings.get(value, "")
        combo.setStatusTip(f"{name}: {value} = {meaning}" if meaning else name)
        combo.setToolTip(f"{value}: {meaning}\n\n{scale_help(name, meanings)}")

    combo.currentTextChanged.connect(lambda _text: explain())
    explain()
