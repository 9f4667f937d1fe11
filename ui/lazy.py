"""Work for hidden panels waits until they are shown.

At start-up a dozen feature docks sit tabbed behind the viewer. Building their widgets and
querying the case for every one of them would hold back the window's first paint for panels
nobody is looking at (issue 4: start-up within twice a bare window's). So:

- a dock holds a `LazyPanel`, which imports and builds the feature's widget the first time
  the dock comes on screen (or when an action asks for the widget);
- a panel's refresh goes through a `WhenShown`: it runs at once while the panel is on screen,
  and otherwise marks the panel stale and runs the next time it is shown (before it paints,
  so a stale picture is never seen).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QDockWidget, QVBoxLayout, QWidget

log = logging.getLogger(__name__)


def dock_of(widget: QWidget) -> QDockWidget | None:
    """The dock holding `widget`, if any."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    return parent


def on_screen(widget: QWidget) -> bool:
    """True when `widget` can be seen. `isVisible()` is not enough: Qt keeps the docks of a
    tab group that are not the current tab "visible" and moves them out of the window."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


class WhenShown(QObject):
    """Runs `refresh` now if one of `widgets` is on screen, else when one next comes on screen.

    A widget comes on screen when its dock's `visibilityChanged(True)` fires (the dock is
    shown, or its tab is picked) or when it gets a Show event while it can be seen (a widget
    added to a dock already on screen, a widget in no dock).

    Args:
        widgets: the panel (or panels) that show what `refresh` loads.
        refresh: reads the case again and fills the panels.
    """

    def __init__(self, widgets: QWidget | Sequence[QWidget], refresh: Callable[[], object]) -> None:
        self._widgets = (widgets,) if isinstance(widgets, QWidget) else tuple(widgets)
        if not self._widgets:
            raise ValueError("WhenShown needs at least one widget")
        super().__init__(self._widgets[0])
        self._refresh = refresh
        self._stale = False
        self._docks: list[QDockWidget] = []
        self.runs = 0
        """How many times the refresh ran (tests check that hidden panels stay idle)."""
        for widget in self._widgets:
            widget.installEventFilter(self)
            self._watch_dock(widget)

    @property
    def stale(self) -> bool:
        """True when a refresh is owed the next time a panel comes on screen."""
        return self._stale

    def on_screen(self) -> bool:
        """True when one of the panels can be seen."""
        return any(on_screen(w) for w in self._widgets)

    def request(self, *_args: object) -> None:
        """The panels' data changed: refresh now if on screen, else when next shown.

        Takes and ignores any arguments so it can be connected to any signal."""
        if self.on_screen():
            self._run()
        else:
            self._stale = True

    def run_now(self) -> None:
        """Refresh whether or not the panels are on screen (an action needs the data now)."""
        self._run()

    def show_and_run(self) -> None:
        """Bring the first panel's dock forward and refresh it once (a menu's "Refresh")."""
        before = self.runs
        self._stale = True
        reveal(self._widgets[0])
        if self.runs == before:
            self._run()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the panels into docks; run an owed refresh when one is shown on screen."""
        if watched in self._widgets and isinstance(watched, QWidget):
            kind = event.type()
            if kind == QEvent.Type.ParentChange:
                self._watch_dock(watched)
            elif kind == QEvent.Type.Show and self._stale and on_screen(watched):
                self._run()
        return False

    def _watch_dock(self, widget: QWidget) -> None:
        dock = dock_of(widget)
        if dock is not None and dock not in self._docks:
            self._docks.append(dock)
            dock.visibilityChanged.connect(self._dock_visibility)

    def _dock_visibility(self, visible: bool) -> None:
        if visible and self._stale and self.on_screen():
            self._run()

    def _run(self) -> None:
        self._stale = False
        self.runs += 1
        self._refresh()


def reveal(widget: QWidget) -> None:
    """Show and raise the dock holding `widget` (its tab comes to the front), so an action on
    a hidden panel works on fresh data the user can see."""
    dock = dock_of(widget)
    if dock is None:
        widget.show()
        return
    dock.show()
    dock.raise_()


class LazyPanel(QWidget):
    """A dock's content that builds itself the first time it comes on screen.

    Args:
        build: returns the real widget, or builds it and hands it to `set_widget` itself
            (when one builder fills several panels) and returns None.
        parent: the usual Qt parent.
    """

    def __init__(self, build: Callable[[], QWidget | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self._widget: QWidget | None = None
        self._building = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._on_show = WhenShown(self, self.ensure)
        self._on_show.request()

    def set_widget(self, widget: QWidget) -> None:
        """Put the real widget in (once)."""
        if self._widget is not None:
            raise RuntimeError("this panel already holds its widget")
        self._widget = widget
        layout = self.layout()
        assert layout is not None
        layout.addWidget(widget)
        if self.isVisible():
            widget.show()  # now, not on Qt's next turn: no frame with an empty dock

    def widget(self) -> QWidget | None:
        """The real widget, or None while it is not built."""
        return self._widget

    def is_built(self) -> bool:
        """True once the real widget exists."""
        return self._widget is not None

    def ensure(self) -> QWidget:
        """The real widget, built now if it was not yet.

        Raises:
            RuntimeError: the builder gave no widget.
        """
        if self._widget is None and not self._building:
            self._building = True
            try:
                made = self._build()
            finally:
                self._building = False
            if made is not None and self._widget is None:
                self.set_widget(made)
        if self._widget is None:
            raise RuntimeError("the panel's builder made no widget")
        return self._widget
