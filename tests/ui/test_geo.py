"""The map and the hypotheses dock, driven with real clicks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from forensics.case import Case
from geoloc.basemap import load_basemap
from geoloc.gazetteer import OfflineGazetteer
from geoloc.hypotheses import HypothesisDraft, HypothesisService
from tests.ui.helpers import pick, show_dock
from ui.geo.editor import HypothesisEditor
from ui.geo.map_view import MapView
from ui.geo.models import EvidenceModel, HistoryModel, HypothesisModel
from ui.geo.panel import GeoPanel


@pytest.fixture(scope="module")
def gazetteer() -> OfflineGazetteer:
    return OfflineGazetteer()


@pytest.fixture
def filled(tmp_path: Path) -> Case:
    case = Case.create(tmp_path / "case", title="Geo GUI", examiner="A. Analyst")
    item = case.add_item(kind="hardware", name="footage").id
    service = HypothesisService(case)
    nanshan = service.add(
        HypothesisDraft(
            item_id=item,
            methods="visual_landmark",
            lat=22.53,
            lon=113.93,
            radius_m=3000,
            status="confirmed",
            place_name="Nanshan, Shenzhen",
        )
    )
    service.link(nanshan.id, stance="supporting", kind="item", target_id=item, clue="lanterns")
    service.update(nanshan.id, {"notes": "lanterns and a reflection"})
    service.add(
        HypothesisDraft(
            item_id=item,
            methods="sun_shadow",
            lat=34.26,
            lon=108.93,
            radius_m=5000,
            status="refuted",
            place_name="Xi'an",
        )
    )
    yield case
    case.close()


@pytest.fixture
def panel(qtbot, filled: Case, gazetteer: OfflineGazetteer) -> GeoPanel:
    map_view = MapView()
    map_view.resize(900, 500)
    qtbot.addWidget(map_view)
    item = filled.items.search("footage")[0].id if hasattr(filled.items, "search") else None
    widget = GeoPanel(lambda: filled, map_view, lambda: item, gazetteer)
    qtbot.addWidget(widget)
    map_view.show()
    widget.show()
    widget.reload()
    return widget


def _click(qtbot, view: MapView, point) -> None:
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(round(point.x()), round(point.y()))
    )


def test_basemap_and_pins_are_drawn(panel: GeoPanel, filled: Case) -> None:
    view = panel.map
    countries = len(load_basemap().countries)
    assert countries > 200
    hypotheses = HypothesisService(filled).hypotheses()
    assert sorted(view.pin_ids()) == sorted(h.id for h in hypotheses)
    nanshan = next(h for h in hypotheses if h.status == "confirmed")
    marker = view.pin_item(nanshan.id)
    assert marker.brush().color().name() == "#1a9850"  # confirmed is green
    assert (marker.pos().x(), marker.pos().y()) == pytest.approx((113.93, -22.53))
    assert panel.model.rowCount() == 2
    assert "fewer than two" in panel.summary.text()


def test_click_pin_opens_its_hypothesis(qtbot, panel: GeoPanel, filled: Case) -> None:
    view = panel.map
    nanshan = next(h for h in HypothesisService(filled).hypotheses() if h.status == "confirmed")
    view.center_on(nanshan.lat, nanshan.lon, span_deg=2.0)
    with qtbot.waitSignal(view.pin_clicked, timeout=2000) as blocker:
        _click(qtbot, view, view.view_point(nanshan.lat, nanshan.lon))
    assert blocker.args == [nanshan.id]
    editors = panel.findChildren(HypothesisEditor)
    assert len(editors) == 1
    editor = editors[0]
    assert editor.place_edit.text() == "Nanshan, Shenzhen"
    assert editor.history_model.rowCount() == 2
    assert editor.evidence_model.rowCount() == 1
    assert editor.item_edit.text() == "footage"  # the item's name, not its id
    # Link a frame-grab item as evidence by typing part of its name.
    grab = filled.add_item(kind="hardware", name="Lantern street grab")
    editor.kind_box.setCurrentText("item")
    editor.tabs.setCurrentIndex(1)
    pick(qtbot, editor.target_edit, "lantern st")
    editor.add_link()
    names = [
        editor.evidence_model.index(r, EvidenceModel.RECORD).data()
        for r in range(editor.evidence_model.rowCount())
    ]
    assert any(n.startswith("Lantern street grab (") for n in names)
    # Listed in the dialog, stored only when the dialog is saved.
    assert grab.id not in {e.target_id for e in HypothesisService(filled).links(nanshan.id)}
    editor.save()
    assert {e.target_id for e in HypothesisService(filled).links(nanshan.id)} >= {grab.id}


def test_click_map_starts_a_hypothesis_there(
    qtbot, panel: GeoPanel, filled: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = panel.map
    view.center_on(48.0, 10.0, span_deg=4.0)
    with qtbot.waitSignal(view.map_clicked, timeout=2000) as blocker:
        _click(qtbot, view, view.view_point(48.0, 10.0))
    lat, lon = blocker.args
    assert (lat, lon) == pytest.approx((48.0, 10.0), abs=0.1)
    editor = panel.findChildren(HypothesisEditor)[-1]
    assert float(editor.lat_edit.text()) == pytest.approx(48.0, abs=0.1)
    dashcam = filled.add_item(kind="hardware", name="Dashcam clip")
    editor.item_edit.clear_pick()
    pick(qtbot, editor.item_edit, "dashc")  # the item by its name: no id typed
    editor.save()
    made = [h for h in HypothesisService(filled).hypotheses() if h.item_id == dashcam.id]
    assert [round(h.lat) for h in made] == [48]
    assert panel.model.rowCount() == 3
    assert len(view.pin_ids()) == 3


def test_bad_value_in_editor_is_refused(
    qtbot, panel: GeoPanel, filled: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    editor = panel.new_at(95.0, 10.0)
    editor.item_edit.setText(HypothesisService(filled).hypotheses()[0].item_id)
    editor.save()
    assert shown == ["latitude 95.0 is out of range (-90 to 90)"]
    editor.lat_edit.setText("nan")
    editor.save()
    assert "finite" in shown[-1]
    assert len(HypothesisService(filled).hypotheses()) == 2
    editor.close()


def test_place_lookup_in_editor(qtbot, panel: GeoPanel) -> None:
    editor = panel.new_at()
    editor.place_edit.setText("Nanshan, Shenzhen")
    editor.look_up()
    assert float(editor.lat_edit.text()) == pytest.approx(22.53)
    assert float(editor.lon_edit.text()) == pytest.approx(113.93)
    editor.place_edit.setText("Qwxzyville")
    editor.look_up()
    assert "does not know" in editor.lookup_label.text()
    editor.close()


def test_sun_tab(qtbot, panel: GeoPanel, filled: Case) -> None:
    nanshan = next(h for h in HypothesisService(filled).hypotheses() if h.status == "confirmed")
    editor = panel.open_hypothesis(nanshan.id)
    editor.time_edit.setText("2025-06-21T12:00:00+08:00")
    editor.shadow_edit.setText("260")
    editor.compute_sun()
    assert "elevation 83.9" in editor.sun_label.text()
    assert "consistent" in editor.sun_label.text()
    editor.time_edit.setText("2025-06-21T12:00:00")
    editor.compute_sun()
    assert "no UTC offset" in editor.sun_label.text()
    editor.close()


def test_models_pass_the_model_tester(qtmodeltester, panel: GeoPanel, filled: Case) -> None:
    qtmodeltester.check(panel.model)
    service = HypothesisService(filled)
    h = next(h for h in service.hypotheses() if h.status == "confirmed")
    evidence, history = EvidenceModel(), HistoryModel()
    evidence.set_rows(service.links(h.id))
    history.set_rows(service.history(h.id))
    qtmodeltester.check(evidence)
    qtmodeltester.check(history)
    qtmodeltester.check(HypothesisModel())


def test_contribution_installs_in_the_main_window(make_window, filled: Case) -> None:
    from ui.geo.contribution import GeoContribution

    root = filled.root
    filled.close()
    window = make_window(contributions=(GeoContribution,))
    assert window.open_case(root)
    # Tabbed behind the viewer, the docks are neither built nor loaded until looked at.
    assert window.findChildren(GeoPanel) == []
    show_dock(window, "Hypotheses")
    panels = window.findChildren(GeoPanel)
    assert len(panels) == 1
    assert panels[0].model.rowCount() == 2
    assert len(panels[0].map.pin_ids()) == 2
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Geo" in titles
    window.runner.shutdown()


def test_new_hypothesis_gets_evidence_and_sun_check_on_its_first_save(
    qtbot, panel: GeoPanel, filled: Case
) -> None:
    editor = panel.new_at(22.53, 113.93)
    tabs = [editor.tabs.tabText(i).replace("&", "") for i in range(editor.tabs.count())]
    assert tabs == ["Hypothesis", "Evidence", "Sun"]  # no history or checks before a save
    footage = filled.items.search("footage")[0]
    editor.item_edit.clear_pick()
    pick(qtbot, editor.item_edit, "foota")
    editor.tabs.setCurrentWidget(editor.evidence)
    editor.kind_box.setCurrentText("item")
    pick(qtbot, editor.target_edit, "foota")
    editor.add_link()
    assert editor.evidence_model.rowCount() == 1
    editor.time_edit.setText("2025-06-21T12:00:00+08:00")
    editor.compute_sun()
    assert "elevation" in editor.sun_label.text()
    editor.save()
    service = HypothesisService(filled)
    [made] = [h for h in service.hypotheses() if h.item_id == footage.id and h.status == "proposed"]
    assert [link.target_id for link in service.links(made.id)] == [footage.id]
    history = service.history(made.id)
    assert any("sun_check" in version.changes for version in history)
