"""The main window: context for features, menus, docks, case lifecycle, settings."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from PySide6.QtWidgets import QDockWidget, QLabel

from forensics.case import Case


class _Feature:
    """A contribution like the other features write: a dock, a menu entry, a listener."""

    installed: ClassVar[list[object]] = []

    def install(self, ctx) -> None:
        ctx.add_dock("Test feature", QLabel("hello"))
        ctx.menu("&Tools").addAction("Do something")
        ctx.signals.case_opened.connect(lambda case: self.installed.append(case.root))
        self.installed.append(ctx)


class _Broken:
    def install(self, ctx) -> None:
        raise RuntimeError("boom")


def test_contributions_get_a_working_context(make_window, case: Case) -> None:
    _Feature.installed.clear()
    root = case.root
    case.close()
    window = make_window(contributions=(_Feature, _Broken))
    ctx = _Feature.installed[0]
    assert ctx.window is window
    assert ctx.viewer is window.viewer
    assert ctx.current_case() is None
    # find-or-create: the same menu whatever the ampersand, placed before Help
    assert ctx.menu("Tools") is ctx.menu("&Tools")
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Tools") < titles.index("&Help")
    dock = window.findChild(QDockWidget, "dock_test_feature")
    assert dock is not None
    assert dock.widget().text() == "hello"
    assert len(window.contribution_errors) == 1
    assert "boom" in window.contribution_errors[0]
    assert window.open_case(root)
    assert ctx.current_case() is not None
    assert ctx.case_root() == root
    assert _Feature.installed[-1] == root
    window.close_case()
    assert ctx.current_case() is None


def test_registered_contributions_install_cleanly(make_window) -> None:
    window = make_window()
    assert window.contribution_errors == []


def test_every_menu_action_has_a_shortcut_and_a_status_tip(make_window, case: Case) -> None:
    window = make_window()
    window.open_case(case.root)
    seen: dict[str, str] = {}
    missing = []

    def walk(menu) -> None:
        for action in menu.actions():
            if action.isSeparator():
                continue
            if action.menu() is not None:
                walk(action.menu())
                continue
            key = action.shortcut().toString()
            if not key or not action.statusTip():
                missing.append(action.text())
            if key:
                assert key not in seen, f"{action.text()} and {seen[key]} share {key}"
                seen[key] = action.text()

    for top in window.menuBar().actions():
        walk(top.menu())
    assert not missing, f"actions without a shortcut or status tip: {missing}"
    assert len(seen) >= 10


def test_no_two_actions_in_the_window_share_a_shortcut(make_window, case: Case) -> None:
    """Menu actions and the panels' own (the viewer's transport, its frame export) are
    live together: Qt triggers neither of two actions sharing a key."""
    from PySide6.QtGui import QAction

    window = make_window()
    window.open_case(case.root)
    for dock in window.docks():  # every panel built, with whatever actions it adds
        dock.raise_()
    owners: dict[str, set[str]] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            owners.setdefault(key.toString(), set()).add(action.text())
    shared = {key: names for key, names in owners.items() if len(names) > 1}
    assert not shared
    assert len(owners) >= 40


def test_layout_last_case_and_recent_are_restored(make_window, case: Case) -> None:
    root = case.root
    first = make_window()
    assert first.open_case(root)
    first.docks()[0].hide()
    first.close()
    again = make_window()
    assert again.last_case() == root
    assert again.recent_cases() == [str(root)]
    assert not again.docks()[0].isVisible()
    recent = again.actions_.recent_menu.actions()
    assert len(recent) == 1
    assert str(root) in recent[0].text()


def test_a_folder_that_is_not_a_case_is_refused_with_a_dialog(
    make_window, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(a[2]))
    window = make_window()
    assert not window.open_case(tmp_path)
    assert window.current_case() is None
    assert "not a case folder" in shown[0]


def test_the_first_video_is_shown_once_the_window_has_painted(
    make_window, qtbot, case: Case, corpus: Path
) -> None:
    from tests.ui.helpers import populate

    ids = populate(case, corpus)
    window = make_window()
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=15000) as shown:
        window.open_case(case.root)
        # Not yet: the pick waits for the first paint, so OpenCV loads after it.
        assert window.viewer.current_frame() is None
    assert shown.args[:2] == [ids["counter.mp4"], 0]


def test_the_first_media_pick_never_replaces_what_was_picked_first(
    make_window, qtbot, case: Case, corpus: Path
) -> None:
    from tests.ui.helpers import populate

    ids = populate(case, corpus)
    window = make_window()
    still = ids["gps_control_eiffel.jpg"]
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=15000) as shown:
        window.open_case(case.root)
        window.signals.item_selected.emit(still)
    assert shown.args[:2] == [still, -1]
    qtbot.wait(300)  # the deferred pick has run by now: it must have left the still alone
    frame = window.viewer.current_frame()
    assert frame is not None
    assert (frame.item_id, frame.frame_index) == (still, -1)
