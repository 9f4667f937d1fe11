"""The geolocation feature's part of the main window: the map, the hypotheses dock, a menu."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from forensics.case import Case
from forensics.jobs import CancelToken, ProgressFn
from geoloc.auto import AutoResult, hypotheses_from_metadata
from geoloc.export_geo import write_geojson, write_kml
from geoloc.gazetteer import default_gazetteer
from ui.context import WorkbenchContext
from ui.geo.map_view import MapView
from ui.geo.panel import GeoPanel

log = logging.getLogger(__name__)


class GeoContribution:
    """Installs the map and hypotheses docks and the Geo menu."""

    def install(self, ctx: WorkbenchContext) -> None:
        """Add the docks and the menu, and follow the open case."""
        self.ctx = ctx
        self.item_id: str | None = None
        self._warmed = False
        self.map = MapView(parent=ctx.window)
        self.panel = GeoPanel(ctx.current_case, self.map, lambda: self.item_id, parent=ctx.window)
        # The panel is a child of the window: it keeps this contribution alive with it.
        self.panel.contribution = self  # type: ignore[attr-defined]
        ctx.add_dock("Map", self.map)
        ctx.add_dock("Hypotheses", self.panel)
        ctx.signals.case_opened.connect(self._opened)
        ctx.signals.case_closed.connect(self.panel.clear)
        ctx.signals.case_changed.connect(self.panel.reload)
        ctx.signals.item_selected.connect(self._item_selected)
        self.panel.changed.connect(ctx.signals.case_changed.emit)
        self._build_menu()
        if ctx.current_case() is not None:
            self._opened(ctx.current_case())

    def _build_menu(self) -> None:
        menu = self.ctx.menu("&Geo")
        w = self.ctx.window
        for text, key, tip, slot in (
            (
                "&New hypothesis…",
                "Ctrl+Alt+H",
                "Record where the selected item was made",
                self.panel.new_hypothesis,
            ),
            (
                "&Open selected hypothesis…",
                "Ctrl+Alt+O",
                "Edit the hypothesis selected in the "
                "list, with its evidence, history, checks and sun",
                self.panel.open_selected,
            ),
            (
                "Hypotheses from &metadata",
                "Ctrl+Alt+M",
                "Turn the positions in the media's "
                "metadata (EXIF GPS, location atoms, drone telemetry) into hypotheses",
                self.from_metadata,
            ),
            (
                "&Check consistency",
                "Ctrl+Alt+K",
                "Flag hypotheses far from the metadata or contradicting each other",
                self.check,
            ),
            (
                "Export &GeoJSON…",
                "Ctrl+Alt+J",
                "Save hypotheses and tracks as GeoJSON",
                lambda: self.export("geojson"),
            ),
            (
                "Export &KML…",
                "Ctrl+Alt+L",
                "Save hypotheses and tracks as KML",
                lambda: self.export("kml"),
            ),
        ):
            action = QAction(text, w)
            action.setShortcut(QKeySequence(key))
            action.setStatusTip(tip)
            action.triggered.connect(slot)
            menu.addAction(action)

    # events -------------------------------------------------------------------------------
    def _opened(self, _case: Any) -> None:
        self.panel.reload()
        if not self._warmed:
            # The gazetteer reads its data on the first query: do that in the background so
            # the first place lookup in the editor answers at once.
            self._warmed = True
            self.ctx.runner.start(
                "Loading the gazetteer", lambda _p, _c: default_gazetteer().search("Shenzhen")
            )

    def _item_selected(self, item_id: str) -> None:
        self.item_id = item_id

    # actions ------------------------------------------------------------------------------
    def from_metadata(self) -> None:
        """Make hypotheses from metadata positions in a background job."""
        root = self.ctx.case_root()
        if root is None:
            return

        def work(progress: ProgressFn, cancel: CancelToken) -> AutoResult:
            with Case.open(root) as case:  # a job opens its own connection
                return hypotheses_from_metadata(case, progress=progress, cancel=cancel)

        job = self.ctx.runner.start("Hypotheses from metadata", work)
        job.signals.finished.connect(self._auto_done)
        job.signals.failed.connect(
            lambda message, _tb: QMessageBox.warning(
                self.ctx.window, "Hypotheses from metadata", message
            )
        )

    def _auto_done(self, result: AutoResult) -> None:
        self.panel.reload()
        self.ctx.signals.case_changed.emit()
        text = (
            f"{len(result.created)} hypotheses made from metadata positions, "
            f"{result.existing} already recorded."
        )
        if result.problems:
            text += "\n\n" + "\n".join(result.problems)
        QMessageBox.information(self.ctx.window, "Hypotheses from metadata", text)

    def check(self) -> None:
        """Show the consistency flags of the case."""
        self.panel.reload()
        flags = self.panel.flags
        text = "\n".join(f"• {f.message}" for f in flags) or "No inconsistencies found."
        QMessageBox.information(self.ctx.window, "Consistency of the hypotheses", text)

    def export(self, fmt: str) -> None:
        """Save the hypotheses and tracks as GeoJSON or KML."""
        case = self.ctx.current_case()
        if case is None:
            return
        suffix = ".geojson" if fmt == "geojson" else ".kml"
        name, _ = QFileDialog.getSaveFileName(
            self.ctx.window, f"Export {fmt.upper()}", f"hypotheses{suffix}"
        )
        if not name:
            return
        try:
            writer = write_geojson if fmt == "geojson" else write_kml
            summary = writer(case, Path(name))
        except OSError as exc:
            QMessageBox.warning(self.ctx.window, "Export failed", f"{name}: {exc.strerror or exc}")
            return
        self.ctx.window.statusBar().showMessage(
            f"Wrote {summary['hypotheses']} hypotheses and {summary['tracks']} tracks to {name}",
            8000,
        )
