"""The hypotheses dock: every hypothesis of the case with its support and flags, and the map.

`GeoPanel` owns the list and keeps the map in step: it reads hypotheses, supports, flags and
telemetry tracks through the core in one pass per change, fills the table model and hands
pins and tracks to the `MapView`. The first time a case is shown the map zooms to its data;
later reloads (an edit) leave the view where the analyst put it. Opening a hypothesis
(double-click, Enter, a click on its pin) frames it on the map and shows the editor; a click
on the map starts a new hypothesis there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forensics.case import Case
from forensics.errors import NotFoundError, WorkbenchError
from geoloc.auto import check_case, telemetry_tracks
from geoloc.geodesy import Flag
from geoloc.hypotheses import HypothesisService
from geoloc.mapframe import circle_bounds
from ui.actions import case_writable
from ui.geo.editor import HypothesisEditor
from ui.geo.map_view import WORLD, MapView, Pin
from ui.geo.models import ID_ROLE, HypothesisModel, HypothesisRow
from ui.table_model import row_table

if TYPE_CHECKING:
    from geoloc.gazetteer import OfflineGazetteer

log = logging.getLogger(__name__)


class GeoPanel(QWidget):
    """The list of hypotheses, wired to a map view.

    Args:
        current_case: returns the open case (GUI-thread connection) or None.
        map_view: the map that shows the pins.
        current_item: returns the item selected in the workbench (new hypotheses are for it).
        gazetteer: the gazetteer place names are looked up in.
    """

    changed = Signal()
    """Hypotheses were added, edited or removed."""

    def __init__(
        self,
        current_case: Callable[[], Case | None],
        map_view: MapView,
        current_item: Callable[[], str | None] = lambda: None,
        gazetteer: OfflineGazetteer | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._current_case = current_case
        self._current_item = current_item
        self._gazetteer = gazetteer
        self.map = map_view
        self.model = HypothesisModel(self)
        self.flags: list[Flag] = []
        self._pins: dict[str, Pin] = {}
        self._tracks: list[tuple[tuple[float, float], ...]] = []
        self._framed_case: object | None = None
        """The case whose data the map was last zoomed to (zoom once per opened case)."""
        self.view = row_table(self.model, self)
        self.view.doubleClicked.connect(self._open_index)
        self.view.activated.connect(self._open_index)
        self.view.clicked.connect(self._focus_index)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)  # a long summary must not widen the dock
        buttons = QHBoxLayout()
        self.write_buttons: list[QPushButton] = []
        """New and Delete: off on a read-only or a reviewer's case."""
        for text, tip, slot in (
            ("&New…", "Record a new hypothesis for the selected item", self.new_hypothesis),
            ("&Open…", "Open the selected hypothesis", self.open_selected),
            ("&Delete", "Delete the selected hypothesis (its history stays)", self.delete_selected),
        ):
            button = QPushButton(text, self)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            if slot != self.open_selected:
                self.write_buttons.append(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view)
        layout.addWidget(self.summary)
        map_view.pin_clicked.connect(self.open_hypothesis)
        map_view.map_clicked.connect(self.new_at)

    # data ---------------------------------------------------------------------------------
    def service(self) -> HypothesisService | None:
        """The hypothesis service of the open case, or None without a case."""
        case = self._current_case()
        if case is None:
            return None
        # Without a gazetteer of its own the service loads the shared one on first lookup.
        return HypothesisService(case, self._gazetteer)

    def reload(self) -> None:
        """Read hypotheses, support, flags and tracks again and redraw."""
        for button in self.write_buttons:
            button.setEnabled(case_writable(self._current_case()))
        service = self.service()
        if service is None:
            self.clear()
            return
        hypotheses = service.hypotheses()
        supports = service.supports()
        self.flags = check_case(service.case, service=service)
        rows = [
            HypothesisRow(
                h, supports[h.id], tuple(f for f in self.flags if h.id in f.hypothesis_ids)
            )
            for h in hypotheses
        ]
        self.model.set_rows(rows)
        self._pins = {
            h.id: Pin(
                h.id,
                h.lat,
                h.lon,
                h.radius_m,
                h.status,
                h.place_name or f"{h.lat:.4f}, {h.lon:.4f}",
                h.area,
            )
            for h in hypotheses
        }
        self.map.set_pins(list(self._pins.values()))
        self._tracks = [tuple(t.points) for t in telemetry_tracks(service.case)]
        self.map.set_tracks(self._tracks)
        if self._framed_case is not service.case:
            self._framed_case = service.case
            self.zoom_to_data()
        weak = sum(1 for r in rows if r.support.weak)
        self.summary.setText(
            f"{_count(len(rows), 'hypothesis', 'hypotheses')}, {weak} with fewer than two"
            f" independent supporting clues, {_count(len(self.flags), 'flag', 'flags')}"
        )

    def data_points(self) -> list[tuple[float, float]]:
        """The (lat, lon) points the map must show to show all the case's data."""
        points: list[tuple[float, float]] = []
        for pin in self._pins.values():
            points += circle_bounds(pin.lat, pin.lon, pin.radius_m)
            points += [(lat, lon) for lon, lat in pin.area or ()]
        for track in self._tracks:
            points += track
        return points

    def zoom_to_data(self) -> None:
        """Zoom the map to every hypothesis and track of the case (the world without any)."""
        if not self.map.frame(self.data_points()):
            self.map.frame_rect(WORLD)

    def close_editors(self) -> None:
        """Close every hypothesis editor, unsaved (their case is closing)."""
        for editor in self.findChildren(HypothesisEditor):
            editor.reject()

    def clear(self) -> None:
        """Show nothing (no case open)."""
        self.close_editors()
        self._pins = {}
        self._tracks = []
        self._framed_case = None
        self.model.set_rows([])
        self.map.set_pins([])
        self.map.set_tracks([])
        self.flags = []
        self.summary.setText("No case open.")

    def selected_id(self) -> str | None:
        """The hypothesis selected in the list."""
        rows = self.view.selectionModel().selectedRows()
        return None if not rows else str(self.model.data(rows[0], ID_ROLE))

    # actions ------------------------------------------------------------------------------
    def _focus_index(self, index: QModelIndex) -> None:
        self.frame(self.model.row_at(index.row()).hypothesis.id)

    def frame(self, hypothesis_id: str) -> None:
        """Zoom the map to one hypothesis (its uncertainty circle or area)."""
        pin = self._pins.get(hypothesis_id)
        if pin is not None:
            self.map.frame_hypothesis(pin)

    def _open_index(self, index: QModelIndex) -> None:
        self.open_hypothesis(str(self.model.data(index, ID_ROLE)))

    def _editor_done(self, _hypothesis_id: str) -> None:
        self.reload()
        self.changed.emit()

    def open_hypothesis(self, hypothesis_id: str) -> HypothesisEditor | None:
        """Show the editor of one hypothesis (non-modal) and return it."""
        service = self.service()
        if service is None:
            return None
        try:
            flags = tuple(f for f in self.flags if hypothesis_id in f.hypothesis_ids)
            editor = HypothesisEditor(
                service, hypothesis_id=hypothesis_id, flags=flags, parent=self
            )
        except NotFoundError as exc:
            QMessageBox.warning(self, "Hypothesis", str(exc))
            return None
        row = self.model.row_of(hypothesis_id)
        if row >= 0:
            self.view.selectRow(row)
        self.frame(hypothesis_id)
        editor.saved.connect(self._editor_done)
        editor.show()
        return editor

    def open_selected(self) -> None:
        """Open the hypothesis selected in the list."""
        selected = self.selected_id()
        if selected:
            self.open_hypothesis(selected)

    def new_at(self, lat: float | None = None, lon: float | None = None) -> HypothesisEditor | None:
        """Start a hypothesis (at a position when given) for the selected item."""
        if not case_writable(self._current_case()):
            return None  # a read-only or reviewer's case: a click on the map adds nothing
        service = self.service()
        if service is None:
            QMessageBox.information(self, "Hypothesis", "Open a case first.")
            return None
        editor = HypothesisEditor(
            service, item_id=self._current_item(), lat=lat, lon=lon, parent=self
        )
        editor.saved.connect(self._editor_done)
        editor.show()
        return editor

    def new_hypothesis(self) -> None:
        """Start a hypothesis with no position yet."""
        self.new_at()

    def delete_selected(self) -> None:
        """Delete the selected hypothesis after a confirmation."""
        service = self.service()
        selected = self.selected_id()
        if service is None or selected is None:
            return
        answer = QMessageBox.question(
            self, "Delete hypothesis", "Delete this hypothesis? Its history stays in the case."
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            service.delete(selected, reason="deleted in the hypotheses dock")
        except WorkbenchError as exc:
            QMessageBox.warning(self, "Hypothesis not deleted", str(exc))
            return
        self.reload()
        self.changed.emit()


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
