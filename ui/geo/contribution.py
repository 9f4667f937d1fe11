"""The geolocation feature's part of the main window: the map, the hypotheses dock, a menu."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox

from forensics.case import Case
from forensics.jobs import CancelToken, ProgressFn
from forensics.store.events import ChangeSet
from ui.actions import make_action
from ui.context import WorkbenchContext
from ui.lazy import LazyPanel, WhenShown

if TYPE_CHECKING:
    from geoloc.auto import AutoResult
    from ui.geo.map_view import MapView
    from ui.geo.panel import GeoPanel
    from ui.jobs import Job

log = logging.getLogger(__name__)


def _subjects() -> tuple[str, ...]:
    """What the map and the hypotheses panel show: hypotheses and their evidence, the
    positions found in metadata, the items and annotations evidence points at."""
    from forensics.records.geoloc import RECORD_TYPES

    return (*(t.subject for t in RECORD_TYPES), "media_metadata", "item", "annotation")


class GeoContribution:
    """Installs the map and hypotheses docks and the Geo menu."""

    def install(self, ctx: WorkbenchContext) -> None:
        """Add the docks and the menu, and follow the open case."""
        self.ctx = ctx
        self.item_id: str | None = None
        self._warmed = False
        self._map: MapView | None = None
        self._panel: GeoPanel | None = None
        # Both docks start tabbed behind the viewer: the map and the list are built, and the
        # case read, when one of them is first looked at (or an action needs them).
        self.map_slot = LazyPanel(self._build, ctx.window)
        self.panel_slot = LazyPanel(self._build, ctx.window)
        # The slot is a child of the window: it keeps this contribution alive with it.
        self.panel_slot.contribution = self  # type: ignore[attr-defined]
        ctx.add_dock("Map", self.map_slot)
        ctx.add_dock("Hypotheses", self.panel_slot, area="right")
        self.refresh = WhenShown((self.panel_slot, self.map_slot), self._load)
        ctx.signals.case_opened.connect(self._opened)
        ctx.signals.case_closed.connect(self.refresh.request)
        ctx.signals.case_closed.connect(self._close_editors)
        ctx.signals.records_changed.connect(self._records_changed)
        ctx.signals.item_selected.connect(self._item_selected)
        self._build_menu()
        if ctx.current_case() is not None:
            self._opened(ctx.current_case())

    def _close_editors(self) -> None:
        """Hypothesis editors close with their case at once, shown or not: they would read a
        closed database, and a save must never go into the next case."""
        if self.is_built():
            self.panel.close_editors()

    def _records_changed(self, changes: ChangeSet) -> None:
        if changes.touches(*_subjects()):
            self.refresh.request()

    def _build_menu(self) -> None:
        menu = self.ctx.menu("&Geo")
        w = self.ctx.window
        for text, key, tip, slot in (
            (
                "&New hypothesis…",
                "Ctrl+Alt+H",
                "Record where the selected item was made",
                lambda: self.panel.new_hypothesis(),
            ),
            (
                "&Open selected hypothesis…",
                "Ctrl+Alt+O",
                "Edit the hypothesis selected in the "
                "list, with its evidence, history, checks and sun",
                lambda: self.panel.open_selected(),
            ),
            (
                "Hypotheses from &metadata",
                "Ctrl+Alt+M",
                "Turn the positions in the media's "
                "metadata (EXIF GPS, location atoms, drone telemetry) into hypotheses",
                self.from_metadata,
            ),
            (
                "&Zoom map to the data",
                "Ctrl+Alt+Z",
                "Show every hypothesis and telemetry track of the case on the map",
                self.zoom_to_data,
            ),
            (
                "&Check consistency",
                "Ctrl+Alt+C",
                "Flag hypotheses far from the metadata or contradicting each other",
                self.check,
            ),
        ):
            # New and from-metadata add hypotheses; opening one edits it.
            writes = key in ("Ctrl+Alt+H", "Ctrl+Alt+M", "Ctrl+Alt+O")
            menu.addAction(make_action(w, text, key, tip, slot, writes=writes))

    # the lazily built widgets -------------------------------------------------------------
    @property
    def map(self) -> MapView:
        """The map (built on first use)."""
        self._build()
        assert self._map is not None
        return self._map

    @property
    def panel(self) -> GeoPanel:
        """The hypotheses list (built on first use, with the map it draws on)."""
        self._build()
        assert self._panel is not None
        return self._panel

    def is_built(self) -> bool:
        """True once the map and the list exist."""
        return self._panel is not None

    def _build(self) -> None:
        if self._panel is not None:
            return
        from ui.geo.map_view import MapView
        from ui.geo.panel import GeoPanel

        self._map = MapView()
        self._panel = GeoPanel(self.ctx.current_case, self._map, lambda: self.item_id)
        self._add_comments(self._panel)
        self.map_slot.set_widget(self._map)
        self.panel_slot.set_widget(self._panel)

    def _add_comments(self, panel: Any) -> None:
        """The Comments box under the list: the thread on the selected hypothesis."""
        from ui.comments.box import CommentsBox

        box = CommentsBox(self.ctx.signals, self.ctx.current_case, panel)
        panel.comments = box
        panel.layout().addWidget(box)
        panel.view.selectionModel().selectionChanged.connect(
            lambda *_: box.show_for(panel.selected_id())
        )
        panel.model.modelReset.connect(lambda: box.show_for(panel.selected_id()))

    # events -------------------------------------------------------------------------------
    def _opened(self, _case: Any) -> None:
        self.refresh.request()

    def _load(self) -> None:
        self.panel.reload()
        if not self._warmed and self.ctx.current_case() is not None:
            # The gazetteer reads its data on the first query: once the geolocation docks
            # are looked at, do that in the background so the first place lookup in the
            # editor answers at once (not at start-up, where it would compete with it).
            self._warmed = True
            self.ctx.runner.start("Loading the gazetteer", _warm_gazetteer, quiet=True)

    def _item_selected(self, item_id: str) -> None:
        self.item_id = item_id

    # actions ------------------------------------------------------------------------------
    def from_metadata(self) -> None:
        """Make hypotheses from metadata positions in a background job."""
        from geoloc.auto import hypotheses_from_metadata

        root = self.ctx.case_root()
        if root is None:
            return

        def work(progress: ProgressFn, cancel: CancelToken) -> AutoResult:
            with Case.open(root) as case:  # a job opens its own connection
                return hypotheses_from_metadata(case, progress=progress, cancel=cancel)

        job = self.ctx.runner.start("Hypotheses from metadata", work, writes=True)
        job.signals.finished.connect(lambda result, j=job: self._auto_done(result, j))
        job.signals.failed.connect(
            lambda message, _tb: QMessageBox.warning(
                self.ctx.window, "Hypotheses from metadata", message
            )
        )

    def _auto_done(self, result: AutoResult, job: Job) -> None:
        """Say what was made in the job's row and the status bar (nothing modal pops up
        over the work); the problems, when there are any, behind the row's button."""
        self.ctx.signals.flush()
        self.panel.reload()
        text = (
            f"{len(result.created)} hypotheses made from metadata positions, "
            f"{result.existing} already recorded."
        )
        job.report(text, result.problems, "Hypotheses from metadata: problems")
        self.ctx.window.statusBar().showMessage(text, 10000)

    def zoom_to_data(self) -> None:
        """Bring the map forward, framed on the case's hypotheses and tracks."""
        self.panel.reload()
        dock = self.map_slot.parentWidget()
        if dock is not None:
            dock.raise_()
        self.panel.zoom_to_data()

    def check(self) -> None:
        """Show the consistency flags of the case."""
        self.panel.reload()
        flags = self.panel.flags
        text = "\n".join(f"• {f.message}" for f in flags) or "No inconsistencies found."
        QMessageBox.information(self.ctx.window, "Consistency of the hypotheses", text)


def _warm_gazetteer(_progress: ProgressFn, _cancel: CancelToken) -> None:
    from geoloc.gazetteer import default_gazetteer

    default_gazetteer().search("Shenzhen")
