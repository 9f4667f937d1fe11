"""The main window: the case tree, the catalogue, the detail panel, the viewer, and every
feature's docks and menus.

The window owns the GUI thread's `Case` connection, the job runner and the shared signals, and
hands them to each feature through one `WorkbenchContext`; features never reach for a global.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QChildEvent, QSettings
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMessageBox, QWidget

from forensics.case import Case
from forensics.errors import WorkbenchError
from forensics.models import ItemKind
from forensics.store.item_query import ItemFilter
from forensics.store.location import ServerLocation, parse_location
from ui.after_paint import after_first_paint
from ui.case_export import CaseExport, CaseExports
from ui.case_tree import CaseTreePanel
from ui.catalogue import CataloguePanel
from ui.context import Contribution, WorkbenchContext, WorkbenchSignals
from ui.detail_panel import DetailPanel
from ui.dock_layout import DockLayout, plain, scroll_tab_titles
from ui.examiner_control import ExaminerControl
from ui.job_status import JobStatusBar
from ui.jobs import JobRunner
from ui.jobs_panel import JobsPanel
from ui.viewer import MediaViewer
from ui.window_title import WindowTitle

if TYPE_CHECKING:
    from forensics.intake.ingest import PostIngest
    from ui.examiner_dialog import Profiles

log = logging.getLogger(__name__)

APP_NAME = "Provenance Workbench"
MAX_RECENT = 8
_FIRST_MEDIA_SCAN = 256
"""Files looked at for the first video or image to show when a case opens (one query)."""
MENU_TIPS = {
    "file": "Cases: new, open, recent, close; import, merge and export",
    "case": "Add evidence, register and edit items, verify the case",
    "view": "Find in the catalogue, show or hide panels, reset the layout",
    "help": "The user guide and what this program is",
    "annotate": "Draw, label, read and exchange marks on photos and frames",
    "geo": "Geolocation hypotheses: record, derive from metadata, check",
    "provenance": "Who made each component: graph, origins, marking assistant, part search",
}
"""The status tip of each top-level menu; a menu a feature adds with another title gets one
naming its commands."""


class MainWindow(QMainWindow):
    """The workbench window. `settings` keeps layout, last case and recent cases."""

    def __init__(
        self,
        settings: QSettings,
        *,
        data_dir: Path,
        contributions: Sequence[Callable[[], Contribution]] = (),
        restore_layout: bool = True,
        post_ingest: Callable[[], Sequence[PostIngest]] | None = None,
        export_formats: Sequence[CaseExport] = (),
        profiles: Profiles | None = None,
    ) -> None:
        """Build the window with what the application hands it (`app.gui.build_window`).

        Args:
            settings: where the layout and the recent cases are kept.
            data_dir: the workbench's own folder.
            contributions: each feature's GUI part, built and installed in order.
            restore_layout: whether to restore the saved layout.
            post_ingest: makes the steps run on each item an ingest adds (metadata
                extraction...), called when an ingest starts; None: no step.
            export_formats: the case's export formats, one File > Export action each.
            profiles: the examiner profiles (`app.profiles.ProfileStore`): who signs, shown
                in the status bar and switched from the File menu; None: no switching.
        """
        super().__init__()
        self.settings = settings
        self.data_dir = data_dir
        self.post_ingest: Callable[[], Sequence[PostIngest]] = post_ingest or tuple
        self.setObjectName("MainWindow")
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.dock_layout = DockLayout(self, settings)
        self.signals = WorkbenchSignals(self)
        self.runner = JobRunner(self)
        self._case: Case | None = None
        self._item_shown = False
        """Something was selected or shown since the case opened (the first-media pick waits
        for the first paint and must not replace it)."""
        self._menus: dict[str, QMenu] = {}
        self.contribution_errors: list[str] = []
        self.contributions: list[Contribution] = []
        """The contributions that installed, in order."""

        self.job_status = JobStatusBar(self.runner, self)
        self.setStatusBar(self.job_status)
        self.examiner = ExaminerControl(self, profiles, self.current_case)
        self.title = WindowTitle(self, self.signals, self.current_case)
        self.examiner.listeners.append(self.title.refresh)
        self.catalogue = CataloguePanel(self.signals, self.runner, self)
        self.setCentralWidget(self.catalogue)
        self.tree = CaseTreePanel(self.signals, self)
        self.detail = DetailPanel(self.signals, self)
        self.viewer = MediaViewer(self.runner, self.current_case, self)
        self.menu("&File")
        self.menu("&Case")
        self.menu("&View")
        self.menu("&Help")
        self.add_dock("Case tree", self.tree, area="left")
        self.add_dock("Details", self.detail, area="right")
        self.add_dock("Viewer", self.viewer, area="bottom")
        self.dock_layout.anchor("right", "Details")
        self.dock_layout.anchor("bottom", "Viewer")

        from ui.window_actions import WindowActions

        self.actions_ = WindowActions(self)
        self.case_exports = CaseExports(self, export_formats, self.actions_.export_menu)
        self.context = WorkbenchContext(
            window=self,
            runner=self.runner,
            signals=self.signals,
            current_case=self.current_case,
            profiles=profiles,
            menu=self.menu,
            add_dock=self.add_dock,
            viewer=self.viewer,
            export_menu=self.actions_.export_menu,
        )
        self.signals.item_selected.connect(self._on_item_selected)
        self.signals.open_item_requested.connect(self._show_item)
        self.signals.frame_requested.connect(self._show_frame)
        self.signals.case_closed.connect(self.viewer.clear)
        self._install(contributions)
        self.jobs_panel = JobsPanel(self.runner, self)
        self.add_dock("Jobs", self.jobs_panel, area="left").hide()
        self.jobs_panel.job_shown.connect(lambda _j: self.dock_layout.show_jobs())
        self.actions_.finish_menus()
        from ui.readonly_mode import ReadOnlyMode

        self.readonly_mode = ReadOnlyMode(self)
        self.dock_layout.finish(restore=restore_layout)

    # the context's services --------------------------------------------------------------
    def current_case(self) -> Case | None:
        """The case open on the GUI thread, or None."""
        return self._case

    def menu(self, title: str) -> QMenu:
        """The top-level menu with this title, created (before Help) when missing."""
        key = plain(title)
        found = self._menus.get(key)
        if found is not None:
            return found
        menu = QMenu(title, self)
        menu.setObjectName(f"menu_{key.replace(' ', '_')}")
        menu.menuAction().setStatusTip(MENU_TIPS.get(key, f"The {title.replace('&', '')} commands"))
        help_menu = self._menus.get("help")
        if help_menu is not None:
            self.menuBar().insertMenu(help_menu.menuAction(), menu)
        else:
            self.menuBar().addMenu(menu)
        self._menus[key] = menu
        return menu

    def add_dock(self, title: str, widget: QWidget, area: str = "bottom") -> QDockWidget:
        """A dock holding `widget` in `area` (`DockLayout.add`), with its View menu toggle.

        Raises:
            ValueError: a dock with this title exists, or the area is unknown.
        """
        dock = self.dock_layout.add(title, widget, area)
        if hasattr(self, "actions_"):
            self.actions_.add_dock_toggle(dock)
        return dock

    def docks(self) -> list[QDockWidget]:
        """Every dock, in the order added."""
        return self.dock_layout.docks()

    def childEvent(self, event: QChildEvent) -> None:
        """Tab bars of tabbed docks scroll rather than cut their titles."""
        super().childEvent(event)
        scroll_tab_titles(event)

    # contributions -------------------------------------------------------------------------
    def _install(self, contributions: Sequence[Callable[[], Contribution]]) -> None:
        for factory in contributions:
            name = getattr(factory, "__qualname__", repr(factory))
            try:
                contribution = factory()
                contribution.install(self.context)
                self.contributions.append(contribution)
            except Exception as exc:  # one feature's bug must not take the workbench down
                log.exception("contribution %s failed to install", name)
                self.contribution_errors.append(f"{name}: {exc}")
        if self.contribution_errors:
            self.statusBar().showMessage(
                f"{len(self.contribution_errors)} feature(s) failed to load; see the log", 10000
            )

    # case lifecycle ------------------------------------------------------------------------
    def open_case(self, root: Path | str | ServerLocation) -> bool:
        """Close the open case and open the one at `root` (a folder, or a server case's
        `postgresql://` URL); errors go to a dialog."""
        try:
            where = parse_location(root)
        except WorkbenchError as exc:
            QMessageBox.critical(self, "Cannot open the case", f"{exc}")
            return False
        root = where.expanduser().resolve() if isinstance(where, Path) else where
        if self._case is not None and self._case.location == root:
            return True
        self.close_case()
        try:
            # A case on read-only media (or a reviewer's on a server) opens for reading
            # (banner, editing actions off).
            case = Case.open_for_reading(root)
        except (WorkbenchError, OSError) as exc:
            QMessageBox.critical(self, "Cannot open the case", f"{root}\n\n{exc}")
            self._forget_recent(root)
            return False
        self._case = case
        self._item_shown = False
        self._remember(root)
        self.signals.listen_to(case)
        self.signals.case_opened.emit(case)
        self.readonly_mode.apply(case)
        after_first_paint(self, lambda: self._select_first_media(case))
        self.statusBar().showMessage(
            f"Opened {root}{' (read-only)' if case.readonly else ''}", 5000
        )
        return True

    def _select_first_media(self, case: Case) -> None:
        """With nothing selected, show the first video (else image) so the viewer, its
        annotations and the details are filled as soon as a case opens."""
        if case is not self._case or self._item_shown:
            return  # closed or replaced, or the user (or a caller) picked something first
        if self.catalogue.selected_item_id() or self.tree.selected_item_id():
            return
        only_files = ItemFilter(kinds=(ItemKind.FILE,))
        files = case.items.page(only_files, _FIRST_MEDIA_SCAN)
        for prefix in ("video/", "image/"):
            found = next((i for i in files if (i.mime or "").startswith(prefix)), None)
            if found is not None:
                self.signals.item_selected.emit(found.id)
                return

    def close_case(self) -> None:
        """Cancel the case's jobs, tell every view, and close the connection."""
        if self._case is None:
            return
        self.runner.cancel_all()
        self.runner.wait(10000)
        case, self._case = self._case, None
        self.signals.stop_listening()
        self.signals.case_closed.emit()
        self.readonly_mode.apply(None)
        case.close()

    def is_busy(self) -> bool:
        """True while views still load or decode (screenshot mode waits for idle)."""
        return self.viewer.is_busy()

    def _on_item_selected(self, item_id: str) -> None:
        self._item_shown = True
        self._show_item(item_id)

    def _show_item(self, item_id: str) -> None:
        self.viewer.show_item(item_id)

    def _show_frame(self, item_id: str, index: int) -> None:
        self._item_shown = True
        self.dock_layout.dock("Viewer").raise_()
        self.viewer.show_item(item_id, frame_index=index)

    # settings ------------------------------------------------------------------------------
    def recent_cases(self) -> list[str]:
        """Recently opened case folders, newest first."""
        value = self.settings.value("case/recent", [])
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [str(v) for v in value]
        return []

    def _remember(self, root: Path | ServerLocation) -> None:
        recent = [str(root)] + [r for r in self.recent_cases() if r != str(root)]
        self.settings.setValue("case/recent", recent[:MAX_RECENT])
        self.settings.setValue("case/last", str(root))
        self.actions_.refresh_recent()

    def _forget_recent(self, root: Path | ServerLocation) -> None:
        self.settings.setValue("case/recent", [r for r in self.recent_cases() if r != str(root)])
        self.actions_.refresh_recent()

    def last_case(self) -> Path | ServerLocation | None:
        """The case open when the window last closed, if any (a folder or a server case)."""
        value = self.settings.value("case/last")
        if not value:
            return None
        try:
            return parse_location(str(value))
        except WorkbenchError:
            return None

    def first_start(self) -> bool:
        """True when no window was ever closed with these settings (no saved geometry)."""
        return self.dock_layout.first_start()

    def show_as_remembered(self) -> None:
        """Show the window: maximised the first time, else as it was when last closed."""
        self.dock_layout.show_as_remembered()

    def save_layout(self) -> None:
        """Keep geometry and dock layout for the next start."""
        self.dock_layout.save()

    # window events -------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout, stop every job and close the case before the window goes."""
        self.save_layout()
        self.viewer.shutdown()
        self.runner.shutdown()
        self.examiner.seal_on_close(self._case)
        last = self._case.location if self._case is not None else None
        self.close_case()
        if last is not None:
            self.settings.setValue("case/last", str(last))
        self.settings.sync()
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept files dropped from the desktop: they are ingested into the open case."""
        if event.mimeData().hasUrls() and self._case is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Ingest the dropped files and folders."""
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.actions_.ingest(paths)
