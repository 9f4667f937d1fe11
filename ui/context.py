"""What the main window hands to each feature's GUI: services, never a global accessor.

A feature contributes its docks, menus and actions through a `Contribution`; the main window
builds every contribution the application hands it (from its feature list, `app.features`)
with one `WorkbenchContext` and tells them when a case opens or closes and which item is selected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from forensics.case import Case, CaseLocation
from forensics.store.events import ChangeSet
from ui.jobs import JobRunner

if TYPE_CHECKING:
    from ui.examiner_dialog import Profiles
    from ui.viewer import MediaViewer


class AddDock(Protocol):
    """The main window's `add_dock`."""

    def __call__(self, title: str, widget: QWidget, area: str = "bottom") -> QDockWidget:
        """Add a dock; `area` is "left", "right" (tabbed with Details), "bottom" (tabbed with
        the viewer) or "beside viewer" (next to the viewer, both in sight)."""
        ...


class WorkbenchSignals(QObject):
    """Events shared across the workbench (emitted on the GUI thread)."""

    records_changed = Signal(object)
    """A `forensics.store.events.ChangeSet`: what a write to the open case committed, from
    this window or from a job's own connection. Each view reloads only when the record types
    (or the item) it shows changed."""
    _arrived = Signal(object)
    """A change set published on a job's thread, crossing to the GUI thread."""

    case_opened = Signal(object)
    """The new `Case` (GUI-thread connection)."""
    case_closed = Signal()
    item_selected = Signal(str)
    """An item id chosen in the tree or the catalogue."""
    open_item_requested = Signal(str)
    """Show an item in the viewer (e.g. from a link)."""
    frame_requested = Signal(str, int)
    """Show this media item at this frame index."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: list[ChangeSet] = []
        self._stop: Callable[[], None] | None = None
        self._arrived.connect(self._collect, Qt.ConnectionType.QueuedConnection)
        self._flush_soon = QTimer(self)
        self._flush_soon.setSingleShot(True)
        self._flush_soon.setInterval(0)
        self._flush_soon.timeout.connect(self.flush)

    def listen_to(self, case: Case) -> None:
        """Turn the case folder's committed changes into `records_changed`."""
        self.stop_listening()
        self._stop = case.changes.subscribe(self._heard)

    def stop_listening(self) -> None:
        """Stop hearing the case (it is closing); what was not delivered is dropped."""
        if self._stop is not None:
            self._stop()
            self._stop = None
        self._pending.clear()

    def flush(self) -> None:
        """Deliver the changes a job committed so far, as one change set (a job calls this
        from its finished handler, so views are current when it reports)."""
        self._flush_soon.stop()
        if self._pending:
            merged = ChangeSet.merged(self._pending)
            self._pending.clear()
            self.records_changed.emit(merged)

    def _heard(self, changes: ChangeSet) -> None:
        # Runs on the writer's thread. A write on the GUI thread (a dialog, a panel) is
        # delivered at once; a job's writes cross threads and are gathered, since an ingest
        # commits once per file and views should reload once per burst, not per file.
        if QThread.currentThread() is self.thread():
            self.flush()
            self.records_changed.emit(changes)
        else:
            self._arrived.emit(changes)

    def _collect(self, changes: ChangeSet) -> None:
        self._pending.append(changes)
        self._flush_soon.start()


@dataclass
class WorkbenchContext:
    """The services a feature's widgets receive."""

    window: QMainWindow
    runner: JobRunner
    signals: WorkbenchSignals
    current_case: Callable[[], Case | None]
    """The open case on the GUI thread (None when no case is open)."""
    menu: Callable[[str], QMenu]
    """The top-level menu with this title ("&File", "&Case", "&Media", "&Tools"…)."""
    add_dock: AddDock
    """Add a dock widget with this title; the window places it and restores its layout.
    `area="left"|"right"|"bottom"|"beside viewer"` (default "bottom", tabbed with the viewer;
    "right" is tabbed with Details; "beside viewer" stands next to the viewer)."""
    export_menu: QMenu | None = None
    """File > Export, where the window lists the case's export formats; a feature adds its
    other exports (an archive, a report) next to them."""
    viewer: MediaViewer | None = None
    """The main window's media viewer (`ui.viewer.MediaViewer`): annotation overlays go into
    its `graphics_scene()` in image pixel coordinates; it emits `frame_shown`."""
    profiles: Profiles | None = None
    """The examiner profiles on this machine (`app.profiles.ProfileStore`): a report names
    the signers whose keys are theirs."""

    def case_root(self) -> CaseLocation | None:
        """Where the open case is (its folder, or its server location), for jobs that open
        their own connection (`Case.open` takes either)."""
        case = self.current_case()
        return None if case is None else case.location


class Contribution(Protocol):
    """A feature's part of the main window."""

    def install(self, ctx: WorkbenchContext) -> None:
        """Add docks, menu entries and actions to `ctx.window`."""
