"""A GoPro clip's GPMF telemetry in the GUI: its group in the detail panel, its track on the
map, where a DJI SRT track already shows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.media.extract import PostIngestExtraction
from geoloc.gazetteer import OfflineGazetteer
from ui.context import WorkbenchSignals
from ui.detail_panel import DetailPanel
from ui.geo.map_view import MapView
from ui.geo.panel import GeoPanel


@pytest.fixture
def gopro_case(tmp_path: Path, corpus: Path) -> Iterator[tuple[Case, str]]:
    case = Case.create(tmp_path / "case", title="GoPro", examiner="A. Analyst")
    step = PostIngestExtraction()
    try:
        report = ingest_paths(
            case, [str(corpus / "video/gopro/hero7.mp4")], IngestOptions(post_ingest=(step,))
        )
    finally:
        step.close()
    item = report.outcomes[0].item
    assert item is not None
    yield case, item.id
    case.close()


def test_detail_panel_and_map_show_the_gopro_track(qtbot, gopro_case: tuple[Case, str]) -> None:
    case, item_id = gopro_case
    signals = WorkbenchSignals()
    panel = DetailPanel(signals)
    qtbot.addWidget(panel)
    signals.case_opened.emit(case)
    signals.item_selected.emit(item_id)
    text = panel.text()
    assert "GoPro telemetry (GPMF)" in text
    assert "GoPro GPMF GPS5" in text
    assert "UTC-07:00" in text
    assert "labelled UTC" in text

    map_view = MapView()
    qtbot.addWidget(map_view)
    geo = GeoPanel(lambda: case, map_view, lambda: item_id, OfflineGazetteer())
    qtbot.addWidget(geo)
    assert map_view.track_count() == 0
    geo.reload()
    assert map_view.track_count() == 1
