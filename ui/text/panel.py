"""The Text dock: the lines a read found, the makers and places they point to, Accept buttons.

The panel shows; the contribution reads and records (a job for the read, the core for an
accepted suggestion). Every string shown passes through `escape_name`.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forensics.ocr.models import OcrRead
from forensics.provenance.read_markings import ReadSuggestion
from forensics.textsafe import escape_name
from geoloc.signage import PlaceClue
from ui.narrow import narrow

LANGUAGE_CHOICES = (
    ("eng", "English / Latin markings"),
    ("chi_sim", "Chinese (simplified)"),
    ("eng+chi_sim", "English + Chinese (simplified)"),
    ("chi_tra", "Chinese (traditional)"),
    ("rus+ukr", "Russian + Ukrainian"),
    ("eng+rus+ukr", "English + Russian + Ukrainian"),
)
"""What the language box offers (Tesseract's codes joined by +)."""


W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str) -> W:
    """The widget with the object name tests find it by."""
    widget.setObjectName(name)
    return widget


class TextPanel(QWidget):
    """What a read found and what it suggests."""

    read_requested = Signal(str)
    """The languages to read with ("eng+chi_sim")."""
    maker_accepted = Signal(int, str)
    """Index of the maker suggestion, the component id to link."""
    place_accepted = Signal(int)
    """Index of the place clue."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read: OcrRead | None = None
        self.makers: list[ReadSuggestion] = []
        self.places: list[PlaceClue] = []
        self.languages = _named(QComboBox(), "ocr_languages")
        for code, label in LANGUAGE_CHOICES:
            self.languages.addItem(label, code)
        self.read_button = _named(QPushButton("Read text"), "ocr_read")
        self.read_button.setToolTip("Read the selected box, or the whole frame when none is")
        self.read_button.clicked.connect(
            lambda: self.read_requested.emit(str(self.languages.currentData()))
        )
        top = QHBoxLayout()
        top.addWidget(QLabel("Languages:"))
        top.addWidget(self.languages, 1)
        read_row = QHBoxLayout()
        read_row.addStretch(1)
        read_row.addWidget(self.read_button)
        self.summary = QLabel("Select a box in the viewer (or none, for the whole frame).")
        self.summary.setObjectName("ocr_summary")
        self.summary.setWordWrap(True)
        self.lines = _named(QListWidget(), "ocr_lines")
        self.maker_list = _named(QListWidget(), "ocr_makers")
        self.components = narrow(_named(QComboBox(), "ocr_component"))
        self.accept_maker = _named(QPushButton("Link component to maker"), "ocr_accept_maker")
        self.accept_maker.setToolTip(
            "Link the chosen component to the selected maker (basis: marking read from image)"
        )
        self.accept_maker.clicked.connect(self._accept_maker)
        self.place_list = _named(QListWidget(), "ocr_places")
        self.accept_place = _named(QPushButton("Record place as hypothesis"), "ocr_accept_place")
        self.accept_place.setToolTip(
            "Record a geolocation hypothesis at the selected place, supported by the sign"
        )
        self.accept_place.clicked.connect(self._accept_place)
        maker_row = QHBoxLayout()
        maker_row.addWidget(QLabel("Component:"))
        maker_row.addWidget(self.components, 1)
        link_row = QHBoxLayout()
        link_row.addStretch(1)
        link_row.addWidget(self.accept_maker)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(read_row)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("Lines read"))
        layout.addWidget(self.lines, 2)
        layout.addWidget(QLabel("Makers the marking suggests"))
        layout.addWidget(self.maker_list, 1)
        layout.addLayout(maker_row)
        layout.addLayout(link_row)
        layout.addWidget(QLabel("Places the text names"))
        layout.addWidget(self.place_list, 1)
        layout.addWidget(self.accept_place)
        self.show_result(None, [], [])

    def set_components(self, components: list[tuple[str, str]], preferred: str | None) -> None:
        """The components a maker can be linked to, as (id, name); `preferred` chosen."""
        self.components.clear()
        for component_id, name in components:
            self.components.addItem(escape_name(name), component_id)
        if preferred is not None:
            at = self.components.findData(preferred)
            if at >= 0:
                self.components.setCurrentIndex(at)
        self._enable()

    def show_result(
        self, read: OcrRead | None, makers: list[ReadSuggestion], places: list[PlaceClue]
    ) -> None:
        """Show a read and its suggestions (None: nothing read yet)."""
        self.read, self.makers, self.places = read, makers, places
        self.lines.clear()
        self.maker_list.clear()
        self.place_list.clear()
        if read is not None:
            where = "still" if read.frame_index < 0 else f"frame {read.frame_index}"
            region = (
                "whole frame" if read.region is None else "box " + ",".join(map(str, read.region))
            )
            found = f"{len(read.lines)} line(s)" if read.lines else "no text found"
            self.summary.setText(
                f"{found}: {where}, {region} — {escape_name(read.engine_version)}, "
                f"{'+'.join(read.languages)}, {read.seconds:.2f} s"
            )
            for line in read.lines:
                self.lines.addItem(f"{escape_name(line.text)}    ({line.confidence:.0%})")
        for maker in makers:
            self.maker_list.addItem(escape_name(maker.explain()))
        for place in places:
            self.place_list.addItem(escape_name(place.explain()))
        if makers:
            self.maker_list.setCurrentRow(0)
        if places:
            self.place_list.setCurrentRow(0)
        self._enable()

    def set_busy(self, busy: bool) -> None:
        """While a read runs, no second one and no accepting."""
        self.read_button.setEnabled(not busy)
        if busy:
            self.summary.setText("Reading…")
        self._enable(busy)

    def _enable(self, busy: bool = False) -> None:
        self.accept_maker.setEnabled(not busy and bool(self.makers) and self.components.count() > 0)
        self.accept_place.setEnabled(not busy and bool(self.places))

    def _accept_maker(self) -> None:
        row = self.maker_list.currentRow()
        component = self.components.currentData()
        if row >= 0 and component:
            self.maker_accepted.emit(row, str(component))

    def _accept_place(self) -> None:
        row = self.place_list.currentRow()
        if row >= 0:
            self.place_accepted.emit(row)
