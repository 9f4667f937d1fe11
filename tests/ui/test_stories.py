"""The five user stories of issue 17, each driven through the window `pwb gui` builds, on a
1366x768 screen, with the mouse and keys only: no record id is typed anywhere.

1. Catalogue and verify: find the footage by a word, read its details, verify the case.
2. Annotate a track and export it: draw a vehicle on two frames, end the track, export COCO.
3. Geolocate with evidence: a hypothesis at a place, its evidence picked by name, the map
   framed on it.
4. Attribute a component: register the camera found in the drone, let the marking suggest its
   maker, accept with a basis in the analyst's words.
5. Pack, import and report: pack the case, import it into a new folder, open it, report.

With `PWB_STORY_SHOTS=<folder>` each story also saves what the user sees at its end (the
window with any dialog over it) as `story-N-name.png`; `make screenshots` writes them into
docs/screenshots, which the README shows.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.helpers import cut_texts, pick, show_dock

SCREEN = (1366, 768)
SHOTS_ENV = "PWB_STORY_SHOTS"


def save_shot(window: Any, name: str, *over: QWidget) -> None:
    """What the user sees: the window, with the dialogs `over` it drawn where they stand."""
    folder = os.environ.get(SHOTS_ENV)
    if not folder:
        return
    QApplication.processEvents()
    body = window.grab()
    # The title bar a window manager would draw: it names the case, its origin and examiner.
    strip = 30
    picture = QPixmap(body.width(), body.height() + strip)
    picture.fill(QColor("#2b3440"))
    painter = QPainter(picture)
    painter.setPen(QColor("white"))
    # The test's scratch folder reads as a user's own folder of cases.
    title = re.sub(r"/tmp/pytest-of-[^/]+/pytest-\d+/[^/]+/", "~/cases/", window.windowTitle())
    painter.drawText(QRect(0, 0, body.width(), strip), int(Qt.AlignmentFlag.AlignCenter), title)
    painter.drawPixmap(0, strip, body)
    painter.translate(0, strip)
    for widget in over:
        if widget is not None and widget.isVisible():
            # Centred over the window, where a window manager puts a dialog (the offscreen
            # platform has none).
            painter.drawPixmap(
                max(0, (window.width() - widget.width()) // 2),
                max(0, (window.height() - widget.height()) // 2),
                widget.grab(),
            )
    painter.end()
    Path(folder).mkdir(parents=True, exist_ok=True)
    assert picture.save(str(Path(folder) / f"{name}.png"), "PNG")


def action(window: Any, text: str) -> QAction:
    """The menu entry a user clicks, found by the words on it."""
    found = [a for a in window.findChildren(QAction) if a.text().replace("&", "") == text]
    assert found, f"no menu entry {text!r}"
    return found[0]


@pytest.fixture(autouse=True)
def _no_error_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A warning or error box in a story is a failure, reported with its text (a modal box
    would otherwise wait for a click that never comes)."""
    from PySide6.QtWidgets import QMessageBox

    def refuse(_parent: Any, title: str, text: str, *_a: Any, **_k: Any) -> Any:
        raise AssertionError(f"the GUI showed a box: {title}: {text}")

    for name in ("warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, refuse)
    return []


@pytest.fixture
def story_window(make_window: Any, qtbot: Any, demo_case: Path) -> Any:
    """The workbench on (a copy of) the demo case, sized as a 1366x768 laptop screen."""
    window = make_window()
    window.resize(*SCREEN)
    assert window.open_case(demo_case)
    qtbot.waitUntil(lambda: window.runner.active == 0, timeout=120_000)
    return window


def test_story_1_catalogue_and_verify(story_window: Any, qtbot: Any) -> None:
    window = story_window
    catalogue = window.catalogue
    # Ctrl+F, then a word from the footage's notes: the lanterns seen in it.
    action(window, "Find in catalogue").trigger()
    qtbot.keyClicks(catalogue.search, "VID_0001")
    qtbot.waitUntil(lambda: catalogue.table.model().rowCount() == 1, timeout=10_000)
    index = catalogue.table.model().index(0, 0)
    assert index.data() == "VID_0001.mp4"
    with qtbot.waitSignal(window.signals.item_selected, timeout=10_000):
        qtbot.mouseClick(
            catalogue.table.viewport(),
            Qt.MouseButton.LeftButton,
            pos=catalogue.table.visualRect(index).center(),
        )
    details = window.detail.text()
    assert "VID_0001.mp4" in details
    assert "SHA-256" in details
    # Case > Verify: the case verifies clean, beside the window (not modal).
    action(window, "Verify case…").trigger()
    dialog = window.actions_.verify_dialog
    assert dialog is not None
    assert not dialog.isModal()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=120_000)
    assert dialog.report.ok, dialog.banner.text()
    assert "verifies clean" in dialog.banner.text()
    save_shot(window, "story-1-catalogue-and-verify", dialog)
    dialog.close()


def test_story_2_annotate_a_track_and_export(
    story_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.annotate.controller import AnnotationController

    window = story_window
    case = window.current_case()
    [video] = [i for i in case.items.search("VID_0001") if i.name == "VID_0001.mp4"]
    # The footage is picked in the case tree, as a user clicks it.
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=30_000):
        assert window.tree.select(video.id)
    controller = window.findChild(AnnotationController, "annotation_controller")
    assert controller is not None
    qtbot.waitUntil(lambda: controller.frame is not None, timeout=30_000)
    view = window.viewer.graphics_view()
    before = {a.id for a in controller.service().search()}

    def drag(start: tuple[float, float], end: tuple[float, float]) -> None:
        a = view.mapFromScene(*start)
        b = view.mapFromScene(*end)
        qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=a)
        qtbot.mouseMove(view.viewport(), pos=(a + b) / 2)
        qtbot.mouseMove(view.viewport(), pos=b)
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=b)

    def go_to(frame: int) -> None:
        """The viewer's Go to field: type the frame, press Enter."""
        window.viewer.goto.clear()
        with qtbot.waitSignal(window.viewer.frame_shown, timeout=30_000):
            qtbot.keyClicks(window.viewer.goto, str(frame))
            qtbot.keyClick(window.viewer.goto, Qt.Key.Key_Return)

    go_to(40)
    controller.set_label("vehicle")  # what keys 1-9 or the label box set; tested elsewhere
    action(window, "Box").trigger()
    view.setFocus()
    qtbot.keyClick(view.viewport(), Qt.Key.Key_T)  # a track starts
    track_id = controller.track_id
    assert track_id
    drag((200, 170), (300, 225))
    go_to(60)
    drag((260, 170), (360, 225))
    qtbot.keyClick(view.viewport(), Qt.Key.Key_E)  # the van leaves the frame after this one
    keys = sorted(k.frame_index for k in controller.service().repo.keyframes(track_id))
    assert keys == [40, 60, 61]
    go_to(50)
    assert any(s.interpolated for s in controller.shapes() if s.track_id == track_id)
    save_shot(window, "story-2-annotate-a-track")

    # Annotate > Export annotations: COCO into a new folder.
    out = tmp_path / "coco"
    out.mkdir()
    monkeypatch.setattr(
        "ui.annotate.exchange_jobs.QInputDialog.getItem", lambda *_a, **_k: ("coco", True)
    )
    monkeypatch.setattr(
        "ui.annotate.exchange_jobs.QFileDialog.getExistingDirectory",
        lambda *_a, **_k: str(out),
    )
    action(window, "Export annotations…").trigger()
    qtbot.waitUntil(lambda: any(out.rglob("*.json")), timeout=60_000)
    qtbot.waitUntil(lambda: window.runner.active == 0, timeout=60_000)
    [coco_file] = list(out.rglob("*.json"))
    coco = json.loads(coco_file.read_text())
    made = {a.id for a in controller.service().search()} - before
    assert made, "the track's boxes were recorded"
    exported_labels = {c["name"] for c in coco["categories"]}
    assert "vehicle" in exported_labels
    assert len(coco["annotations"]) >= len(before) + 2


def test_story_4_attribute_a_component(story_window: Any, qtbot: Any) -> None:
    from forensics.provenance.models import ComponentLink, Manufacturer
    from forensics.store.provenance import ProvenanceRepository
    from ui.item_dialog import ItemDialog
    from ui.provenance.component_editor import ComponentEditor

    window = story_window
    case = window.current_case()
    [drone] = [i for i in case.items.children(None) if i.name.startswith("Gerbera drone")]

    # Case > Register hardware item: a camera component found inside the drone.
    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ItemDialog):
            QTimer.singleShot(50, fill_in)
            return
        qtbot.keyClicks(dialog.name, "Nose camera")
        dialog.kind.setCurrentIndex(dialog.kind.findData("component"))
        dialog.parent_box.setCurrentIndex(dialog.parent_box.findData(drone.id))
        dialog.function.setCurrentText("camera")
        qtbot.keyClicks(dialog.marking, "VIEWPRO A40 TIR")
        qtbot.keyClicks(dialog.reason, "found behind the nose dome")
        dialog.save()

    QTimer.singleShot(0, fill_in)
    action(window, "Register hardware item…").trigger()
    [camera] = [
        i for i in window.current_case().items.children(drone.id) if i.name == "Nose camera"
    ]

    # The Component panel, the camera picked in the tree: the marking suggests Viewpro.
    show_dock(window, "Component")
    assert window.tree.select(camera.id)
    editor = window.findChild(ComponentEditor)
    assert editor is not None
    qtbot.waitUntil(lambda: editor.item_id == camera.id, timeout=10_000)
    qtbot.mouseClick(editor.suggest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.suggestions.count() > 0, timeout=10_000)
    assert "Viewpro" in editor.suggestions.currentItem().text()
    editor.confidence.setCurrentText("probable")
    qtbot.keyClicks(editor.basis_note, "VIEWPRO A40 TIR printed on the gimbal housing")
    save_shot(window, "story-4-attribute-a-component")
    qtbot.mouseClick(editor.accept_button, Qt.MouseButton.LeftButton)

    repo = ProvenanceRepository(window.current_case().db)
    [link] = [k for k in repo.all(ComponentLink) if k.component_id == camera.id]
    assert repo.get(Manufacturer, link.manufacturer_id).name.startswith("Viewpro")
    assert link.confidence == "probable"
    assert "printed on the gimbal housing" in (link.note or "")
    # The same link made by name, as a second maker would be: the picker, never an id.
    assert editor.maker.placeholderText().startswith("Find")
    pick(qtbot, editor.maker, "viewp")
    assert editor.maker.record() is not None


def test_story_3_geolocate_with_evidence(story_window: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QDialogButtonBox, QPushButton

    from geoloc.hypotheses import HypothesisService
    from ui.geo.editor import HypothesisEditor

    window = story_window
    case = window.current_case()
    [street] = [i for i in case.items.search("VID_0002") if i.name == "VID_0002_STREET.mp4"]
    [photo] = [i for i in case.items.search("IMG_0002") if i.name == "IMG_0002.jpg"]
    before = {h.id for h in HypothesisService(case).hypotheses()}
    # The street footage picked in the tree: a new hypothesis is about it.
    assert window.tree.select(street.id)
    show_dock(window, "Map")
    panel = show_dock(window, "Hypotheses").widget().contribution.panel
    new = next(b for b in panel.findChildren(QPushButton) if b.text().replace("&", "") == "New…")
    qtbot.mouseClick(new, Qt.MouseButton.LeftButton)
    editor = panel.findChildren(HypothesisEditor)[-1]
    qtbot.waitUntil(editor.isVisible)
    assert editor.item_edit.record() is not None  # the selected item, by name
    # Where: the place looked up in the offline gazetteer, not typed as coordinates.
    qtbot.keyClicks(editor.place_edit, "Nanshan, Shenzhen")
    look = next(b for b in editor.findChildren(QPushButton) if b.text() == "&Look up")
    qtbot.mouseClick(look, Qt.MouseButton.LeftButton)
    assert float(editor.lat_edit.text()) == pytest.approx(22.53, abs=0.01)
    save = editor.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    service = HypothesisService(window.current_case())
    [made] = [h for h in service.hypotheses() if h.id not in before]
    assert made.item_id == street.id

    # Its evidence: the street photo, picked by name on the Evidence tab.
    editor = panel.open_hypothesis(made.id)
    assert editor is not None
    editor.tabs.setCurrentIndex(1)
    editor.kind_box.setCurrentText("item")
    pick(qtbot, editor.target_edit, "IMG_0002")
    add = editor.findChild(QPushButton, "add_evidence")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    # The map is framed on it, a few kilometres across, not on Asia.
    view = panel.map
    assert view.visible_rect().contains(QPointF(made.lon, -made.lat))
    assert view.visible_rect().width() < 1.0
    assert cut_texts(editor) == []
    assert cut_texts(panel) == []
    save_shot(window, "story-3-geolocate-with-evidence", editor)
    save = editor.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert [link.target_id for link in service.links(made.id)] == [photo.id]


def test_story_5_pack_import_and_report(
    story_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    from ui.exchange.contribution import ExchangeContribution
    from ui.exchange.import_dialog import ImportDialog
    from ui.exchange.pack_dialog import PackDialog

    window = story_window
    original = window.current_case().root
    exchange = next(c for c in window.contributions if isinstance(c, ExchangeContribution))
    monkeypatch.setattr(QMessageBox, "information", lambda *_a, **_k: None)
    sent = tmp_path / "sent" / "gerbera.pwbcase"
    sent.parent.mkdir()

    # File > Pack: a new team key made in the dialog signs the archive.
    def fill_pack() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PackDialog):
            QTimer.singleShot(50, fill_pack)
            return
        dialog.out.setText(str(sent))
        assert dialog.new_key(tmp_path / "keys" / "team-a.key", "Team A") is not None
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    (tmp_path / "keys").mkdir()
    QTimer.singleShot(0, fill_pack)
    action(window, "Pack case for another team…").trigger()
    qtbot.waitUntil(lambda: exchange.last_job is not None, timeout=10_000)
    packed = exchange.last_job
    qtbot.waitUntil(lambda: sent.is_file() and window.runner.active == 0, timeout=120_000)
    assert packed.error is None, packed.error

    # File > Import: into a folder that does not exist yet; the copy opens.
    action(window, "Import case archive…").trigger()
    dialog = exchange.import_dialog
    assert isinstance(dialog, ImportDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.archive.setText(str(sent))
    dialog.folder.setText(str(tmp_path / "received"))
    assert dialog.name.text() == "gerbera"
    assert cut_texts(dialog) == []
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    dest = tmp_path / "received" / "gerbera"
    qtbot.waitUntil(
        lambda: window.current_case() is not None and window.current_case().root == dest,
        timeout=120_000,
    )
    qtbot.waitUntil(lambda: window.runner.active == 0, timeout=120_000)
    assert "imported copy of gerbera.pwbcase" in window.windowTitle()
    assert "signed by Team A (trusted key" in window.statusBar().currentMessage()
    assert original != dest

    # File > Report: a PDF of the imported case.
    report = tmp_path / "report.pdf"
    monkeypatch.setattr(
        "ui.exchange.contribution.QFileDialog.getSaveFileName",
        lambda *_a, **_k: (str(report), "PDF (*.pdf)"),
    )
    action(window, "Report (HTML or PDF)…").trigger()
    qtbot.waitUntil(lambda: report.is_file() and window.runner.active == 0, timeout=180_000)
    assert report.read_bytes().startswith(b"%PDF")
    show_dock(window, "Jobs")
    save_shot(window, "story-5-pack-import-and-report")
    folder = os.environ.get(SHOTS_ENV)
    if folder:  # the report's first page, as the reader sees it
        import subprocess

        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "2",
                str(report),
                str(Path(folder) / "story-5-report-page"),
            ],
            check=True,
            timeout=120,
        )
