"""Where the window's panels sit: its docks, the default layout, and the layout kept between
starts.

Each feature adds its docks through the window (`WorkbenchContext.add_dock`); the areas are
named ("left", "right", "bottom", "beside viewer") so a feature never deals in Qt's dock
geometry. Bottom docks tab with the viewer and right docks with Details, so a dozen feature
panels fit on a laptop screen; a user's own arrangement is saved on closing and restored on
the next start, unless the default layout changed in a way a saved one must not undo
(`LAYOUT_VERSION`).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QChildEvent, QEvent, QSettings, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar, QTabWidget, QWidget

AREAS = {
    "left": Qt.DockWidgetArea.LeftDockWidgetArea,
    "right": Qt.DockWidgetArea.RightDockWidgetArea,
    "bottom": Qt.DockWidgetArea.BottomDockWidgetArea,
    "beside viewer": Qt.DockWidgetArea.BottomDockWidgetArea,
}
_UNTABBED = frozenset({"beside viewer"})
"""Areas whose docks sit next to the others rather than in their tab group: a panel used
while looking at the frame (annotation details) must not hide the viewer."""
LAYOUT_VERSION = 1
"""Raised when the default layout changes for a reason a user's saved layout must not undo
(1: annotation details beside the viewer); a layout saved under another version is dropped."""
JOBS_HEIGHT = 280
"""How tall the Jobs dock opens when a job starts: a row and its message in sight."""


def plain(title: str) -> str:
    """A menu's or dock's title as a key: no mnemonic, no case."""
    return title.replace("&", "").strip().casefold()


class DockLayout:
    """The docks of `window` by name, their default places and sizes, and the layout saved in
    `settings` (geometry and dock state)."""

    def __init__(self, window: QMainWindow, settings: QSettings) -> None:
        self._window = window
        self._settings = settings
        self._docks: dict[str, QDockWidget] = {}
        self._anchors: dict[str, QDockWidget] = {}
        self.initial_state = QByteArray()
        """The default layout, once every dock is in (`finish`): View > Reset layout."""
        window.setDockNestingEnabled(True)
        window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

    def add(self, title: str, widget: QWidget, area: str = "bottom") -> QDockWidget:
        """A dock holding `widget`; bottom docks are tabbed with the viewer, right docks
        with Details, "beside viewer" docks stand to the right of the viewer, both in sight
        (this is the default layout; a saved layout overrides it).

        Raises:
            ValueError: a dock with this title exists, or the area is unknown.
        """
        key = plain(title)
        if key in self._docks:
            raise ValueError(f"a dock named {title!r} already exists")
        if area not in AREAS:
            raise ValueError(f"unknown dock area {area!r}")
        dock = QDockWidget(title, self._window)
        dock.setObjectName("dock_" + "".join(c if c.isalnum() else "_" for c in key))
        dock.setWidget(widget)
        self._window.addDockWidget(AREAS[area], dock)  # bottom: side by side with the others
        anchor = self._anchors.get(area)
        if anchor is not None and area not in _UNTABBED:
            self._window.tabifyDockWidget(anchor, dock)
            anchor.raise_()
        self._docks[key] = dock
        return dock

    def anchor(self, area: str, title: str) -> None:
        """Docks added to `area` from now on tab with the dock named `title`."""
        self._anchors[area] = self.dock(title)
        if area == "right":
            # Side panels tab with Details; vertical tabs there keep every title readable.
            self._window.setTabPosition(
                Qt.DockWidgetArea.RightDockWidgetArea, QTabWidget.TabPosition.East
            )

    def dock(self, title: str) -> QDockWidget:
        """The dock with this title.

        Raises:
            KeyError: there is none.
        """
        return self._docks[plain(title)]

    def docks(self) -> list[QDockWidget]:
        """Every dock, in the order added."""
        return list(self._docks.values())

    def finish(self, *, restore: bool) -> None:
        """Every dock is in: size the default layout, keep it, and (with `restore`) put back
        the layout saved when the window last closed."""
        self._window.resize(1440, 900)
        self._window.resizeDocks(
            [self.dock("Case tree"), self.dock("Details")], [280, 380], Qt.Orientation.Horizontal
        )
        self._window.resizeDocks([self.dock("Viewer")], [500], Qt.Orientation.Vertical)
        self.initial_state = self._window.saveState(LAYOUT_VERSION)
        if restore:
            geometry = self._settings.value("window/geometry")
            state = self._settings.value("window/state")
            if isinstance(geometry, QByteArray):
                self._window.restoreGeometry(geometry)
            if isinstance(state, QByteArray):
                self._window.restoreState(state, LAYOUT_VERSION)

    def reset(self) -> None:
        """Every dock back in sight, in its first place (View > Reset layout)."""
        for dock in self.docks():
            dock.setFloating(False)
            dock.show()
        self._window.restoreState(self.initial_state, LAYOUT_VERSION)

    def show_jobs(self) -> None:
        """A job was started: its row must be in sight, tall enough to read."""
        dock = self.dock("Jobs")
        if dock.isHidden():
            dock.show()
            # Sized once the layout has placed it (right after show() it is not yet).
            QTimer.singleShot(
                0,
                self._window,
                lambda: self._window.resizeDocks([dock], [JOBS_HEIGHT], Qt.Orientation.Vertical),
            )

    # kept between starts ------------------------------------------------------------------
    def first_start(self) -> bool:
        """True when no window was ever closed with these settings (no saved geometry)."""
        return not isinstance(self._settings.value("window/geometry"), QByteArray)

    def show_as_remembered(self) -> None:
        """Show the window: maximised the first time, an investigator needs every panel;
        afterwards as it was when last closed (size, place, maximised or not, the docks)."""
        if self.first_start():
            self._window.showMaximized()
        else:
            self._window.show()  # restoreGeometry() already set the size and maximised state

    def save(self) -> None:
        """Keep geometry and dock layout for the next start."""
        self._settings.setValue("window/geometry", self._window.saveGeometry())
        self._settings.setValue("window/state", self._window.saveState(LAYOUT_VERSION))
        self._settings.sync()


def scroll_tab_titles(event: QChildEvent) -> None:
    """Make a tab bar Qt made for tabbed docks scroll rather than cut its titles: on a 1366 px
    screen the viewer's group read "V…", "Anno…", "Provenanc…". For the window's
    `childEvent`."""
    # ChildPolished, not ChildAdded: at ChildAdded the tab bar is not yet constructed.
    # The type is asked first: `child()` wraps the child for Python, ~0.1 ms each, and
    # the window's start hears 174 child events.
    if event.type() != QEvent.Type.ChildPolished:
        return
    child = event.child()
    if isinstance(child, QTabBar):
        child.setElideMode(Qt.TextElideMode.ElideNone)
        child.setUsesScrollButtons(True)
