"""The hypothesis editor: fields, evidence for and against, history, checks and the sun.

A dialog over `geoloc.hypotheses.HypothesisService`: the service validates everything, so a
bad value (a latitude of 91, "nan", an unknown place) is shown in a dialog naming the field
and the reason, and nothing is saved.

Nothing is written before Save: evidence added or removed and a sun check computed wait in
the dialog, and Save records them with the field changes as one recorded change
(`HypothesisService.save`); Cancel leaves the case as it was. The sun check's time is filled
in from the capture time in the media's metadata (`geoloc.capture_time`).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from forensics.errors import NotFoundError, ValidationError
from forensics.records.geoloc import GEO_CONFIDENCE_MEANING, GEO_CONFIDENCE_SCALE
from forensics.store.hypotheses import CONFIDENCES, METHODS, STATUSES
from forensics.store.record_search import name_of
from geoloc.capture_time import capture_times
from geoloc.geodesy import Flag
from geoloc.hypotheses import (
    EvidenceLink,
    Hypothesis,
    HypothesisDraft,
    HypothesisService,
    SunCheckDraft,
)
from ui.edit_conflict import save_edit
from ui.geo.evidence_tab import EvidenceTab
from ui.geo.models import HistoryModel
from ui.geo.sun_tab import SunTab
from ui.record_picker import RecordPicker
from ui.scales import fill_scale_combo

log = logging.getLogger(__name__)


def _float(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise ValidationError(f"{text!r} is not a number") from exc


def _int(text: str) -> int | None:
    value = _float(text)
    return None if value is None else int(value)


class HypothesisEditor(QDialog):
    """Create or edit one hypothesis.

    Args:
        service: the hypothesis service of the open case.
        hypothesis_id: the hypothesis to edit; None to create one.
        item_id: the item a new hypothesis is about.
        lat: a position to start a new hypothesis at (a click on the map).
        lon: its longitude.
        flags: consistency flags to show for this hypothesis.
    """

    saved = Signal(str)
    """The id of the hypothesis saved."""

    def __init__(
        self,
        service: HypothesisService,
        *,
        hypothesis_id: str | None = None,
        item_id: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
        flags: tuple[Flag, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.hypothesis: Hypothesis | None = service.get(hypothesis_id) if hypothesis_id else None
        self.setWindowTitle("Hypothesis" if self.hypothesis else "New hypothesis")
        self.resize(640, 560)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._fields_tab(item_id, lat, lon), "&Hypothesis")
        self.history_model = HistoryModel(self)
        # Evidence and the sun check are there for a new hypothesis too: what they hold is
        # recorded with it on its first Save.
        self.evidence = EvidenceTab(
            service, lambda: self.hypothesis.id if self.hypothesis else "", self
        )
        self.evidence_model = self.evidence.model
        self.target_edit = self.evidence.target_edit
        self.kind_box = self.evidence.kind_box
        self.add_link = self.evidence.add_link
        self.tabs.addTab(self.evidence, "&Evidence")
        if self.hypothesis is not None:
            self.tabs.addTab(self._history_table(), "Histor&y")
            self.tabs.addTab(self._checks_tab(flags), "&Checks")
        self.tabs.addTab(self._sun_tab(), "&Sun")
        self.evidence.changed.connect(self._prefill_time)
        self.item_edit.picked.connect(lambda *_: self._prefill_time())
        self._reload_related()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        if save_button is not None and service.case.readonly:
            save_button.setEnabled(False)  # a read-only or reviewer's case: shown, not saved
            save_button.setToolTip("This case is read-only: the hypothesis cannot be changed")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    # tabs ---------------------------------------------------------------------------------
    def _fields_tab(self, item_id: str | None, lat: float | None, lon: float | None) -> QWidget:
        h = self.hypothesis
        page = QWidget(self)
        form = QFormLayout(page)
        self.item_edit = RecordPicker(lambda: self.service.case, ["item"])
        self.item_edit.setObjectName("hypothesis_item")
        self.place_edit = QLineEdit()
        look = QPushButton("&Look up")
        look.setToolTip("Find the place in the offline gazetteer (GeoNames) and use its position")
        look.clicked.connect(self.look_up)
        place_row = QHBoxLayout()
        place_row.addWidget(self.place_edit)
        place_row.addWidget(look)
        self.lat_edit = QLineEdit("" if lat is None else f"{lat:.6f}")
        self.lon_edit = QLineEdit("" if lon is None else f"{lon:.6f}")
        self.radius_edit = QLineEdit("" if lat is None else "500")
        self.methods_list = QListWidget()
        for method in METHODS:
            entry = QListWidgetItem(method.replace("_", " "))
            entry.setData(Qt.ItemDataRole.UserRole, method)
            entry.setCheckState(
                Qt.CheckState.Checked if method == "visual_landmark" else Qt.CheckState.Unchecked
            )
            self.methods_list.addItem(entry)
        self.status_box = QComboBox()
        self.status_box.addItems(list(STATUSES))
        self.status_box.setCurrentText("proposed")
        self.confidence_box = QComboBox()
        self.confidence_box.setObjectName("place_confidence")
        fill_scale_combo(
            self.confidence_box, GEO_CONFIDENCE_SCALE, CONFIDENCES, GEO_CONFIDENCE_MEANING
        )
        self.confidence_box.setCurrentText("unverified")
        self.analyst_edit = QLineEdit()
        self.frame_start = QLineEdit()
        self.frame_end = QLineEdit()
        frames = QHBoxLayout()
        frames.addWidget(self.frame_start)
        frames.addWidget(QLabel("to"))
        frames.addWidget(self.frame_end)
        self.notes_edit = QPlainTextEdit()
        if h is not None:
            self._fill(h)
        elif item_id:
            name = name_of(self.service.case.db, "item", item_id)
            self.item_edit.set_record("item", item_id, name or item_id)
        self.lookup_label = QLabel("")
        form.addRow("Item", self.item_edit)
        form.addRow("Place name", place_row)
        form.addRow("", self.lookup_label)
        form.addRow("Latitude", self.lat_edit)
        form.addRow("Longitude", self.lon_edit)
        form.addRow("Uncertainty radius (m)", self.radius_edit)
        form.addRow("Methods", self.methods_list)
        form.addRow("Status", self.status_box)
        form.addRow("Place confidence", self.confidence_box)
        form.addRow("Analyst", self.analyst_edit)
        form.addRow("Frames (optional)", frames)
        form.addRow("Notes", self.notes_edit)
        if h is not None and h.origin == "metadata":
            form.addRow("", QLabel("Made automatically from a position in the item's metadata"))
        return page

    def _fill(self, h: Hypothesis) -> None:
        """Show a hypothesis's fields (when the editor opens, and on "Reload theirs")."""
        if h.item_id:
            name = name_of(self.service.case.db, "item", h.item_id)
            self.item_edit.set_record("item", h.item_id, name or h.item_id)
        self.place_edit.setText(h.place_name or "")
        self.lat_edit.setText(f"{h.lat:.6f}")
        self.lon_edit.setText(f"{h.lon:.6f}")
        self.radius_edit.setText("" if h.radius_m is None else f"{h.radius_m:g}")
        for row in range(self.methods_list.count()):
            entry = self.methods_list.item(row)
            chosen = entry.data(Qt.ItemDataRole.UserRole) in h.methods
            entry.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
        self.status_box.setCurrentText(h.status)
        self.confidence_box.setCurrentText(h.confidence)
        self.analyst_edit.setText(h.analyst)
        self.frame_start.setText("" if h.frame_start is None else str(h.frame_start))
        self.frame_end.setText("" if h.frame_end is None else str(h.frame_end))
        self.notes_edit.setPlainText(h.notes)

    def _table(self, model: Any) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.horizontalHeader().setStretchLastSection(True)
        return view

    def _history_table(self) -> QTableView:
        """Versions with their changes in words, wrapped: a sun check is a sentence."""
        view = self._table(self.history_model)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        for column in range(self.history_model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(5, 160)
        view.setWordWrap(True)
        self.history_model.modelReset.connect(view.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: view.resizeRowsToContents())
        return view

    def _checks_tab(self, flags: tuple[Flag, ...]) -> QWidget:
        self.flags_list = QListWidget(self)
        for f in flags:
            self.flags_list.addItem(f"{f.kind.replace('_', ' ')}: {f.message}")
        if not flags:
            self.flags_list.addItem("No inconsistency found for this hypothesis.")
        return self.flags_list

    def _sun_tab(self) -> QWidget:
        self.sun_tab = SunTab(self._position, self)
        self.time_edit = self.sun_tab.time_edit
        self.shadow_edit = self.sun_tab.shadow_edit
        self.sun_label = self.sun_tab.sun_label
        return self.sun_tab

    # actions ------------------------------------------------------------------------------
    def _reload_related(self) -> None:
        if self.hypothesis is not None:
            self.history_model.set_rows(self.service.history(self.hypothesis.id))
            self.evidence.set_saved(self.service.links(self.hypothesis.id))
        self._prefill_time()

    def shown_links(self) -> list[EvidenceLink]:
        """The links as they will be after Save: saved ones kept, then the pending ones."""
        return self.evidence.shown_links()

    def _prefill_time(self) -> None:
        """Offer the capture times of the media behind the hypothesis (its item, as the field
        names it now, then its evidence's)."""
        item_id = self.item_edit.record_id() or None
        self.sun_tab.prefill(capture_times(self.service.case, item_id, self.shown_links()))

    def _error(self, exc: Exception) -> None:
        QMessageBox.warning(self, "Hypothesis not saved", str(exc))

    def look_up(self) -> None:
        """Put the gazetteer's position for the place name into the fields."""
        found = self.service.gazetteer.search(self.place_edit.text(), limit=1)
        if not found:
            self.lookup_label.setText(f"The gazetteer does not know {self.place_edit.text()!r}.")
            return
        place = found[0]
        self.lat_edit.setText(f"{place.lat:.6f}")
        self.lon_edit.setText(f"{place.lon:.6f}")
        if not self.radius_edit.text().strip():
            self.radius_edit.setText("5000" if place.kind == "city" else "3000")
        self.lookup_label.setText(f"{place.address} (population {place.population:,})")

    def _values(self) -> dict[str, Any]:
        methods = tuple(
            self.methods_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.methods_list.count())
            if self.methods_list.item(i).checkState() == Qt.CheckState.Checked
        )
        return {
            "item_id": self.item_edit.record_id() or None,
            "place_name": self.place_edit.text().strip() or None,
            "lat": _float(self.lat_edit.text()),
            "lon": _float(self.lon_edit.text()),
            "radius_m": _float(self.radius_edit.text()),
            "methods": methods,
            "status": self.status_box.currentText(),
            "confidence": self.confidence_box.currentText(),
            "analyst": self.analyst_edit.text().strip() or None,
            "notes": self.notes_edit.toPlainText(),
            "frame_start": _int(self.frame_start.text()),
            "frame_end": _int(self.frame_end.text()),
        }

    def save(self) -> None:
        """Validate and store everything at once; on a bad value show why and keep the dialog
        open (nothing is stored then)."""
        try:
            values = self._values()
            h: Hypothesis | None
            if self.hypothesis is None:
                h = self.service.add(
                    HypothesisDraft(**values), link=self.evidence.pending_links, sun=self.sun_draft
                )
            else:
                changes = {
                    k: v
                    for k, v in values.items()
                    if v is not None or k in ("place_name", "frame_start", "frame_end")
                }
                h = self._save_edit(self.hypothesis, changes)
        except (ValidationError, NotFoundError) as exc:
            self._error(exc)
            return
        if h is None:
            return  # a colleague's change: reloaded or kept in the form (the conflict dialog)
        self.hypothesis = h
        self.evidence.clear_pending()
        self.saved.emit(h.id)
        self.accept()

    def _save_edit(self, shown: Hypothesis, changes: dict[str, Any]) -> Hypothesis | None:
        """Save from the hypothesis as the editor showed it (see `ui.edit_conflict`)."""

        def reload(current: Hypothesis | None) -> None:
            if current is None:
                self.reject()
                return
            self.hypothesis = current
            self._fill(current)
            self.evidence.clear_pending()  # theirs, whole: my evidence changes go too
            self._reload_related()

        return save_edit(
            self,
            self.service.case,
            f"Hypothesis '{shown.place_name or shown.id[:8]}'",
            shown,
            lambda base: self.service.save(
                shown.id,
                changes,
                link=self.evidence.pending_links,
                unlink=self.evidence.pending_unlinks,
                sun=self.sun_draft,
                based_on=base,
            ),
            reload,
        )

    def _position(self) -> tuple[float, float]:
        """The position in the fields (what Save will store), else the saved one.

        Raises:
            ValidationError: a new hypothesis with no position typed yet.
        """
        try:
            lat, lon = _float(self.lat_edit.text()), _float(self.lon_edit.text())
        except ValidationError:
            lat = lon = None
        if lat is not None and lon is not None:
            return lat, lon
        if self.hypothesis is None:
            raise ValidationError("type the latitude and longitude (or look up the place) first")
        return self.hypothesis.lat, self.hypothesis.lon

    @property
    def sun_draft(self) -> SunCheckDraft | None:
        """The sun check computed in the Sun tab, recorded in the history on Save."""
        return self.sun_tab.draft

    def compute_sun(self) -> None:
        """Compute the sun in the Sun tab (kept to record on Save)."""
        self.sun_tab.compute()
