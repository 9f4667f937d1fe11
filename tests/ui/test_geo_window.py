"""Geolocating in the window `pwb gui` builds: the map framed on the data, zoom at the cursor,
place names, scale bar and read-out; a hypothesis dialog that saves nothing until Save, a sun
check kept in the history with its time from the media's metadata."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QMessageBox,
    QPushButton,
)

from app.demo.context import stable_id
from app.demo.geo_step import HYPOTHESIS_KEY, NANSHAN
from app.features import post_ingest_steps
from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths
from geoloc.geodesy import distance_m
from geoloc.hypotheses import HypothesisService
from geoloc.map_labels import text_box
from tests.ui.helpers import pick, show_dock
from ui.geo.editor import HypothesisEditor

NANSHAN_ID = stable_id(HYPOTHESIS_KEY)


def _geo(window):
    """The geolocation contribution, its docks brought forward and loaded."""
    show_dock(window, "Map")
    contribution = show_dock(window, "Hypotheses").widget().contribution
    contribution.panel.reload()
    return contribution


def _contains(view, lat: float, lon: float) -> bool:
    return view.visible_rect().contains(QPointF(lon, -lat))


def _wheel(view, at: QPointF, clicks: int) -> None:
    event = QWheelEvent(
        at,
        QPointF(view.viewport().mapToGlobal(at.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * clicks),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), event)


def _buttons(editor: HypothesisEditor, which: QDialogButtonBox.StandardButton):
    return editor.findChild(QDialogButtonBox).button(which)


def test_the_map_frames_the_data_zooms_at_the_cursor_and_reads_out(
    qtbot, make_window, demo_case: Path
) -> None:
    window = make_window()
    assert window.open_case(demo_case)
    geo = _geo(window)
    view = geo.map
    qtbot.waitUntil(lambda: NANSHAN_ID in view.pin_ids(), timeout=10000)
    # Opened on the case's data (one hypothesis in Nanshan), not on a map of Asia.
    assert _contains(view, *NANSHAN)
    assert view.visible_rect().width() < 1.0

    # The wheel zooms out around a point off-centre: that point stays under the cursor.
    at = QPointF(view.viewport().width() * 0.8, view.viewport().height() * 0.3)
    before, scale = view.geo_at(at), view.transform().m11()
    _wheel(view, at, -20)
    assert view.transform().m11() < scale / 50
    after = view.geo_at(at)
    px = 1.0 / view.transform().m11()  # degrees per pixel now
    assert after == pytest.approx(before, abs=1.5 * px)
    assert view.visible_rect().width() > 5

    # Opening the hypothesis frames it again: its 3 km circle, not the region.
    row = geo.panel.model.row_of(NANSHAN_ID)
    index = geo.panel.model.index(row, 0)
    geo.panel.view.scrollTo(index)
    where = geo.panel.view.visualRect(index).center()
    # A double-click is a press, a release, then the double-click (Qt's item views need the
    # press to know the row).
    qtbot.mouseClick(geo.panel.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(geo.panel.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    editor = geo.panel.findChildren(HypothesisEditor)[-1]
    assert _contains(view, *NANSHAN)
    rect = view.visible_rect()
    assert 0.05 < rect.height() < 0.2  # about the circle's 6 km, with a margin
    editor.reject()

    # The coordinates under the cursor.
    pin = view.view_point(*NANSHAN)
    qtbot.mouseMove(view.viewport(), pin.toPoint())
    qtbot.waitUntil(lambda: view.readout() != "", timeout=2000)
    lat, lon = view.cursor_position()
    assert (lat, lon) == pytest.approx(NANSHAN, abs=2 / view.transform().m11())
    text = view.readout()
    # The read-out shows the point under the pixel: within two pixels of Nanshan, as above
    # (22.5299 is as right as 22.5300 when a pixel spans 0.0002 degrees).
    shown_lat = float(text.split("°")[0])
    assert shown_lat == pytest.approx(NANSHAN[0], abs=max(1e-4, 2 / view.transform().m11()))
    assert "°N  113.9" in text
    assert text.endswith("°E")

    # Place names around Nanshan and a scale bar whose length is true on the ground.
    overlay = view.overlay()
    names = {label.place.name for label in overlay.labels}
    assert names, "no place named on the map"
    assert all(_contains(view, label.place.lat, label.place.lon) for label in overlay.labels)
    [pin] = overlay.pins
    full = "Nanshan District, Shenzhen, Guangdong, China"  # cut to fit when the map is narrow
    assert pin.text == full or (pin.text.endswith("\u2026") and full.startswith(pin.text[:-1]))
    # Every name readable: inside the map, and no two covering each other.
    boxes = [text_box(x.x, x.y, x.place.name, x.anchor) for x in overlay.labels]
    boxes.append(text_box(pin.x, pin.y, pin.text, pin.anchor))
    width, height = view.viewport().width(), view.viewport().height()
    assert all(b[0] >= -1 and b[2] <= width + 1 and b[1] >= -1 and b[3] <= height for b in boxes)
    for n, a in enumerate(boxes):
        for b in boxes[n + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    bar = overlay.scale
    assert bar is not None
    assert bar.label.endswith("km")
    mid = height / 2
    across = distance_m(view.geo_at(QPointF(0, mid)), view.geo_at(QPointF(width, mid)))
    assert bar.length_m / bar.px == pytest.approx(across / width, rel=0.01)
    # A kilometre is as long up the screen as across it (longitude squeezed by the cosine
    # of 22.5°: without it, 8% too wide), so the 3 km uncertainty circle is drawn round.
    cx = width / 2
    up = distance_m(view.geo_at(QPointF(cx, mid - 100)), view.geo_at(QPointF(cx, mid + 100)))
    side = distance_m(view.geo_at(QPointF(cx - 100, mid)), view.geo_at(QPointF(cx + 100, mid)))
    assert up == pytest.approx(side, rel=0.002)
    fixed = QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations
    [circle] = [
        o
        for o in view.scene().items()
        if isinstance(o, QGraphicsEllipseItem) and not o.flags() & fixed
    ]
    # (the shape itself: a cosmetic pen's width inflates the bounding rect in scene units)
    drawn = view.mapFromScene(circle.mapRectToScene(circle.rect())).boundingRect()
    assert drawn.width() == pytest.approx(drawn.height(), rel=0.02)
    picture = view.grab()
    assert picture.width() == view.viewport().width() or picture.width() > 100


def test_cancel_leaves_nothing_and_save_records_links_and_sun_check_once(
    qtbot, make_window, demo_case: Path
) -> None:
    window = make_window()
    assert window.open_case(demo_case)
    geo = _geo(window)
    case = window.current_case()
    service = HypothesisService(case)
    links_before = {link.id for link in service.links(NANSHAN_ID)}
    custody_before = len(case.custody.entries())

    # Add evidence and compute the sun, then Cancel: nothing is stored.
    editor = geo.panel.open_hypothesis(NANSHAN_ID)
    editor.tabs.setCurrentIndex(1)
    editor.kind_box.setCurrentText("item")
    pick(qtbot, editor.target_edit, "IMG_0001")
    qtbot.mouseClick(editor.findChild(QPushButton, "add_evidence"), Qt.MouseButton.LeftButton)
    assert editor.evidence_model.rowCount() == len(links_before) + 1
    editor.time_edit.setText("2025-05-01T10:00+08:00")
    editor.compute_sun()
    assert editor.sun_draft is not None
    qtbot.mouseClick(
        _buttons(editor, QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton
    )
    assert not editor.isVisible()
    assert {link.id for link in service.links(NANSHAN_ID)} == links_before
    assert len(case.custody.entries()) == custody_before
    assert [e.action for e in service.history(NANSHAN_ID)][-1] != "hypothesis_sun_checked"

    # The same with Save: the link and the sun check, in one transaction.
    editor = geo.panel.open_hypothesis(NANSHAN_ID)
    editor.tabs.setCurrentIndex(1)
    editor.kind_box.setCurrentText("item")
    pick(qtbot, editor.target_edit, "IMG_0001")
    editor.add_link()
    editor.tabs.setCurrentIndex(4)
    assert "No capture time" in editor.sun_tab.time_source.text()  # the demo's media have none
    editor.time_edit.setText("yesterday")
    editor.compute_sun()
    assert "is not a date and time" in editor.sun_label.text()
    assert "isoformat" not in editor.sun_label.text()
    editor.time_edit.setText("2025-05-01T10:00+08:00")
    editor.shadow_edit.setText("300")
    editor.compute_sun()
    qtbot.mouseClick(
        _buttons(editor, QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    assert not editor.isVisible()
    added = [link for link in service.links(NANSHAN_ID) if link.id not in links_before]
    assert [link.kind for link in added] == ["item"]
    new_entries = case.custody.entries()[custody_before:]
    # (The examiner's first write to this case also logs who they are.)
    assert [e.action for e in new_entries if e.action.startswith("hypothesis")] == [
        "hypothesis_evidence_linked",
        "hypothesis_sun_checked",
    ]
    last = service.history(NANSHAN_ID)[-1]
    assert last.action == "hypothesis_sun_checked"
    assert last.changes["sun_check"]["time_given"] == "2025-05-01T10:00:00+08:00"
    assert last.changes["sun_check"]["shadow_check"]["measured_deg"] == 300

    # Reopened, the History tab shows the check in words.
    editor = geo.panel.open_hypothesis(NANSHAN_ID)
    model = editor.history_model
    rows = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert rows[-1][3] == "sun checked"
    assert rows[-1][4].startswith("sun checked for 2025-05-01T10:00:00+08:00")
    editor.reject()


def test_sun_time_is_filled_in_from_the_photo_metadata(
    qtbot, make_window, tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "information", lambda *a: QMessageBox.StandardButton.Ok)
    root = tmp_path / "photo-case"
    with Case.create(root, title="Photo", examiner="A. Analyst") as case:
        ingest_paths(
            case,
            [corpus / "exif-samples" / "jpg" / "mobile" / "HMD_Nokia_8.3_5G.jpg"],
            IngestOptions(post_ingest=post_ingest_steps()),
        )
        [h] = HypothesisService(case).hypotheses()  # from the photo's GPS position
    window = make_window()
    assert window.open_case(root)
    geo = _geo(window)
    editor = geo.panel.open_hypothesis(h.id)
    # exifread's dump of this photo: GPSDate 2022:08:14, GPSTimeStamp 11:12:32 (UTC);
    # DateTimeOriginal 2022:08:14 14:12:31 with OffsetTimeOriginal +03:00.
    assert editor.time_edit.text() == "2022-08-14T11:12:32Z"
    source = editor.sun_tab.time_source.text()
    assert "EXIF GPS time (UTC) of HMD_Nokia_8.3_5G.jpg" in source
    assert "2022-08-14T14:12:31+03:00" in source
    editor.compute_sun()
    assert "(2022-08-14T11:12:32Z)" in editor.sun_label.text()
    editor.reject()
    assert [e.action for e in HypothesisService(window.current_case()).history(h.id)] == [
        "hypothesis_added"
    ]
