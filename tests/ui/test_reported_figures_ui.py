"""The "Reported figures" chart of the origins dock on the demo case: one bar per share a
source reported, each labelled with its source and grade; a click shows claim and source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from app.demo.build import build_demo
from app.demo.provenance_step import load_seed
from forensics.case import Case
from forensics.provenance.figures import ReportedFigure, reported_figures
from tests.ui.helpers import show_dock
from ui.provenance.contribution import ProvenanceContribution
from ui.provenance.figure_chart import reliability_colour
from ui.provenance.origins_view import OriginsView


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("figures") / "demo-case")


@pytest.fixture
def demo_figures(demo_root: Path) -> Iterator[list[ReportedFigure]]:
    with Case.open(demo_root, readonly=True) as case:
        yield reported_figures(case)


def seed_shares() -> list[dict[str, Any]]:
    """The demo seed's percentage figures, with their source records."""
    seed = load_seed()
    sources = {s["key"]: s for s in seed["sources"]}
    return [
        {**f, "source_records": [sources[k] for k in f["sources"]]}
        for f in seed["figures"]
        if f["unit"] == "%"
    ]


def click(qtbot: Any, widget: Any, point: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(int(point.x()), int(point.y())))


def test_one_bar_per_share_labelled_with_its_source(
    qtbot: Any, qtmodeltester: Any, demo_figures: list[ReportedFigure]
) -> None:
    view = OriginsView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.set_figures(demo_figures)
    view.tabs.setCurrentIndex(1)
    chart = view.reported.chart
    shares = seed_shares()
    assert len(shares) >= 5
    assert chart.bar_count() == len(shares)
    labels = chart.bar_labels()
    for share in shares:
        source = share["source_records"][0]
        wanted = [
            label
            for label in labels
            if share["what"] in label and f"{source['title']} [{source['grade']}]" in label
        ]
        assert len(wanted) == 1, (share["what"], labels)
        assert (f"as of {share['as_of']}" if share["as_of"] else "undated") in wanted[0]
    values = [f.value for f in chart.figures()]
    assert values == sorted(values, reverse=True)
    others = view.reported.others
    assert others.rowCount() == len(load_seed()["figures"]) - len(shares)
    assert all(not f.is_percentage for f in others.rows())
    qtmodeltester.check(others)
    assert view.tabs.tabText(1) == f"Reported figures ({len(demo_figures)})"

    image = chart.grab().toImage()
    for index, rect in enumerate(chart.bar_rects()):
        pixel = image.pixelColor(int(rect.x() + 3), int(rect.center().y()))
        assert pixel.name() == reliability_colour(chart.figures()[index]).name()


def test_clicking_a_bar_shows_its_claim_and_source(
    qtbot: Any, demo_figures: list[ReportedFigure]
) -> None:
    view = OriginsView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.set_figures(demo_figures)
    view.tabs.setCurrentIndex(1)
    reported = view.reported
    chart = reported.chart
    last = chart.bar_count() - 1
    figure = chart.figures()[last]
    assert figure.sources[0].title not in reported.details_text()
    reported.chart_area.ensureVisible(0, int(chart.row_rects()[last].bottom()))
    with qtbot.waitSignal(chart.bar_clicked) as clicked:
        click(qtbot, chart, chart.bar_rects()[last].center())
    assert clicked.args == [last]
    assert chart.selected() == last
    text = reported.details_text()
    assert figure.sources[0].title in text
    assert figure.sources[0].grade_meaning in text
    assert figure.claim_text is not None
    assert figure.claim_text in text

    qtbot.keyClick(chart, Qt.Key.Key_Up)
    assert chart.selected() == last - 1
    assert chart.figures()[last - 1].what in reported.details_text()

    table = reported.others_table
    row = next(i for i, f in enumerate(reported.others.rows()) if f.unit == "km")
    click(qtbot, table.viewport(), table.visualRect(reported.others.index(row, 0)).center())
    assert chart.selected() == -1
    text = reported.details_text()
    assert "530,000 km" in text
    assert "The Washington Post" in text


def test_the_origins_dock_charts_the_demo_figures(make_window: Any, demo_root: Path) -> None:
    window = make_window(contributions=(ProvenanceContribution,))
    assert window.open_case(demo_root)
    show_dock(window, "Origins")
    view = window.findChild(OriginsView)
    assert view is not None
    assert view.chart.bar_count() >= 1
    assert view.reported.chart.bar_count() == len(seed_shares())
    chart = view.reported.chart
    assert chart.selected() == 0
    assert f"Source: {chart.figures()[0].sources[0].title}" in view.reported.details_text()
    window.close_case()
    assert view.reported.chart.bar_count() == 0
    assert view.reported.others.rowCount() == 0
