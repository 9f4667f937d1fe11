"""Case > Add evidence asks where the evidence goes: the parent picker starts on the selected
tree node, another parent can be chosen, and the ingested folder keeps its structure there."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from forensics.case import Case
from ui.ingest_dialog import IngestDialog


def test_add_evidence_puts_a_folder_under_the_chosen_parent(
    qtbot, make_window, case: Case, tmp_path: Path
) -> None:
    drone = case.add_item(kind="hardware", name="Gerbera drone")
    camera = case.add_item(kind="component", name="Camera module", parent_id=drone.id)
    card = tmp_path / "card"
    for folder in ("DCIM/100MEDIA", "DCIM/101MEDIA"):
        (card / folder).mkdir(parents=True)
        (card / folder / "IMG_0001.JPG").write_bytes(folder.encode() * 100)
    window = make_window()
    assert window.open_case(case.root)
    assert window.tree.select(camera.id)
    seen: dict[str, object] = {}
    action = window.findChild(QAction, "action_add_evidence")
    assert action is not None
    action.trigger()
    dialog = window.actions_.ingest_dialog
    assert isinstance(dialog, IngestDialog)
    assert not dialog.isModal()  # the window stays usable while the dialog is open
    picker = dialog.parent_picker
    seen["default"] = picker.currentData()
    seen["choices"] = [picker.itemText(n) for n in range(picker.count())]
    picker.setCurrentIndex(picker.findData(drone.id))
    dialog.add_paths([card])
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    job = dialog.ingest_job
    assert job is not None
    qtbot.waitUntil(lambda: not job.running(), timeout=30000)
    assert job.report is not None
    assert not job.report.rejected

    assert seen["default"] == camera.id  # the selected tree node
    assert seen["choices"] == [
        "Top level of the case",
        "Gerbera drone / Camera module",
        "Gerbera drone",
    ]
    with Case.open(case.root, readonly=True) as fresh:
        [folder] = [i for i in fresh.items.children(drone.id) if i.kind == "folder"]
        assert folder.name == "card"
        [dcim] = fresh.items.children(folder.id)
        assert [m.name for m in fresh.items.children(dcim.id)] == ["100MEDIA", "101MEDIA"]
        files = [i for i in fresh.items.descendants(folder.id) if i.kind == "file"]
        assert len({f.parent_id for f in files}) == 2  # same names, different folders
        assert not fresh.items.children(camera.id)
