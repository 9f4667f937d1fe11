"""Where the panels sit (ui/dock_layout.py), through the window `pwb gui` builds: the named
areas, View > Reset layout, and the layout kept between starts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def test_feature_docks_tab_with_details_or_the_viewer_and_beside_viewer_stands_apart(
    make_window,
) -> None:
    window = make_window()
    layout = window.dock_layout
    details, viewer = layout.dock("Details"), layout.dock("Viewer")
    right = layout.dock("Hypotheses")
    bottom = layout.dock("Map")
    beside = layout.dock("Annotation details")
    assert window.dockWidgetArea(right) == Qt.DockWidgetArea.RightDockWidgetArea
    assert right in window.tabifiedDockWidgets(details)
    assert bottom in window.tabifiedDockWidgets(viewer)
    assert window.dockWidgetArea(beside) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert beside not in window.tabifiedDockWidgets(viewer)
    assert window.docks()[:3] == [layout.dock("Case tree"), details, viewer]
    with pytest.raises(ValueError, match="already exists"):
        window.add_dock("Details", QLabel("again"), area="right")
    with pytest.raises(ValueError, match="unknown dock area"):
        window.add_dock("Elsewhere", QLabel("lost"), area="top")


def test_reset_layout_brings_every_dock_back_in_its_first_place(make_window, qtbot) -> None:
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    layout = window.dock_layout
    tree, details, hypotheses = (
        layout.dock("Case tree"),
        layout.dock("Details"),
        layout.dock("Hypotheses"),
    )
    tree.close()
    details.setFloating(True)
    window.removeDockWidget(hypotheses)

    window.actions_.actions["reset_layout"].trigger()

    assert not tree.isHidden()
    assert not details.isFloating()
    assert window.dockWidgetArea(tree) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert window.dockWidgetArea(details) == Qt.DockWidgetArea.RightDockWidgetArea
    assert hypotheses in window.tabifiedDockWidgets(details)
