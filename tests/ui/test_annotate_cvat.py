"""Annotating like CVAT in the window the app builds: the frame stays in sight while labelling,
labels are chosen (never a silent default), no stale boxes (issue 17, part 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QInputDialog

from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from tests.ui.annotate_bench import COUNTER, Bench, close_to, open_bench, track_0_to_10
from tests.ui.helpers import show_dock
from ui.annotate.label_manager import LabelManager
from ui.annotate.shapes import AnnotationShape
from ui.lazy import on_screen


@pytest.fixture
def bench(qtbot, make_window, case: Case, corpus: Path) -> Bench:
    video = ingest_paths(case, [corpus / COUNTER]).items[0]
    drone = case.add_item(kind="hardware", name="Gerbera drone")
    root = case.root
    case.close()
    return open_bench(qtbot, make_window, root, video.id, drone.id)


def _dock(window: Any, name: str) -> QDockWidget:
    dock = window.findChild(QDockWidget, name)
    assert dock is not None, name
    return dock


def test_details_stay_beside_the_viewer_and_a_non_media_pick_clears_the_boxes(
    qtbot, bench: Bench
) -> None:
    window, controller = bench.window, bench.controller
    viewer, details = _dock(window, "dock_viewer"), _dock(window, "dock_annotation_details")
    assert details not in window.tabifiedDockWidgets(viewer)
    controller.label = "vehicle"
    controller.tool.set_tool("box")
    bench.drag(qtbot, (100, 100), (400, 300))
    [ann] = bench.svc().search()
    # The frame and the new mark's details are on screen together.
    editor = details.widget().editor()
    assert editor is not None
    assert editor.annotation_id == ann.id
    assert on_screen(window.viewer.graphics_view().viewport())
    assert on_screen(editor)
    assert [s.annotation_id for s in controller.shapes()] == [ann.id]
    # Picking a hardware item (no picture) takes the box away with the picture.
    window.signals.item_selected.emit(bench.drone)
    qtbot.waitUntil(lambda: window.viewer.current_frame() is None, timeout=10000)
    assert controller.shapes() == []
    scene = window.viewer.graphics_scene()
    assert not [i for i in scene.items() if isinstance(i, AnnotationShape)]
    assert controller.tool.tool == ""
    # Back on the video, the box is drawn again.
    bench.show(qtbot, 0)
    bench.show(qtbot, ann.frame_index)
    assert [s.annotation_id for s in controller.shapes()] == [ann.id]


def _answer_label_question(qtbot, text: str | None) -> None:
    """Answer the next question (a label, a reason): type `text` and press OK, or cancel."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog), dialog
        if text is None:
            dialog.reject()
        else:
            dialog.setTextValue(text)
            dialog.accept()

    QTimer.singleShot(50, answer)


def test_new_marks_get_the_label_asked_then_the_last_used_then_keys_and_the_manager(
    qtbot, bench: Bench
) -> None:
    window, controller = bench.window, bench.controller
    svc = bench.svc()
    assert controller.label is None  # no silent default in a case with no marks
    controller.tool.set_tool("box")
    # The first mark asks; cancelling makes no mark.
    _answer_label_question(qtbot, None)
    bench.drag(qtbot, (100, 100), (400, 300))
    assert svc.search() == []
    _answer_label_question(qtbot, "person")
    bench.drag(qtbot, (100, 100), (400, 300))
    assert [a.label for a in svc.search()] == ["person"]
    # The next one takes the label used last, without asking.
    bench.drag(qtbot, (500, 100), (800, 300))
    assert [a.label for a in svc.search()] == ["person", "person"]
    # Key 3 picks the third label of the case.
    names = svc.labels().names()
    window.activateWindow()
    bench.view().setFocus()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(bench.view().viewport(), Qt.Key.Key_3)
    assert controller.label == names[2]
    assert names[2] in window.statusBar().currentMessage()
    bench.drag(qtbot, (900, 100), (1200, 300))
    assert svc.search()[-1].label == names[2]
    # The label manager adds and renames; the rename reaches the marks.
    bench.action("Manage labels").trigger()
    manager = window.findChild(LabelManager, "label_manager")
    assert manager is not None
    assert manager.isVisible()
    assert manager.names() == names
    qtbot.keyClicks(manager.name, "drone")
    qtbot.mouseClick(manager.add_button, Qt.MouseButton.LeftButton)
    assert "drone" in svc.labels()
    manager.select("person")
    qtbot.keyClicks(manager.name, "pedestrian")
    qtbot.mouseClick(manager.rename_button, Qt.MouseButton.LeftButton)
    assert "person" not in svc.labels()
    assert [a.label for a in svc.search()][:2] == ["pedestrian", "pedestrian"]
    manager.select("drone")
    qtbot.mouseClick(manager.use_button, Qt.MouseButton.LeftButton)
    assert controller.label == "drone"
    bench.drag(qtbot, (100, 500), (400, 700))
    assert svc.search()[-1].label == "drone"
    # Opened again, the case offers the label used last.
    root = window.current_case().root
    window.close_case()
    assert controller.label is None
    assert window.open_case(root)
    bench.show(qtbot, 1)
    qtbot.waitUntil(lambda: controller.frame is not None, timeout=20000)
    assert controller.label == "drone"


def test_e_after_drawing_keeps_the_box_and_ends_a_track_only_when_one_is_drawn(
    qtbot, bench: Bench
) -> None:
    window, controller = bench.window, bench.controller
    svc = bench.svc()
    controller.set_label("vehicle")
    window.activateWindow()
    bench.view().setFocus()
    qtbot.waitUntil(window.isActiveWindow)
    # A single mark, then E: the mark stays as it was, no track appears.
    bench.show(qtbot, 2)
    bench.action("Box").trigger()
    bench.drag(qtbot, (100, 100), (400, 300))
    [single] = svc.search()
    qtbot.keyClick(bench.view().viewport(), Qt.Key.Key_E)
    assert svc.search() == [single]
    assert svc.repo.tracks() == []
    assert "no track" in window.statusBar().currentMessage()
    # A track: keyframes on 0 and 10, then E right after drawing on 10.
    bench.show(qtbot, 0)
    qtbot.keyClick(bench.view().viewport(), Qt.Key.Key_T)
    track_id = controller.track_id
    assert track_id
    bench.drag(qtbot, (100, 500), (300, 700))
    bench.show(qtbot, 10)
    bench.drag(qtbot, (500, 500), (700, 700))
    drawn = next(k for k in svc.repo.keyframes(track_id) if k.frame_index == 10)
    qtbot.keyClick(bench.view().viewport(), Qt.Key.Key_E)
    keys = {k.frame_index: k for k in svc.repo.keyframes(track_id)}
    assert sorted(keys) == [0, 10, 11]
    assert not keys[10].outside
    assert keys[10].points == drawn.points  # the box just drawn is kept
    assert keys[11].outside  # the object is gone from the next frame
    assert controller.track_id is None
    assert [s.interpolated for s in controller.shapes() if s.track_id == track_id] == [False]
    # Undo takes the end back.
    controller.undo_stack.undo()
    assert sorted(k.frame_index for k in svc.repo.keyframes(track_id)) == [0, 10]


def test_go_to_a_frame_or_a_time_from_the_viewer_field(qtbot, bench: Bench) -> None:
    window, viewer = bench.window, bench.window.viewer
    field = viewer.goto
    assert field.isVisible()

    def go(text: str) -> int:
        field.clear()
        qtbot.keyClicks(field, text)
        with qtbot.waitSignal(viewer.frame_shown, timeout=20000) as shown:
            qtbot.keyClick(field, Qt.Key.Key_Return)
        return int(shown.args[1])

    assert go("17") == 17
    expected = bench.svc().sources.get(bench.video).index_at(0.25)
    assert go("00:00.250") == expected != 17
    assert viewer.frame_index() == expected
    assert go("0.5s") == bench.svc().sources.get(bench.video).index_at(0.5)
    # Past the end: the last frame; nonsense: no seek and a message saying what to type.
    last = bench.svc().sources.get(bench.video).frame_count() - 1
    assert go("9:00") == last
    field.clear()
    qtbot.keyClicks(field, "frame twelve")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "not a frame or a time" in viewer.frame_label.text()
    assert viewer.frame_index() == last
    # Ctrl+G puts the cursor in the field.
    window.activateWindow()
    bench.view().setFocus()
    qtbot.waitUntil(window.isActiveWindow)
    bench.action("Go to").trigger()
    assert field.hasFocus()


def test_dragging_an_interpolated_box_makes_its_frame_a_keyframe(qtbot, bench: Bench) -> None:
    controller, svc = bench.controller, bench.svc()
    track_id = track_0_to_10(qtbot, bench)
    bench.show(qtbot, 5)
    [shape] = [s for s in controller.shapes() if s.interpolated]
    assert close_to(shape.points, [(300, 100), (500, 300)])
    bench.drag(qtbot, (400, 200), (400, 500))  # the middle of the box, 300 px down
    keys = {k.frame_index: k for k in svc.repo.keyframes(track_id)}
    assert sorted(keys) == [0, 5, 10]
    assert close_to(keys[5].points, [(300, 400), (500, 600)])
    assert keys[5].keyframe
    assert not keys[5].outside
    [now] = controller.shapes()
    assert not now.interpolated
    assert now.annotation_id == keys[5].id
    # Frames between now follow the new keyframe.
    bench.show(qtbot, 3)
    [between] = controller.shapes()
    assert close_to(between.points, [(220, 280), (420, 480)])
    controller.undo_stack.undo()
    assert sorted(k.frame_index for k in svc.repo.keyframes(track_id)) == [0, 10]


def _right_click(qtbot, widget: Any, pos: QPoint) -> None:
    """A right-click as Qt delivers it: a context-menu event at `pos`."""
    from PySide6.QtGui import QContextMenuEvent

    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, widget.mapToGlobal(pos))
    QApplication.sendEvent(widget, event)


def _entry(menu: Any, text: str) -> Any:
    for act in menu.actions():
        if act.text().replace("&", "").startswith(text):
            return act
        if act.menu() is not None:
            found = [a for a in act.menu().actions() if a.text() == text]
            if found:
                return found[0]
    raise AssertionError(f"no entry {text!r} in {[a.text() for a in menu.actions()]}")


def _reason_entries(case_root: Path) -> list[tuple[str, str | None]]:
    with Case.open(case_root, readonly=True) as case:
        return [
            (e.details.get("op"), e.reason)
            for e in case.custody.entries()
            if e.action == "annotated" and e.details.get("op") == "delete"
        ]


def test_right_click_menus_on_marks_and_rows_and_delete_asks_why(qtbot, bench: Bench) -> None:
    window, controller = bench.window, bench.controller
    svc = bench.svc()
    contribution = window.findChild(QDockWidget, "dock_annotations").widget().contribution
    controller.set_label("vehicle")
    bench.show(qtbot, 4)
    controller.tool.set_tool("box")
    bench.drag(qtbot, (100, 100), (400, 300))
    bench.drag(qtbot, (600, 100), (900, 300))
    first, second = svc.search()
    controller.tool.set_tool("")
    view = bench.view()
    # Right-click the first box: change its label from the menu.
    _right_click(qtbot, view.viewport(), view.mapFromScene(250, 200))
    menu = contribution.context_menu
    assert menu is not None
    assert menu.isVisible()
    _entry(menu, "person").trigger()
    menu.close()
    assert svc.get(first.id).label == "person"
    assert svc.get(second.id).label == "vehicle"
    # Delete from the menu asks why; cancelling deletes nothing, an answer is logged.
    _right_click(qtbot, view.viewport(), view.mapFromScene(250, 200))
    _answer_label_question(qtbot, None)
    _entry(contribution.context_menu, "Delete").trigger()
    assert svc.repo.find(first.id) is not None
    _right_click(qtbot, view.viewport(), view.mapFromScene(250, 200))
    _answer_reason(qtbot, "drawn on the wrong car")
    _entry(contribution.context_menu, "Delete").trigger()
    assert svc.repo.find(first.id) is None
    root = window.current_case().root
    assert _reason_entries(root) == [("delete", "drawn on the wrong car")]
    # Undo, redo: the redone delete keeps its reason.
    controller.undo_stack.undo()
    assert svc.repo.find(first.id) is not None
    controller.undo_stack.redo()
    assert _reason_entries(root)[-1] == ("delete", "drawn on the wrong car")
    # The Annotate menu's Delete asks too; an empty reason deletes nothing.
    controller.select(second.id)
    _answer_reason(qtbot, "   ")
    bench.action("Delete annotation").trigger()
    assert svc.repo.find(second.id) is not None
    assert "reason" in window.statusBar().currentMessage()
    # A row of the list: go to its frame.
    show_dock(window, "Annotations")
    table = contribution.list.table
    qtbot.waitUntil(lambda: contribution.list.model.rowCount() == 1, timeout=10000)
    bench.show(qtbot, 0)
    _right_click(qtbot, table.viewport(), table.visualRect(table.model().index(0, 0)).center())
    row_menu = contribution.context_menu
    assert row_menu.objectName() == "annotation_row_menu"
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=20000) as shown:
        _entry(row_menu, "Go to its frame").trigger()
    assert shown.args[1] == 4
    row_menu.close()
    # An interpolated box: "Make keyframe here".
    track_id = track_0_to_10(qtbot, bench)
    bench.show(qtbot, 5)
    _right_click(qtbot, view.viewport(), view.mapFromScene(400, 200))
    shape_menu = contribution.context_menu
    texts = [a.text().replace("&", "") for a in shape_menu.actions() if not a.isSeparator()]
    assert texts[0] == "Make keyframe here"
    assert "Read text" in texts  # the viewer's own right-click entries stay
    assert "Delete…" not in texts
    shape_menu.actions()[0].trigger()
    shape_menu.close()
    assert 5 in [k.frame_index for k in svc.repo.keyframes(track_id)]


def _answer_reason(qtbot, text: str) -> None:
    _answer_label_question(qtbot, text)


def test_right_click_on_a_tree_node_opens_selects_and_copies(qtbot, bench: Bench) -> None:
    window = bench.window
    tree = window.tree
    window.signals.item_selected.emit(bench.drone)
    qtbot.waitUntil(lambda: window.viewer.current_frame() is None, timeout=10000)
    assert tree.select(bench.video)
    index = tree.view.currentIndex()
    _right_click(qtbot, tree.view.viewport(), tree.view.visualRect(index).center())
    menu = tree.context_menu
    assert menu is not None
    assert menu.objectName() == "case_tree_menu"
    entries = [a.text().replace("&", "") for a in menu.actions()]
    assert entries == ["Open", "Show details", "Copy name", "Copy id"]
    assert all(a.statusTip() for a in menu.actions())
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=20000) as shown:
        _entry(menu, "Open").trigger()
    assert shown.args[0] == bench.video
    _entry(menu, "Copy id").trigger()
    assert QApplication.clipboard().text() == bench.video
    menu.close()
    # The drone's node: Show details selects it (and the boxes go with the picture).
    assert tree.select(bench.drone)
    _right_click(
        qtbot, tree.view.viewport(), tree.view.visualRect(tree.view.currentIndex()).center()
    )
    with qtbot.waitSignal(window.signals.item_selected, timeout=5000) as picked:
        _entry(tree.context_menu, "Show details").trigger()
    assert picked.args == [bench.drone]
    tree.context_menu.close()
