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
