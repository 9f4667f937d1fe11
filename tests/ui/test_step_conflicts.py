"""A regrade, a label rename and a track step a colleague overtook are settled in the conflict
dialog, through the window `pwb gui` builds, on a folder case and on a PostgreSQL case.

The examiner looks at a source, a label or a video frame; another examiner changes the same
record (`pwb` in another process, or another connection) before the change is saved. A part
only I changed goes onto theirs without asking; a part we both changed opens the dialog:
Cancel writes nothing and keeps my change on screen, "Reload theirs" shows theirs and writes
nothing, "Apply mine on top" saves mine as a new recorded change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from forensics.provenance.models import Source
from forensics.provenance.sources import add_source
from forensics.store.provenance import ProvenanceRepository
from tests.app.cli_process import pwb
from tests.ui.annotate_bench import COUNTER, Bench, close_to, open_bench, track_0_to_10
from tests.ui.conflict_helpers import answer_conflict
from tests.ui.helpers import show_dock

B = "Examiner B"
ME = "Test Examiner"


def _on_server(where: str) -> bool:
    return str(where).startswith("postgresql")


# sources ------------------------------------------------------------------------------------
@pytest.fixture
def source_case(case_location: tuple) -> tuple[str, str]:
    """A case (folder or server) with one source graded B2; `(where, source id)`."""
    where, evidence = case_location
    with Case.create(where, title="T", examiner=ME, evidence=evidence) as case:
        source = add_source(case, kind="article", title="Teardown", grade="B2")
    return where, source.id


def _sources_dock(qtbot, make_window, where: str) -> tuple[Any, Any]:
    from ui.provenance.sources_dock import SourcesDock

    window = make_window()
    assert window.open_case(where)
    show_dock(window, "Sources")
    qtbot.waitUntil(lambda: window.findChild(SourcesDock) is not None, timeout=10_000)
    dock = window.findChild(SourcesDock)
    qtbot.waitUntil(lambda: dock.sources.rowCount() == 1, timeout=10_000)
    dock.sources_table.selectRow(0)
    assert dock.grade() == "B2"  # the selected source's grade, shown in the grade fields
    return window, dock


def _choose(combo: Any, value: Any) -> None:
    combo.setCurrentIndex(combo.findData(value))


def _b_regrades(qtbot, window: Any, where: str, source_id: str, grade: str) -> None:
    """Examiner B, in another process, regrades the source; on a server case the window
    hears it and reads the sources again."""
    run = ("source", "grade", where, source_id, grade, "--examiner", B, "--reason", "retracted")
    if _on_server(where):
        with qtbot.waitSignal(window.signals.records_changed, timeout=20_000):
            done = pwb(*run)
    else:
        done = pwb(*run)
    assert done.returncode == 0, done.stderr


def _stored(window: Any, source_id: str) -> Source:
    return ProvenanceRepository(window.current_case().db).get(Source, source_id)


def test_a_regrade_overtaken_asks_then_cancel_keeps_mine_and_apply_saves_it(
    qtbot, make_window, source_case: tuple[str, str]
) -> None:
    where, source_id = source_case
    window, dock = _sources_dock(qtbot, make_window, where)
    _choose(dock.reliability, "C")
    _b_regrades(qtbot, window, where, source_id, "D2")
    qtbot.wait(100)
    assert dock.grade() == "C2"  # a colleague's change arriving leaves mine in the fields
    seen: list[dict[str, Any]] = []
    answer_conflict("cancel", seen)
    qtbot.mouseClick(dock.regrade_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    assert B in seen[0]["summary"]
    assert "retracted" in seen[0]["summary"]
    assert seen[0]["rows"] == [("reliability", "D", "C")]
    assert dock.grade() == "C2"
    assert _stored(window, source_id).grade == "D2"  # nothing written
    answer_conflict("apply", seen)
    qtbot.mouseClick(dock.regrade_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 2
    assert _stored(window, source_id).grade == "C2"
    assert dock.grade() == "C2"
    entries = window.current_case().custody.entries(subject=("source", source_id))
    regrades = [e for e in entries if e.action == "source_edited"]
    assert [e.actor for e in regrades] == [B, ME]
    assert regrades[-1].details["grade"] == {"from": "D2", "to": "C2"}
    window.close_case()


def test_a_regrade_reloads_theirs_and_a_part_only_i_change_merges(
    qtbot, make_window, source_case: tuple[str, str]
) -> None:
    where, source_id = source_case
    window, dock = _sources_dock(qtbot, make_window, where)
    _choose(dock.reliability, "C")
    _b_regrades(qtbot, window, where, source_id, "D2")
    seen: list[dict[str, Any]] = []
    answer_conflict("reload", seen)
    qtbot.mouseClick(dock.regrade_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    assert dock.grade() == "D2"  # theirs, shown
    assert _stored(window, source_id).grade == "D2"
    entries = window.current_case().custody.entries(subject=("source", source_id))
    assert [e.actor for e in entries if e.action == "source_edited"] == [B]
    # Now they change the credibility while I change the reliability: no question, both kept.
    _choose(dock.reliability, "A")
    _b_regrades(qtbot, window, where, source_id, "D5")
    stop = answer_conflict("cancel", seen)  # would be clicked if the dialog showed
    qtbot.mouseClick(dock.regrade_button, Qt.MouseButton.LeftButton)
    stop()
    assert len(seen) == 1
    assert _stored(window, source_id).grade == "A5"
    assert dock.grade() == "A5"
    window.close_case()


# labels -------------------------------------------------------------------------------------
@pytest.fixture
def marked_case(case_location: tuple, corpus: Path) -> tuple[str, str]:
    """A case (folder or server) with a photo marked "person"; `(where, photo id)`."""
    where, evidence = case_location
    with Case.create(where, title="T", examiner=ME, evidence=evidence) as case:
        [photo] = ingest_paths(case, [corpus / "synthetic" / "gps_control_eiffel.jpg"]).items
        svc = AnnotationService(case)
        svc.add(photo.id, -1, "box", [(1, 1), (5, 5)], "person")
        svc.close()
    return where, photo.id


def _label_manager(make_window, where: str) -> tuple[Any, Any]:
    from PySide6.QtGui import QAction

    from ui.annotate.label_manager import LabelManager

    window = make_window()
    assert window.open_case(where)
    [manage] = [
        a
        for a in window.findChildren(QAction)
        if a.text().replace("&", "").startswith("Manage labels")
    ]
    manage.trigger()
    manager = window.findChild(LabelManager, "label_manager")
    assert manager is not None
    assert manager.isVisible()
    return window, manager


def _b_renames(where: str, old: str, new: str) -> None:
    with Case.open(where) as other:
        theirs = AnnotationService(other, actor=B)
        theirs.rename_label(old, new)
        theirs.close()


def _labels_now(window: Any) -> list[str]:
    svc = AnnotationService(window.current_case())
    try:
        return svc.labels().names()
    finally:
        svc.close()


def test_a_label_renamed_meanwhile_asks_then_cancel_keeps_my_name_and_apply_renames_theirs(
    qtbot, make_window, marked_case: tuple[str, str]
) -> None:
    where, _photo = marked_case
    window, manager = _label_manager(make_window, where)
    manager.select("person")
    qtbot.keyClicks(manager.name, "pedestrian")
    _b_renames(where, "person", "human")
    seen: list[dict[str, Any]] = []
    answer_conflict("cancel", seen)
    qtbot.mouseClick(manager.rename_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    assert B in seen[0]["summary"]
    assert seen[0]["rows"] == [("name", "human", "pedestrian")]
    assert manager.name.text() == "pedestrian"  # kept for another try
    assert "human" in _labels_now(window)
    answer_conflict("apply", seen)
    qtbot.mouseClick(manager.rename_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 2
    names = _labels_now(window)
    assert "pedestrian" in names
    assert "human" not in names
    assert manager.selected() == "pedestrian"
    svc = AnnotationService(window.current_case())
    assert [a.label for a in svc.search()] == ["pedestrian"]  # the mark follows the label
    svc.close()
    with Case.open(where, readonly=True) as case:
        renames = [
            (e.actor, e.details.get("old"), e.details.get("name"))
            for e in case.custody.entries()
            if e.details.get("op") == "label_rename"
        ]
    assert renames == [(B, "person", "human"), (ME, "human", "pedestrian")]
    window.close_case()


def test_a_label_rename_reloads_theirs_and_renames_a_mark_made_meanwhile(
    qtbot, make_window, marked_case: tuple[str, str]
) -> None:
    where, photo = marked_case
    window, manager = _label_manager(make_window, where)
    manager.select("vehicle")
    qtbot.keyClicks(manager.name, "truck")
    _b_renames(where, "vehicle", "car")
    seen: list[dict[str, Any]] = []
    answer_conflict("reload", seen)
    qtbot.mouseClick(manager.rename_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    assert manager.selected() == "car"  # theirs, listed and selected
    assert manager.name.text() == ""
    assert "truck" not in _labels_now(window)
    # A mark B makes with "person" after my list was read is renamed with the label; no
    # question, since nobody renamed "person".
    with Case.open(where) as other:
        theirs = AnnotationService(other, actor=B)
        theirs.add(photo, -1, "box", [(8, 8), (12, 12)], "person")
        theirs.close()
    manager.select("person")
    qtbot.keyClicks(manager.name, "pedestrian")
    stop = answer_conflict("cancel", seen)
    qtbot.mouseClick(manager.rename_button, Qt.MouseButton.LeftButton)
    stop()
    assert len(seen) == 1
    svc = AnnotationService(window.current_case())
    assert [a.label for a in svc.search()] == ["pedestrian", "pedestrian"]
    svc.close()
    window.close_case()


def test_the_label_manager_lists_a_colleagues_labels_live_and_keeps_my_rename_being_typed(
    qtbot, make_window, marked_case: tuple[str, str]
) -> None:
    """The open label manager follows the case: B's new label and B's rename are listed as
    they commit, the selection staying on the same label. A rename I am typing stays, made
    from the label as it was listed when I typed it: saving asks about B's rename (Cancel
    keeps my name, Apply mine on top renames theirs), never renames over it in silence."""
    where, _photo = marked_case
    window, manager = _label_manager(make_window, where)
    manager.select("vehicle")
    with Case.open(where) as other:
        theirs = AnnotationService(other, actor=B)
        theirs.add_label("drone")
        theirs.rename_label("vehicle", "car")
        theirs.close()
    qtbot.waitUntil(lambda: "drone" in manager.names(), timeout=20_000)
    qtbot.waitUntil(lambda: "car" in manager.names(), timeout=20_000)
    assert "vehicle" not in manager.names()
    assert manager.selected() == "car"  # the same label, as renamed

    manager.select("person")
    qtbot.keyClicks(manager.name, "pedestrian")
    _b_renames(where, "person", "human")
    qtbot.waitUntil(lambda: "human" in manager.names(), timeout=20_000)
    assert manager.name.text() == "pedestrian"  # my unsaved rename stays
    assert manager.selected() == "human"
    assert "renamed to 'human'" in manager.status.text()
    seen: list[dict[str, Any]] = []
    answer_conflict("cancel", seen)
    qtbot.mouseClick(manager.rename_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    assert B in seen[0]["summary"]
    assert seen[0]["rows"] == [("name", "human", "pedestrian")]
    assert manager.name.text() == "pedestrian"
    assert "human" in _labels_now(window)  # nothing written
    answer_conflict("apply", seen)
    qtbot.mouseClick(manager.rename_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 2
    assert "pedestrian" in _labels_now(window)
    assert manager.selected() == "pedestrian"
    assert manager.name.text() == ""
    svc = AnnotationService(window.current_case())
    assert [a.label for a in svc.search()] == ["pedestrian"]
    svc.close()
    window.close_case()


# track steps --------------------------------------------------------------------------------
@pytest.fixture
def video_bench(qtbot, make_window, case_location: tuple, corpus: Path) -> tuple[str, Bench]:
    """The counter clip on screen in a window, in a folder or server case; `(where, bench)`."""
    where, evidence = case_location
    with Case.create(where, title="T", examiner=ME, evidence=evidence) as case:
        video = ingest_paths(case, [corpus / COUNTER]).items[0]
        drone = case.add_item(kind="hardware", name="Gerbera drone")
    return where, open_bench(qtbot, make_window, where, video.id, drone.id)


def _b_edits(where: str, annotation_id: str, changes: dict[str, Any]) -> None:
    """Examiner B changes a keyframe from a connection of their own."""
    with Case.open(where) as other:
        theirs = AnnotationService(other, actor=B)
        theirs.edit(annotation_id, changes, reason="stepped through")
        theirs.close()


def _key(bench: Bench, track_id: str, frame: int) -> Any:
    return next(k for k in bench.svc().repo.keyframes(track_id) if k.frame_index == frame)


def test_a_keyframe_moved_meanwhile_asks_then_cancel_writes_nothing_and_apply_saves_mine(
    qtbot, make_window, video_bench: tuple[str, Bench], monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    where, bench = video_bench
    controller = bench.controller
    track_id = track_0_to_10(qtbot, bench, stop=False)  # still tracking, on frame 10
    shown = _key(bench, track_id, 10)
    _b_edits(where, shown.id, {"points": [(520, 120), (720, 320)]})
    seen: list[dict[str, Any]] = []
    answer_conflict("cancel", seen)
    bench.drag(qtbot, (400, 400), (600, 600))  # I draw the object again on frame 10
    assert len(seen) == 1
    assert B in seen[0]["summary"]
    assert "stepped through" in seen[0]["summary"]
    assert [row[0] for row in seen[0]["rows"]] == ["points"]
    assert close_to(_key(bench, track_id, 10).points, [(520, 120), (720, 320)])  # theirs
    answer_conflict("apply", seen)
    bench.drag(qtbot, (400, 400), (600, 600))
    assert len(seen) == 2
    mine = _key(bench, track_id, 10)
    assert close_to(mine.points, [(400, 400), (600, 600)])
    with Case.open(where, readonly=True) as case:
        steps = [
            (e.actor, e.details.get("changes", {}).get("points", {}).get("from"))
            for e in case.custody.entries(subject=("annotation", shown.id))
            if e.details.get("op") == "edit"
        ]
    assert [actor for actor, _from in steps] == [B, ME]
    assert close_to(steps[-1][1], [(520, 120), (720, 320)])  # mine on top of theirs
    # They move it again: undoing my step would write over theirs, so it is refused.
    _b_edits(where, mine.id, {"points": [(530, 130), (730, 330)]})
    boxes: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: boxes.append(text))
    controller.undo_stack.undo()
    assert boxes
    assert "undo refused" in boxes[0]
    assert close_to(_key(bench, track_id, 10).points, [(530, 130), (730, 330)])
    bench.window.close_case()


def test_a_keyframe_noted_meanwhile_keeps_their_note_and_takes_my_box(
    qtbot, make_window, video_bench: tuple[str, Bench]
) -> None:
    where, bench = video_bench
    track_id = track_0_to_10(qtbot, bench, stop=False)
    shown = _key(bench, track_id, 10)
    _b_edits(where, shown.id, {"note": "white van"})
    seen: list[dict[str, Any]] = []
    stop = answer_conflict("cancel", seen)
    bench.drag(qtbot, (400, 400), (600, 600))
    stop()
    assert seen == []
    now = _key(bench, track_id, 10)
    assert close_to(now.points, [(400, 400), (600, 600)])
    assert now.note == "white van"
    bench.window.close_case()


def test_a_keyframe_made_meanwhile_on_an_interpolated_frame_asks_and_reload_shows_it(
    qtbot, make_window, video_bench: tuple[str, Bench]
) -> None:
    where, bench = video_bench
    controller = bench.controller
    track_id = track_0_to_10(qtbot, bench)
    bench.show(qtbot, 5)
    [shape] = [s for s in controller.shapes() if s.interpolated]
    assert close_to(shape.points, [(300, 100), (500, 300)])
    with Case.open(where) as other:
        theirs = AnnotationService(other, actor=B)
        made = theirs.add(
            bench.video,
            5,
            "box",
            [(320, 110), (520, 310)],
            "vehicle",
            track_id=track_id,
            keyframe=True,
        ).annotation
        theirs.close()
    seen: list[dict[str, Any]] = []
    answer_conflict("reload", seen)
    bench.drag(qtbot, (400, 200), (400, 500))  # the interpolated box, 300 px down
    assert len(seen) == 1
    assert B in seen[0]["summary"]
    assert [row[0] for row in seen[0]["rows"]] == ["points"]
    assert close_to(_key(bench, track_id, 5).points, [(320, 110), (520, 310)])  # theirs
    [now] = controller.shapes()  # the frame shows their keyframe now
    assert not now.interpolated
    assert now.annotation_id == made.id
    with Case.open(where, readonly=True) as case:
        actors = [e.actor for e in case.custody.entries(subject=("annotation", made.id))]
    assert actors == [B]  # nothing of mine written
    bench.window.close_case()


# annotation links ---------------------------------------------------------------------------
def test_undoing_a_link_a_colleague_removed_and_redoing_one_they_remade_are_refused(
    qtbot, make_window, case_location: tuple, corpus: Path, monkeypatch
) -> None:
    """A link has nothing to merge: an undo of my link that B removed and made again says who
    removed it and writes nothing; a redo of my link where B linked the same record since is
    refused rather than doubled. The refusals show in a box and leave the undo stack."""
    from PySide6.QtWidgets import QMessageBox

    from ui.annotate.controller import AnnotationController

    where, evidence = case_location
    with Case.create(where, title="T", examiner=ME, evidence=evidence) as case:
        [photo] = ingest_paths(case, [corpus / "synthetic" / "gps_control_eiffel.jpg"]).items
        drone = case.add_item(kind="hardware", name="Gerbera drone")
        svc = AnnotationService(case)
        ann = svc.add(photo.id, -1, "box", [(1, 1), (5, 5)], "vehicle").annotation
        svc.close()
    window = make_window()
    assert window.open_case(where)
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=30_000):
        assert window.tree.select(photo.id)
    controller = window.findChild(AnnotationController, "annotation_controller")
    boxes: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: boxes.append(text))

    def b_relinks() -> None:
        with Case.open(where) as other:
            theirs = AnnotationService(other, actor=B)
            for link in theirs.links_of(ann.id):
                theirs.unlink(link.id)
            theirs.link(ann.id, "item", drone.id)
            theirs.close()

    def links() -> list[Any]:
        return controller.service().links_of(ann.id)

    assert controller.link(ann.id, "item", drone.id)
    b_relinks()
    controller.undo_stack.undo()
    [told] = boxes
    assert "undo refused" in told
    assert f"removed already, by {B}" in told
    assert [lk.created_by for lk in links()] == [B]
    assert not controller.undo_stack.canUndo()

    # Mine again, undone by me, then B links the same record: my redo is not a second link.
    for link in links():
        controller.service().unlink(link.id)
    assert controller.link(ann.id, "item", drone.id)
    controller.undo_stack.undo()
    assert links() == []
    with Case.open(where) as other:
        theirs = AnnotationService(other, actor=B)
        theirs.link(ann.id, "item", drone.id)
        theirs.close()
    controller.undo_stack.redo()
    assert "redo refused" in boxes[-1]
    assert "nothing was put back" in boxes[-1]
    assert [lk.created_by for lk in links()] == [B]
    window.close_case()


# component link withdrawals -----------------------------------------------------------------
def test_withdrawing_an_attribution_a_colleague_withdrew_first_writes_nothing_and_says_who(
    qtbot, make_window, tmp_path: Path
) -> None:
    """In the Component dock (Withdraw…'s menu): my withdrawal asks why and marks the link
    withdrawn; one that
    B withdrew (`pwb withdraw` in another process) after my list was read is theirs: nothing is
    written, and the box says who withdrew it, when and why."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    from forensics.provenance.components import add_component, link_component
    from forensics.provenance.manufacturers import add_manufacturer
    from ui.provenance.component_editor import ComponentEditor

    where = tmp_path / "case"
    with Case.create(where, title="T", examiner=ME) as case:
        drone = case.add_item(kind="hardware", name="Gerbera drone")
        camera = add_component(case, parent_id=drone.id, function="camera", name="Nose cam")
        viewpro = add_manufacturer(case, name="Viewpro", country="CN")
        foxtech = add_manufacturer(case, name="Foxtech", country="CN")
        theirs_to_withdraw = link_component(case, camera.id, viewpro.id, basis="logo")
        mine_to_withdraw = link_component(case, camera.id, foxtech.id, basis="packaging")
    window = make_window()
    assert window.open_case(where)
    show_dock(window, "Component")
    assert window.tree.select(camera.id)
    editor = window.findChild(ComponentEditor)
    qtbot.waitUntil(lambda: editor.item_id == camera.id, timeout=10_000)
    button = editor.attributions
    assert len(button.menu().actions()) == 2

    def answer(text: str) -> None:
        def act() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, QInputDialog), dialog
            dialog.setTextValue(text)
            dialog.accept()

        QTimer.singleShot(50, act)

    answer("mis-read the box")
    button.action_for(mine_to_withdraw.id).trigger()  # picked in Withdraw…'s menu
    assert editor.status.text() == "Attribution withdrawn."
    mine = button.action_for(mine_to_withdraw.id)
    assert mine.text().endswith("- withdrawn")
    assert not mine.isEnabled()

    assert button.action_for(theirs_to_withdraw.id).isEnabled()
    done = pwb("withdraw", where, theirs_to_withdraw.id, "--examiner", B, "--reason", "fake logo")
    assert done.returncode == 0, done.stderr
    answer("looks wrong")
    button.action_for(theirs_to_withdraw.id).trigger()
    assert editor.status.text().startswith(f"Withdrawn already by {B} at ")
    assert "(fake logo): nothing written." in editor.status.text()
    assert not button.isEnabled()  # nothing left to withdraw
    with Case.open(where, readonly=True) as case:
        withdrawals = [
            (e.actor, e.reason)
            for e in case.custody.entries()
            if e.action == "component_link_withdrawn"
        ]
    assert withdrawals == [(ME, "mis-read the box"), (B, "fake logo")]
    window.close_case()


# undo of a mark's creation ------------------------------------------------------------------
def test_undoing_a_mark_a_colleague_changed_linked_or_commented_on_is_refused(
    qtbot, make_window, case_location: tuple, corpus: Path, monkeypatch
) -> None:
    """Ctrl+Z of my new mark deletes it only as I made it: one B noted, linked or commented on
    since is theirs, so the undo writes nothing, says why in a box and leaves the stack; a mark
    nobody touched is undone (and redone) as before."""
    from PySide6.QtWidgets import QMessageBox

    from forensics.comments import add_comment
    from ui.annotate.controller import AnnotationController

    where, evidence = case_location
    with Case.create(where, title="T", examiner=ME, evidence=evidence) as case:
        [photo] = ingest_paths(case, [corpus / "synthetic" / "gps_control_eiffel.jpg"]).items
        drone = case.add_item(kind="hardware", name="Gerbera drone")
    window = make_window()
    assert window.open_case(where)
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=30_000):
        assert window.tree.select(photo.id)
    controller = window.findChild(AnnotationController, "annotation_controller")
    boxes: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: boxes.append(text))

    def b_does(step: Any) -> None:
        with Case.open(where) as other:
            theirs = AnnotationService(other, actor=B)
            step(other, theirs)
            theirs.close()

    def marks() -> list[Any]:
        return controller.service().search()

    steps = {
        "note": lambda _c, s, a: s.edit(a.id, {"note": "white van"}),
        "links": lambda _c, s, a: s.link(a.id, "item", drone.id),
        "comments": lambda c, _s, a: add_comment(c, a.id, "the van is parked", actor=B),
    }
    made: dict[str, Any] = {}
    for n, (field, step) in enumerate(steps.items()):
        mine = made[field] = controller.add("box", ((1.0 + n, 1.0), (8.0, 8.0)), "vehicle")
        assert mine is not None
        b_does(lambda c, s, m=mine, st=step: st(c, s, m))
        controller.undo_stack.undo()
        assert len(boxes) == n + 1
        assert "undo refused" in boxes[-1]
        assert f"({field}): nothing was deleted" in boxes[-1]
        assert mine.id in [a.id for a in marks()]
        assert not controller.undo_stack.canUndo()
    assert len(boxes) == 3
    assert controller.service().get(made["note"].id).note == "white van"
    [theirs] = controller.service().links_of(made["links"].id)
    assert theirs.created_by == B

    # Nobody touched it: undone, and redone with its id.
    mine = controller.add("box", ((9.0, 9.0), (14.0, 14.0)), "vehicle")
    assert mine is not None
    controller.undo_stack.undo()
    assert mine.id not in [a.id for a in marks()]
    controller.undo_stack.redo()
    assert mine.id in [a.id for a in marks()]
    assert len(boxes) == 3
    window.close_case()


# redo of a mark's deletion ------------------------------------------------------------------
def _menu_action(window: Any, text: str) -> Any:
    from PySide6.QtGui import QAction

    found = [a for a in window.findChildren(QAction) if a.text().replace("&", "").startswith(text)]
    assert found, text
    return found[0]


def test_redoing_a_marks_delete_a_colleague_changed_linked_or_commented_on_is_refused(
    qtbot, make_window, case_location: tuple, corpus: Path, monkeypatch
) -> None:
    """I delete a mark (Annotate > Delete annotation, saying why), undo it (Ctrl+Z puts it
    back), and B notes, links or comments on it; my redo (Ctrl+Shift+Z) would delete their
    work with it, so it writes nothing, says why in a box and leaves the stack. A mark nobody
    touched in between is deleted again by the redo."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

    from forensics.comments import add_comment
    from ui.annotate.controller import AnnotationController

    where, evidence = case_location
    with Case.create(where, title="T", examiner=ME, evidence=evidence) as case:
        [photo] = ingest_paths(case, [corpus / "synthetic" / "gps_control_eiffel.jpg"]).items
        drone = case.add_item(kind="hardware", name="Gerbera drone")
        svc = AnnotationService(case)
        fields = ("note", "links", "comments", "untouched")
        marks = {
            f: svc.add(photo.id, -1, "box", [(n, n), (n + 4, n + 4)], "vehicle").annotation
            for n, f in enumerate(fields, start=1)
        }
        svc.close()
    window = make_window()
    assert window.open_case(where)
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=30_000):
        assert window.tree.select(photo.id)
    controller = window.findChild(AnnotationController, "annotation_controller")
    stack = controller.undo_stack
    boxes: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: boxes.append(text))

    def delete_saying_why(mark: Any) -> None:
        def answer() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, QInputDialog), dialog
            dialog.setTextValue("drawn twice")
            dialog.accept()

        controller.select(mark.id)
        QTimer.singleShot(50, answer)
        _menu_action(window, "Delete annotation").trigger()

    def ids() -> set[str]:
        return {a.id for a in controller.service().search()}

    steps = {
        "note": lambda _c, s, a: s.edit(a.id, {"note": "white van"}),
        "links": lambda _c, s, a: s.link(a.id, "item", drone.id),
        "comments": lambda c, _s, a: add_comment(c, a.id, "not a duplicate", actor=B),
    }
    for n, (field, step) in enumerate(steps.items()):
        mine = marks[field]
        delete_saying_why(mine)
        assert mine.id not in ids()
        _menu_action(window, "Undo").trigger()  # back, as it was
        assert mine.id in ids()
        with Case.open(where) as other:
            theirs = AnnotationService(other, actor=B)
            step(other, theirs, mine)
            theirs.close()
        _menu_action(window, "Redo").trigger()
        assert len(boxes) == n + 1
        assert "redo refused" in boxes[-1]
        assert f"({field}): nothing was deleted" in boxes[-1]
        assert mine.id in ids()  # theirs now, kept
        assert not stack.canRedo()
    assert controller.service().get(marks["note"].id).note == "white van"
    [their_link] = controller.service().links_of(marks["links"].id)
    assert their_link.created_by == B

    # Nobody touched it: the redo deletes it again, with my reason.
    mine = marks["untouched"]
    delete_saying_why(mine)
    _menu_action(window, "Undo").trigger()
    assert mine.id in ids()
    _menu_action(window, "Redo").trigger()
    assert mine.id not in ids()
    assert len(boxes) == 3
    with Case.open(where, readonly=True) as case:
        deletes = [
            e.reason
            for e in case.custody.entries(subject=("annotation", mine.id))
            if e.details.get("op") == "delete"
        ]
    assert deletes == ["drawn twice", "drawn twice"]
    window.close_case()
