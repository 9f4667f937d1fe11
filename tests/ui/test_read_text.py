"""Read text through the real window: the demo's label photo gives Viewpro, its sign Nanshan."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

from app.demo.build import build_demo
from app.demo.context import stable_id
from app.demo.text_step import CHIP_PHOTO, SIGN_FRAME, STREET_CLIP
from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.provenance.models import Basis, ComponentLink
from forensics.store.provenance import ProvenanceRepository
from geoloc.hypotheses import HypothesisService
from tests.ui.helpers import show_dock


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("text-demo") / "demo-case")


@pytest.fixture
def demo(demo_source: Path, tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "demo"
    shutil.copytree(demo_source, root)
    return root


def _ids(root: Path) -> dict[str, str]:
    with Case.open(root, readonly=True) as case:
        items = {i.name: i for i in case.items.search()}
        return {
            "photo": items[CHIP_PHOTO].id,
            "camera": str(items[CHIP_PHOTO].parent_id),
            "clip": items[STREET_CLIP].id,
        }


def _read(qtbot, window, contribution, *, languages: str | None = None) -> None:
    panel = contribution.panel
    if languages is not None:
        panel.languages.setCurrentIndex(panel.languages.findData(languages))
    action = window.findChild(QAction, "action_read_text")
    assert action.shortcut().toString() == "Ctrl+R"
    assert action.statusTip()
    view = window.viewer.graphics_view()
    assert action in view.actions()
    assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    action.trigger()
    job = contribution.job
    assert job is not None
    with qtbot.waitSignal(job.signals.ended, timeout=60000):
        pass
    qtbot.waitUntil(lambda: contribution.job is None and panel.read is not None, timeout=10000)


def test_read_text_on_the_label_box_offers_viewpro_and_links_the_camera(
    qtbot, make_window, demo: Path
) -> None:
    ids = _ids(demo)
    window = make_window()
    assert window.contribution_errors == []
    assert window.open_case(demo)
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=20000):
        window.signals.item_selected.emit(ids["photo"])
    annotate = window.findChild(QDockWidget, "dock_annotations").widget().contribution
    mark = stable_id("ann:chip_marking")
    annotate.controller.select(mark)
    assert annotate.controller.selected_id() == mark
    text = window.findChild(QDockWidget, "dock_text").widget().contribution
    _read(qtbot, window, text)
    panel = text.panel
    assert panel.read.annotation_id == mark
    assert panel.lines.item(0).text().startswith("VIEWPRO A40")
    assert panel.maker_list.item(0).text().startswith("Viewpro:")
    # The lines are drawn over the image, in image pixels inside the box read.
    assert len(text.overlay.items) == len(panel.read.lines) >= 1
    x, y, w, h = panel.read.region
    box = text.overlay.items[0].rect()
    assert x <= box.x() <= box.right() <= x + w
    assert y <= box.y() <= box.bottom() <= y + h
    # The photo is filed under the A40 camera: it is the component offered.
    assert panel.components.currentData() == ids["camera"]
    assert panel.accept_maker.isEnabled()
    qtbot.mouseClick(panel.accept_maker, Qt.MouseButton.LeftButton)
    case = window.current_case()
    links = ProvenanceRepository(case.db).all(ComponentLink)
    read_links = [lk for lk in links if lk.basis == Basis.READ]
    assert len(read_links) == 1
    assert read_links[0].component_id == ids["camera"]
    assert panel.read.id in (read_links[0].note or "")
    # The box read is now evidence of the camera.
    svc = AnnotationService(case)
    try:
        evidence = [(lk.target_type, lk.target_id) for lk in svc.repo.links_of(mark)]
    finally:
        svc.close()
    assert ("component", ids["camera"]) in evidence


def test_read_text_on_a_frame_of_the_street_clip_offers_nanshan(
    qtbot, make_window, demo: Path
) -> None:
    ids = _ids(demo)
    window = make_window()
    assert window.open_case(demo)
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=20000):
        window.signals.item_selected.emit(ids["clip"])
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=20000):
        window.signals.frame_requested.emit(ids["clip"], SIGN_FRAME)
    show_dock(window, "Text")
    text = window.findChild(QDockWidget, "dock_text").widget().contribution
    # No box selected: the whole frame is read.
    _read(qtbot, window, text, languages="chi_sim")
    panel = text.panel
    assert panel.read.region is None
    assert panel.read.frame_index == SIGN_FRAME
    assert panel.lines.item(0).text().startswith("深圳市南山区")
    assert panel.place_list.item(0).text().startswith("'南山区' names Nanshan District")
    qtbot.mouseClick(panel.accept_place, Qt.MouseButton.LeftButton)
    case = window.current_case()
    service = HypothesisService(case)
    made = [h for h in service.hypotheses(ids["clip"]) if h.methods == ("signage_language",)]
    assert len(made) == 1
    assert made[0].place_name == "Nanshan District, Shenzhen, Guangdong, China"
    links = service.links(made[0].id)
    assert [lk.kind for lk in links] == ["annotation"]
    # Moving to another frame takes the boxes away. Accepting the place may show the sign's
    # frame again (its annotations changed): wait for frame 0 itself.
    with qtbot.waitSignal(
        window.viewer.frame_shown,
        timeout=20000,
        check_params_cb=lambda _item, index, _pixels: index == 0,
    ):
        window.signals.frame_requested.emit(ids["clip"], 0)
    assert text.overlay.items == []
