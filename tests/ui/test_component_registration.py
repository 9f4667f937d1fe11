"""A component registered through "Register hardware item" is a provenance component: the
Component dock shows it as one and attributes it to Viewpro with a basis in the analyst's words,
with no second, nested component; each confidence scale is named and explains its values."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from forensics.case import Case
from forensics.provenance.components import add_component
from forensics.provenance.manufacturers import add_manufacturer
from forensics.provenance.models import Component, ComponentLink, Manufacturer
from forensics.records.provenance import CONFIDENCE_MEANING
from forensics.store.provenance import ProvenanceRepository
from tests.ui.helpers import pick, show_dock
from ui.item_dialog import ItemDialog
from ui.provenance.component_editor import ComponentEditor


def _register_in_the_dialog(qtbot: Any, window: Any, drone_id: str) -> None:
    """Case > Register hardware item: a Viewpro camera component inside the drone."""
    seen: dict[str, object] = {}

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ItemDialog):
            QTimer.singleShot(50, drive)
            return
        qtbot.keyClicks(dialog.name, "Viewpro A40")
        dialog.kind.setCurrentIndex(dialog.kind.findData("component"))
        seen["title"] = dialog.windowTitle()
        dialog.parent_box.setCurrentIndex(dialog.parent_box.findData(drone_id))
        dialog.function.setCurrentText("camera")
        qtbot.keyClicks(dialog.marking, "VIEWPRO A40 TIR")
        qtbot.keyClicks(dialog.reason, "found in the nose")
        dialog.save()

    QTimer.singleShot(0, drive)
    action = window.findChild(QAction, "action_add_hardware")
    assert action is not None
    action.trigger()
    assert seen["title"] == "Register component"


def test_a_component_registered_as_an_item_is_attributed_without_a_duplicate(
    qtbot: Any, make_window: Any, case: Case
) -> None:
    drone = case.add_item(kind="hardware", name="Gerbera drone")
    window = make_window()
    assert window.open_case(case.root)
    _register_in_the_dialog(qtbot, window, drone.id)
    live = window.current_case()
    repo = ProvenanceRepository(live.db)
    [camera] = live.items.children(drone.id)
    assert (camera.kind, camera.name, camera.marking) == (
        "component",
        "Viewpro A40",
        "VIEWPRO A40 TIR",
    )
    assert repo.get(Component, camera.id).function == "camera"

    show_dock(window, "Component")
    assert window.tree.select(camera.id)
    editor = window.findChild(ComponentEditor)
    assert editor is not None
    qtbot.waitUntil(lambda: editor.item_id == camera.id)
    assert editor.heading.text() == "Component: Viewpro A40"
    qtbot.mouseClick(editor.suggest_button, Qt.MouseButton.LeftButton)
    assert "Viewpro" in editor.suggestions.currentItem().text()
    assert editor.accept_button.isEnabled()
    editor.confidence.setCurrentText("confirmed")
    assert CONFIDENCE_MEANING["confirmed"] in editor.confidence.toolTip()
    qtbot.keyClicks(editor.basis_note, "logo on the lens ring, photo 3")
    qtbot.mouseClick(editor.accept_button, Qt.MouseButton.LeftButton)

    [link] = repo.all(ComponentLink)
    assert link.component_id == camera.id
    assert repo.get(Manufacturer, link.manufacturer_id).name == "Viewpro"
    assert link.confidence == "confirmed"
    assert link.note is not None
    assert link.note.startswith("logo on the lens ring, photo 3; ")
    assert live.items.children(drone.id) == [camera]  # no nested duplicate component
    assert [c.id for c in repo.all(Component)] == [camera.id]


def test_a_component_needs_its_hardware_and_a_function(
    qtbot: Any, case: Case, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QMessageBox

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    drone = case.add_item(kind="hardware", name="Gerbera drone")
    dialog = ItemDialog(case)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.function.isVisible()
    dialog.kind.setCurrentIndex(dialog.kind.findData("component"))
    assert dialog.function.isVisible()
    qtbot.keyClicks(dialog.name, "Radio")
    dialog.save()
    assert dialog.saved is None
    assert "Inside" in warned[-1]
    dialog.parent_box.setCurrentIndex(dialog.parent_box.findData(drone.id))
    dialog.save()
    assert dialog.saved is None
    assert "function" in warned[-1]
    dialog.function.setCurrentText("radio")
    dialog.save()
    assert dialog.saved is not None
    assert ProvenanceRepository(case.db).get(Component, dialog.saved.id).function == "radio"


def test_link_a_component_to_a_maker_picked_by_name_with_a_basis(qtbot: Any, case: Case) -> None:
    drone = case.add_item(kind="hardware", name="Gerbera drone")
    camera = add_component(case, parent_id=drone.id, function="camera", name="Gimbal camera")
    viewpro = add_manufacturer(case, name="Viewpro", country="CN")
    add_manufacturer(case, name="SIYI Technology", country="CN")
    editor = ComponentEditor(lambda: case)
    qtbot.addWidget(editor)
    editor.show()
    editor.show_item(camera.id)
    assert editor.link_button.isEnabled()
    pick(qtbot, editor.maker, "viewp")
    editor.basis.setCurrentText("logo")
    editor.confidence.setCurrentText("probable")
    qtbot.keyClicks(editor.basis_note, "Viewpro logo moulded on the housing")
    qtbot.mouseClick(editor.link_button, Qt.MouseButton.LeftButton)
    [link] = ProvenanceRepository(case.db).all(ComponentLink)
    assert (link.component_id, link.manufacturer_id) == (camera.id, viewpro.id)
    assert (link.basis, link.confidence) == ("logo", "probable")
    assert link.note == "Viewpro logo moulded on the housing"
    assert editor.maker.text() == ""
