"""Dragging items from the case tree and the catalogue onto a field that names a record."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from forensics.case import Case
from forensics.provenance.components import add_component
from ui.catalogue_model import ITEM_ID_ROLE
from ui.record_drag import RECORD_MIME, records_from_mime
from ui.record_picker import RecordPicker


def _drop(picker: RecordPicker, mime: QMimeData) -> bool:
    """Deliver a drag's enter and drop to the field, as Qt does at the end of a drag."""
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(picker, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(picker, drop)
    return drop.isAccepted()


def test_items_dragged_from_the_tree_and_catalogue_fill_a_picker(
    qtbot: Any, make_window: Any, case: Case
) -> None:
    drone = case.add_item(kind="hardware", name="Gerbera drone")
    camera = add_component(case, parent_id=drone.id, function="camera", name="Viewpro A40")
    window = make_window()
    assert window.open_case(case.root)
    assert window.tree.view.dragEnabled()
    assert window.catalogue.table.dragEnabled()

    tree_model = window.tree.model
    mime = tree_model.mimeData([tree_model.index_of(camera.id)])
    assert mime.hasFormat(RECORD_MIME)
    assert records_from_mime(mime) == [("item", camera.id)]

    component_field = RecordPicker(window.current_case, ["component"])
    qtbot.addWidget(component_field)
    assert _drop(component_field, mime)
    hit = component_field.record()
    assert hit is not None
    assert (hit.kind, hit.id, component_field.text()) == ("component", camera.id, "Viewpro A40")

    # The drone is no component: dropping it there is refused and changes nothing.
    drone_mime = tree_model.mimeData([tree_model.index_of(drone.id)])
    other_field = RecordPicker(window.current_case, ["component"])
    qtbot.addWidget(other_field)
    assert not _drop(other_field, drone_mime)
    assert other_field.record() is None

    catalogue = window.catalogue.model
    qtbot.waitUntil(lambda: catalogue.rowCount() >= 2, timeout=5000)
    [row] = [
        r
        for r in range(catalogue.rowCount())
        if catalogue.index(r, 0).data(ITEM_ID_ROLE) == drone.id
    ]
    item_field = RecordPicker(window.current_case, ["item"])
    qtbot.addWidget(item_field)
    assert _drop(item_field, catalogue.mimeData([catalogue.index(row, 0)]))
    assert item_field.record_id() == drone.id
    assert item_field.text() == "Gerbera drone"

    # Anything else (text, malformed data) is not a record.
    text = QMimeData()
    text.setText(camera.id)
    assert records_from_mime(text) == []
    bad = QMimeData()
    bad.setData(RECORD_MIME, b"{not json")
    assert records_from_mime(bad) == []
