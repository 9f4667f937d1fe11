"""What the main window hands to each feature's GUI: services, never a global accessor.

A feature contributes its docks, menus and actions through a `Contribution`; the main window
builds every contribution the application hands it (from its feature list, `app.features`)
with one `WorkbenchContext` and tells them when a case opens or closes and which item is selected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from forensics.case import Case
from ui.jobs import JobRunner

if TYPE_CHECKING:
    from ui.viewer import MediaViewer


class AddDock(Protocol):
    """The main window's `add_dock`."""

    def __call__(self, title: str, widget: QWidget, area: str = "bottom") -> QDockWidget:
        """Add a dock; `area` is "left", "right" (tabbed with Details) or "bottom"."""
        ...


class WorkbenchSignals(QObject):
    """Events shared across the workbench (emitted on the GUI thread)."""

    case_opened = Signal(object)
    """The new `Case` (GUI-thread connection)."""
    case_closed = Signal()
    item_selected = Signal(str)
    """An item id chosen in the tree or the catalogue."""
    case_changed = Signal()
    """Records were added or edited: views reload."""
    open_item_requested = Signal(str)
    """Show an item in the viewer (e.g. from a link)."""
    frame_requested = Signal(str, int)
    """Show this media item at this frame index."""


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
    `area="left"|"right"|"bottom"` (default "bottom", tabbed with the viewer; "right" is
    tabbed with Details)."""
    export_menu: QMenu | None = None
    """File > Export, where the window lists the case's export formats; a feature adds its
    other exports (an archive, a report) next to them."""
    viewer: MediaViewer | None = None
    """The main window's media viewer (`ui.viewer.MediaViewer`): annotation overlays go into
    its `graphics_scene()` in image pixel coordinates; it emits `frame_shown`."""

    def case_root(self) -> Path | None:
        """The open case's folder, for jobs that open their own connection."""
        case = self.current_case()
        return None if case is None else case.root


class Contribution(Protocol):
    """A feature's part of the main window."""

    def install(self, ctx: WorkbenchContext) -> None:
        """Add docks, menu entries and actions to `ctx.window`."""
