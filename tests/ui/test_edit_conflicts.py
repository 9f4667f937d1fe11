"""An edit a colleague overtook is settled in the conflict dialog, never overwritten.

Driven through the window `pwb gui` builds, on a folder case and on a PostgreSQL case: the
examiner opens a form, another examiner changes the same record with `pwb` in another process
(or another connection) before the form is saved, and the save shows who changed it and when,
their values against mine; Cancel keeps my edit in the form, "Reload theirs" shows the record
as it is now and writes nothing, "Apply mine on top" saves mine as a new recorded change.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from forensics.case import Case
from tests.app.cli_process import pwb
from tests.ui.conflict_helpers import answer_conflict, when_shown

B = "Examiner B"


@pytest.fixture
def drone_case(case_location: tuple) -> tuple[str, str]:
    """A case (folder or server) holding one drone; `(where, drone id)`."""
    where, evidence = case_location
    with Case.create(where, title="T", examiner="Test Examiner", evidence=evidence) as case:
        drone = case.add_item(kind="hardware", name="Gerbera drone", note="as found")
    return where, drone.id


def _edit_in_window(qtbot, make_window, where: str, item_id: str, in_dialog) -> Any:
    """Open the case in the window, select the item, run Edit item with `in_dialog`."""
    from ui.item_dialog import ItemDialog

    window = make_window()
    assert window.open_case(where)
    catalogue = window.catalogue
    qtbot.waitUntil(lambda: catalogue.model.row_of(item_id) is not None, timeout=10000)
    catalogue.table.selectRow(catalogue.model.row_of(item_id))
    assert catalogue.selected_item_id() == item_id
    done: list[bool] = []

    def run(dialog: ItemDialog) -> None:
        in_dialog(dialog)
        done.append(True)

    when_shown(ItemDialog, run, name="item_dialog")
    window.actions_.actions["edit_item"].trigger()  # modal: returns when the dialog closes
    assert done
    return window


def _b_changes_note(where: str, item_id: str, note: str) -> None:
    """Examiner B, in another process, changes the note."""
    done = pwb("edit", where, item_id, "--note", note, "--examiner", B, "--reason", "on bench")
    assert done.returncode == 0, done.stderr


def test_apply_mine_on_top_after_cancel_keeps_both_changes_in_the_log(
    qtbot, make_window, drone_case: tuple[str, str]
) -> None:
    where, drone_id = drone_case
    seen: list[dict[str, Any]] = []

    def in_dialog(dialog) -> None:
        _b_changes_note(where, drone_id, "wing missing")
        dialog.note.setPlainText("mine")
        dialog.marking.setText("GRB-01")
        answer_conflict("cancel", seen)
        dialog.save()
        # Cancel: nothing written, my edit still in the form.
        assert dialog.isVisible()
        assert (dialog.note.toPlainText(), dialog.marking.text()) == ("mine", "GRB-01")
        answer_conflict("apply", seen)
        dialog.save()
        assert not dialog.isVisible()

    window = _edit_in_window(qtbot, make_window, where, drone_id, in_dialog)
    assert len(seen) == 2
    # Who and when, by name; their value against mine, only for the field both changed.
    assert B in seen[0]["summary"]
    assert "on bench" in seen[0]["summary"]
    assert " UTC" in seen[0]["summary"]
    assert seen[0]["rows"] == [("note", "wing missing", "mine")]
    window.close_case()
    with Case.open(where) as case:
        stored = case.items.get(drone_id)
        assert (stored.note, stored.marking) == ("mine", "GRB-01")
        edits = [e for e in case.custody.entries(item_id=drone_id) if e.action == "item_edited"]
        assert [e.actor for e in edits] == [B, "Test Examiner"]
        # Mine on top is a change of its own: from their value to mine, in the log.
        assert edits[-1].details["changes"]["note"] == {"from": "wing missing", "to": "mine"}


def test_reload_theirs_shows_the_record_as_stored_and_writes_nothing(
    qtbot, make_window, drone_case: tuple[str, str]
) -> None:
    where, drone_id = drone_case
    seen: list[dict[str, Any]] = []

    def in_dialog(dialog) -> None:
        _b_changes_note(where, drone_id, "wing missing")
        dialog.note.setPlainText("mine")
        dialog.marking.setText("GRB-01")
        answer_conflict("reload", seen)
        dialog.save()
        assert dialog.isVisible()
        assert (dialog.note.toPlainText(), dialog.marking.text()) == ("wing missing", "")
        dialog.reject()

    window = _edit_in_window(qtbot, make_window, where, drone_id, in_dialog)
    assert len(seen) == 1
    window.close_case()
    with Case.open(where) as case:
        stored = case.items.get(drone_id)
        assert (stored.note, stored.marking) == ("wing missing", None)
        actors = [e.actor for e in case.custody.entries(item_id=drone_id)]
        assert actors.count("Test Examiner") == 1  # only the drone's registration


def test_a_field_only_i_changed_merges_without_asking(
    qtbot, make_window, drone_case: tuple[str, str]
) -> None:
    where, drone_id = drone_case
    seen: list[dict[str, Any]] = []

    def in_dialog(dialog) -> None:
        _b_changes_note(where, drone_id, "wing missing")
        dialog.marking.setText("GRB-01")
        stop = answer_conflict("cancel", seen)  # would be clicked if the dialog showed
        dialog.save()
        stop()
        assert not dialog.isVisible()

    window = _edit_in_window(qtbot, make_window, where, drone_id, in_dialog)
    assert seen == []
    window.close_case()
    with Case.open(where) as case:
        stored = case.items.get(drone_id)
        assert (stored.note, stored.marking) == ("wing missing", "GRB-01")


def test_the_component_editor_keeps_my_edit_when_a_colleague_saves_first(
    qtbot, make_window, pg_server, tmp_path
) -> None:
    """On a server case the window reloads what a colleague commits: the component editor
    holding my unsaved marking keeps it (and the copy it was made from), so saving it asks,
    and "Apply mine on top" records mine over theirs."""
    from forensics.provenance.components import add_component, edit_component
    from forensics.provenance.models import Component
    from forensics.store.provenance import ProvenanceRepository
    from tests.ui.helpers import show_dock
    from ui.provenance.component_editor import ComponentEditor

    url = pg_server.new_database()
    try:
        with Case.create(url, title="T", examiner="A", evidence=tmp_path / "ev") as case:
            drone = case.add_item(kind="hardware", name="Gerbera drone")
            camera = add_component(case, parent_id=drone.id, function="camera", name="Nose cam")
        window = make_window()
        assert window.open_case(url)
        show_dock(window, "Component")
        assert window.tree.select(camera.id)
        editor = window.findChild(ComponentEditor)
        qtbot.waitUntil(lambda: editor.item_id == camera.id, timeout=10_000)
        qtbot.keyClicks(editor.marking, "VIEWPRO A40")
        with (
            qtbot.waitSignal(window.signals.records_changed, timeout=20_000),
            Case.open(url) as other,
        ):
            edit_component(other, camera.id, {"marking": "VP-A40"}, actor=B, reason="loupe")
        qtbot.wait(200)  # the views reload from the change
        assert editor.marking.toPlainText() == "VIEWPRO A40"
        seen: list[dict[str, Any]] = []
        answer_conflict("apply", seen)
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
        assert len(seen) == 1
        assert B in seen[0]["summary"]
        assert seen[0]["rows"] == [("marking", "VP-A40", "VIEWPRO A40")]
        stored = ProvenanceRepository(window.current_case().db).get(Component, camera.id)
        assert stored.marking == "VIEWPRO A40"
        assert editor.marking.toPlainText() == "VIEWPRO A40"
        window.close_case()
    finally:
        pg_server.drop_database(url)


def test_the_hypothesis_editor_reloads_theirs_then_saves_only_what_i_change(
    qtbot, make_window, tmp_path
) -> None:
    from geoloc.hypotheses import HypothesisDraft, HypothesisService
    from tests.ui.helpers import show_dock

    where = tmp_path / "case"
    with Case.create(where, title="T", examiner="A") as case:
        drone = case.add_item(kind="hardware", name="Gerbera drone")
        h = HypothesisService(case).add(
            HypothesisDraft(drone.id, "visual_landmark", lat=48.8584, lon=2.2945, radius_m=300)
        )
    window = make_window()
    assert window.open_case(where)
    panel = show_dock(window, "Hypotheses").widget().contribution.panel
    editor = panel.open_hypothesis(h.id)
    qtbot.waitUntil(editor.isVisible)
    done = pwb("geo", "edit", where, h.id, "--notes", "tower to the north", "--examiner", B)
    assert done.returncode == 0, done.stderr
    editor.notes_edit.setPlainText("a bridge")
    seen: list[dict[str, Any]] = []
    answer_conflict("reload", seen)
    editor.save()
    assert [r[0] for r in seen[0]["rows"]] == ["notes"]
    assert editor.isVisible()
    assert editor.notes_edit.toPlainText() == "tower to the north"
    # Now a field B did not touch: saved, and B's notes are not written back over.
    editor.status_box.setCurrentText("supported")
    editor.save()
    assert not editor.isVisible()
    stored = HypothesisService(window.current_case()).get(h.id)
    assert (stored.status, stored.notes) == ("supported", "tower to the north")
    window.close_case()


def test_the_annotation_editor_cancel_keeps_my_note_then_apply_saves_it(
    qtbot, make_window, tmp_path, corpus, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from forensics.annotations.service import AnnotationService
    from forensics.intake.ingest import ingest_paths
    from ui.annotate.controller import AnnotationController
    from ui.annotate.editor import AnnotationEditor

    where = tmp_path / "case"
    with Case.create(where, title="T", examiner="A") as case:
        [still] = ingest_paths(case, [corpus / "synthetic" / "gps_control_eiffel.jpg"]).items
        svc = AnnotationService(case)
        ann = svc.add(still.id, -1, "box", [(2, 2), (10, 10)], "landmark").annotation
        svc.close()
    window = make_window()
    assert window.open_case(where)
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=30_000):
        assert window.tree.select(still.id)
    editor = window.findChild(AnnotationEditor)
    qtbot.waitUntil(lambda: editor is not None and editor.isVisible(), timeout=10_000)
    controller = window.findChild(AnnotationController, "annotation_controller")
    controller.select(ann.id)  # a click on its box
    qtbot.waitUntil(lambda: editor.annotation_id == ann.id, timeout=10_000)
    with Case.open(where) as other:
        theirs = AnnotationService(other, actor=B)
        theirs.edit(ann.id, {"note": "the tower's top"}, reason="zoomed in")
        theirs.close()
    editor.note.setPlainText("a crane")
    seen: list[dict[str, Any]] = []
    answer_conflict("cancel", seen)
    qtbot.mouseClick(editor.apply, Qt.MouseButton.LeftButton)
    assert seen[0]["rows"] == [("note", "the tower's top", "a crane")]
    assert "zoomed in" in seen[0]["summary"]
    assert editor.note.toPlainText() == "a crane"
    answer_conflict("apply", seen)
    qtbot.mouseClick(editor.apply, Qt.MouseButton.LeftButton)
    assert len(seen) == 2
    with Case.open(where) as check:
        mine = AnnotationService(check)
        assert mine.get(ann.id).note == "a crane"
        mine.close()
    # Undo after a colleague changed it again: refused with the reason, their change kept,
    # and the step leaves the stack; an undo nobody overtook goes through.
    with Case.open(where) as other:
        theirs = AnnotationService(other, actor=B)
        theirs.edit(ann.id, {"note": "a crane, yellow"})
        theirs.close()
    boxes: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: boxes.append(text))
    controller.undo_stack.undo()
    [told] = boxes  # the window shows the refusal in a box
    assert "undo refused" in told
    assert "note" in told
    assert controller.service().get(ann.id).note == "a crane, yellow"
    assert not controller.undo_stack.canUndo()
    window.close_case()


def test_the_manufacturer_editor_saves_over_the_reloaded_registry_only_after_asking(
    qtbot, make_window, tmp_path
) -> None:
    """The registry table is read again when a colleague's change arrives; the fields I am
    editing are still saved from the manufacturer they showed: my city merges onto their
    notes, and my notes against theirs asks (here: Reload theirs)."""
    from forensics.provenance.manufacturers import add_manufacturer, edit_manufacturer
    from forensics.provenance.models import Manufacturer
    from forensics.store.provenance import ProvenanceRepository
    from tests.ui.helpers import show_dock
    from ui.provenance.manufacturers_dock import ManufacturersDock

    where = tmp_path / "case"
    with Case.create(where, title="T", examiner="A") as case:
        maker = add_manufacturer(case, name="Viewpro", country="CN")
    window = make_window()
    assert window.open_case(where)
    show_dock(window, "Manufacturers")
    dock = window.findChild(ManufacturersDock)
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1, timeout=10_000)
    dock.table.selectRow(0)
    assert dock.editor.shown is not None
    qtbot.keyClicks(dock.editor.city, "Shenzhen")
    dock.editor.notes.setPlainText("gimbal cameras")
    with Case.open(where) as other:
        edit_manufacturer(other, maker.id, {"notes": "thermal cameras"}, actor=B)
    seen: list[dict[str, Any]] = []
    answer_conflict("reload", seen)
    assert not dock.save()
    assert seen[0]["rows"] == [("notes", "thermal cameras", "gimbal cameras")]
    assert (dock.editor.city.text(), dock.editor.notes.toPlainText()) == ("", "thermal cameras")
    qtbot.keyClicks(dock.editor.city, "Shenzhen")
    assert dock.save()
    stored = ProvenanceRepository(window.current_case().db).get(Manufacturer, maker.id)
    assert (stored.city, stored.notes) == ("Shenzhen", "thermal cameras")
    assert len(seen) == 1
    window.close_case()
