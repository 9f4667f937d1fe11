"""The provenance GUI: models, the graph with evidence on click, the chart's bars, the editors,
and the contribution inside the real main window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from forensics.case import Case
from forensics.models import ItemKind
from forensics.provenance.components import add_component, link_component
from forensics.provenance.graph import provenance_graph
from forensics.provenance.manufacturers import add_manufacturer
from forensics.provenance.models import Basis, ComponentLink, Manufacturer
from forensics.provenance.origins import origins
from forensics.provenance.sources import add_claim, add_source
from forensics.store.provenance import ProvenanceRepository
from tests.ui.helpers import show_dock
from ui.provenance.component_editor import ComponentEditor
from ui.provenance.contribution import ProvenanceContribution
from ui.provenance.graph_view import EdgeItem, NodeItem, ProvenanceGraphView
from ui.provenance.manufacturers_dock import ManufacturersDock
from ui.provenance.origins_view import OriginsView
from ui.provenance.sources_dock import SourcesDock


@pytest.fixture
def demo_case(case: Case) -> dict[str, Any]:
    drone = case.add_item(kind=ItemKind.HARDWARE, name="Drone").id
    source = add_source(case, kind="channel", title="Flash channel", grade="B2")
    add_claim(case, source_id=source.id, text="The camera is a Viewpro.", claim_date="2025")
    viewpro = add_manufacturer(case, name="Viewpro", country="CN", city="Shenzhen")
    st = add_manufacturer(case, name="STMicroelectronics", country="CH")
    camera = add_component(case, parent_id=drone, function="camera", part_number="A40")
    mcu = add_component(case, parent_id=drone, function="MCU", part_number="STM32F405RGT6")
    radio = add_component(case, parent_id=drone, function="radio")
    link_component(
        case,
        camera.id,
        viewpro.id,
        basis=Basis.DOCUMENT,
        confidence="probable",
        source_ids=[source.id],
    )
    link_component(case, mcu.id, st.id, basis=Basis.CATALOGUE)
    return {
        "case": case,
        "drone": drone,
        "camera": camera.id,
        "mcu": mcu.id,
        "radio": radio.id,
        "viewpro": viewpro.id,
        "source": source.id,
    }


def test_models_pass_the_model_tester(
    qtbot: Any, qtmodeltester: Any, demo_case: dict[str, Any]
) -> None:
    case = demo_case["case"]
    manufacturers = ManufacturersDock(lambda: case)
    sources = SourcesDock(lambda: case)
    view = OriginsView()
    for widget in (manufacturers, sources, view):
        qtbot.addWidget(widget)
    manufacturers.reload()
    sources.reload()
    sources.sources_table.selectRow(0)
    view.set_report(origins(case), "Whole case")
    assert manufacturers.model.rowCount() == 2
    assert sources.claims.rowCount() == 1
    for model in (
        manufacturers.model,
        sources.sources,
        sources.claims,
        view.components,
        view.shares,
    ):
        qtmodeltester.check(model)
    assert sources.sources.data(sources.sources.index(0, 0)) == "B2"
    tip = sources.sources.data(sources.sources.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "usually reliable" in tip


def test_graph_shows_nodes_and_edge_evidence(qtbot: Any, demo_case: dict[str, Any]) -> None:
    case = demo_case["case"]
    graph = provenance_graph(case)
    view = ProvenanceGraphView()
    qtbot.addWidget(view)
    view.show()
    view.set_graph(graph)
    boxes = [i for i in view.scene.items() if isinstance(i, NodeItem)]
    arrows = [i for i in view.scene.items() if isinstance(i, EdgeItem)]
    assert len(boxes) == len(graph.nodes) == 8  # drone, 3 components, 2 makers, 2 countries
    assert len(arrows) == len(graph.edges)
    camera = f"component:{demo_case['camera']}"
    maker = f"manufacturer:{demo_case['viewpro']}"
    with qtbot.waitSignal(view.edge_clicked) as blocker:
        view.select_edge(camera, maker)
    assert blocker.args == [camera, maker]
    text = view.evidence_text()
    assert "document (probable)" in text
    assert "[B2] Flash channel" in text
    # a real click on a box shows its links
    box = view.nodes[maker]
    centre = view.view.mapFromScene(box.rect().center())
    with qtbot.waitSignal(view.node_clicked) as clicked:
        qtbot.mouseClick(view.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert clicked.args == [maker]
    assert "located in: China" in view.evidence_text()


def test_chart_draws_one_bar_per_country_and_traces_it(
    qtbot: Any, demo_case: dict[str, Any]
) -> None:
    case = demo_case["case"]
    view = OriginsView()
    qtbot.addWidget(view)
    view.resize(700, 600)
    view.show()
    report = origins(case)
    view.set_report(report, "Whole case")
    assert view.chart.bar_count() == 3
    rects = view.chart.bar_rects()
    assert rects[0].width() == pytest.approx(rects[1].width())
    image = view.chart.grab().toImage()
    first = rects[0]
    colour = image.pixelColor(int(first.x() + 3), int(first.center().y()))
    assert colour.name() == view.chart.colour(0).name()
    unknown = rects[2]
    assert image.pixelColor(int(unknown.x() + 1), int(unknown.center().y())).name() == "#bdc3c7"
    qtbot.mouseClick(
        view.chart,
        Qt.MouseButton.LeftButton,
        pos=QPoint(int(rects[2].x() + 1), int(rects[2].center().y())),
    )
    assert view.selected_component_ids() == [demo_case["radio"]]
    view.grouping.setCurrentIndex(1)
    assert view.chart.bar_count() == 3
    assert {s.label for s in view.current_shares()} == {"camera", "MCU", "radio"}


def test_manufacturer_editor_adds_and_reports_errors(
    qtbot: Any, demo_case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = demo_case["case"]
    shown: list[str] = []
    monkeypatch.setattr(
        "ui.provenance.common.QMessageBox.warning", lambda _p, _t, text: shown.append(text)
    )
    dock = ManufacturersDock(lambda: case)
    qtbot.addWidget(dock)
    dock.reload()
    qtbot.keyClicks(dock.editor.name, "Espressif Systems")
    qtbot.keyClicks(dock.editor.country, "CN")
    dock.editor.aliases.setText("乐鑫@Han")
    with qtbot.waitSignal(dock.changed):
        qtbot.mouseClick(dock.add_button, Qt.MouseButton.LeftButton)
    added = ProvenanceRepository(case.db).manufacturer_named("乐鑫")
    assert added is not None
    assert added.country_code == "CN"
    dock.editor.country.setText("Atlantis")
    dock.editor.name.setText("Nowhere")
    qtbot.mouseClick(dock.add_button, Qt.MouseButton.LeftButton)
    assert shown
    assert "unknown country 'Atlantis'" in shown[0]


def test_component_editor_marking_assistant(qtbot: Any, demo_case: dict[str, Any]) -> None:
    case = demo_case["case"]
    editor = ComponentEditor(lambda: case)
    qtbot.addWidget(editor)
    editor.show_item(demo_case["drone"])
    editor.function.setCurrentText("MCU")
    editor.marking.setPlainText("GD32F405RGT6\nAJ2213")
    with qtbot.waitSignal(editor.changed):
        qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    component_id = editor.component.id if editor.component else ""
    assert case.items.get(component_id).marking == "GD32F405RGT6\nAJ2213"
    qtbot.mouseClick(editor.suggest_button, Qt.MouseButton.LeftButton)
    assert editor.suggestions.count() == 1
    assert "gigadevice-gd32" in editor.suggestions.item(0).text()
    with qtbot.waitSignal(editor.changed):
        qtbot.mouseClick(editor.accept_button, Qt.MouseButton.LeftButton)
    links = ProvenanceRepository(case.db).all(ComponentLink, by={"component_id": component_id})
    maker = ProvenanceRepository(case.db).get(Manufacturer, links[0].manufacturer_id)
    assert maker.name == "GigaDevice"
    assert "linked to GigaDevice" in editor.status.text()


def test_contribution_in_the_main_window(
    make_window: Any, demo_case: dict[str, Any], tmp_path: Path
) -> None:
    case: Case = demo_case["case"]
    root = case.root
    case.close()
    window = make_window(contributions=(ProvenanceContribution,))
    assert window.open_case(root)
    # Tabbed behind the viewer, the docks are neither built nor loaded until looked at.
    assert window.findChild(ProvenanceGraphView) is None
    show_dock(window, "Provenance graph")
    graph = window.findChild(ProvenanceGraphView)
    assert graph is not None
    assert len(graph.nodes) == 8
    assert window.findChild(OriginsView) is None
    show_dock(window, "Origins")
    chart_view = window.findChild(OriginsView)
    assert chart_view.chart.bar_count() == 3
    menu_actions = [
        a
        for m in window.menuBar().actions()
        if m.menu()
        for a in m.menu().actions()
        if m.text() == "&Provenance"
    ]
    assert len(menu_actions) == 5
    for action in menu_actions:
        assert not action.shortcut().isEmpty(), action.text()
        assert action.statusTip(), action.text()
